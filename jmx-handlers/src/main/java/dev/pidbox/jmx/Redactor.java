package dev.pidbox.jmx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets before they leave the JVM: values whose key looks secret (password, secret, token,
 * credential, key, auth and the like), {@code user:password@} inside URLs, and both of those inside a
 * command line ({@code -Ddb.password=x}, {@code --token=x}, {@code --token x}).
 *
 * <p>The one place pidbox decides what is a secret; every handler that shows configuration uses it.
 * Immutable and thread-safe.
 */
public final class Redactor {
    /** What a masked value is replaced with. */
    public static final String MASK = "******";

    /** Words that mark a key as secret when they appear anywhere in it (separators ignored). */
    private static final List<String> SECRET_SUBSTRINGS = Arrays.asList(
            "password", "passwd", "passphrase", "secret", "token", "credential", "apikey", "privatekey",
            "accesskey", "authorization", "cookie", "signature");

    /** Words that mark a key as secret when they are one whole part of it ({@code db.key}, {@code AUTH}). */
    private static final Set<String> SECRET_WORDS = new LinkedHashSet<>(Arrays.asList(
            "key", "pwd", "pass", "auth", "jwt", "bearer", "salt", "sig", "session", "keystore", "truststore"));

    /** {@code scheme://user:password@}; the password runs to the last {@code @} before the path. */
    private static final Pattern URL_CREDENTIALS = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.\\-]*://)([^/@:\\s]*):([^/\\s]*)@");
    /** {@code key=value} inside a value: query strings, agent options ({@code a=1,password=x}). */
    private static final Pattern INNER_PAIR = Pattern.compile("([?&;,=])([A-Za-z0-9_.\\-]+)=([^&;,\\s]*)");
    private static final Pattern KEY_PARTS = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");

    private static final Redactor DEFAULT = new Redactor(Collections.<String>emptyList());

    private final List<String> extraWords;

    private Redactor(Collection<String> extraWords) {
        List<String> words = new ArrayList<>();
        for (String w : extraWords) {
            String t = normalize(w);
            if (!t.isEmpty()) {
                words.add(t);
            }
        }
        this.extraWords = Collections.unmodifiableList(words);
    }

    /** The default rules. */
    public static Redactor standard() {
        return DEFAULT;
    }

    /**
     * The default rules plus more words that mark a key as secret when found anywhere in it, e.g. from a
     * comma-separated configuration value; null or empty gives the default rules.
     */
    public static Redactor withExtraWords(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.trim().isEmpty()) {
            return DEFAULT;
        }
        return new Redactor(Arrays.asList(commaSeparated.split(",")));
    }

    /** Whether values under this key are secret. */
    public boolean isSecretKey(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        String flat = normalize(key);
        for (String s : SECRET_SUBSTRINGS) {
            if (flat.contains(s)) {
                return true;
            }
        }
        for (String s : extraWords) {
            if (flat.contains(s)) {
                return true;
            }
        }
        for (String part : KEY_PARTS.split(key)) {
            if (SECRET_WORDS.contains(part.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The value to show for {@code key}: masked when the key is secret, else with URL credentials masked. */
    public String value(String key, String value) {
        if (value == null) {
            return null;
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        if (isCommandLineKey(key)) {
            return commandLine(value);
        }
        return urls(value);
    }

    /**
     * Masks the password of every {@code scheme://user:password@host} in {@code text}, and the value of every
     * secret {@code key=value} inside it (query strings such as {@code ?user=app&password=x}, option lists
     * such as {@code port=8778,password=x}).
     */
    public String urls(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        if (result.indexOf('@') >= 0) {
            Matcher m = URL_CREDENTIALS.matcher(result);
            StringBuffer out = new StringBuffer();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + ":" + MASK + "@"));
            }
            m.appendTail(out);
            result = out.toString();
        }
        if (result.indexOf('=') >= 0) {
            Matcher m = INNER_PAIR.matcher(result);
            StringBuffer out = new StringBuffer();
            while (m.find()) {
                String replacement = isSecretKey(m.group(2)) && !m.group(3).isEmpty()
                        ? m.group(1) + m.group(2) + "=" + MASK : m.group();
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            result = out.toString();
        }
        return result;
    }

    /** Masks a command line given as one string (as {@code sun.java.command}), split on spaces. */
    public String commandLine(String commandLine) {
        if (commandLine == null || commandLine.isEmpty()) {
            return commandLine;
        }
        return String.join(" ", arguments(Arrays.asList(commandLine.split(" ", -1))));
    }

    /**
     * Masks command-line arguments: {@code -Dk=v} and {@code --k=v} with a secret {@code k}, the argument
     * after a bare secret option ({@code --password v}), and URL credentials anywhere.
     */
    public List<String> arguments(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        boolean maskNext = false;
        for (String arg : args) {
            if (arg == null) {
                out.add(null);
                continue;
            }
            if (maskNext && !arg.isEmpty() && !arg.startsWith("-")) {
                out.add(MASK);
                maskNext = false;
                continue;
            }
            maskNext = false;
            out.add(argument(arg));
            if (arg.startsWith("-") && arg.indexOf('=') < 0 && arg.indexOf(':') < 0 && isSecretKey(stripDashes(arg))) {
                maskNext = true;
            }
        }
        return out;
    }

    private String argument(String arg) {
        int eq = arg.indexOf('=');
        if (eq > 0) {
            String key = arg.substring(0, eq);
            String name = key.startsWith("-D") ? key.substring(2) : stripDashes(key);
            if (isSecretKey(name)) {
                return key + "=" + MASK;
            }
        }
        return urls(arg);
    }

    private static boolean isCommandLineKey(String key) {
        return "sun.java.command".equals(key) || "JAVA_TOOL_OPTIONS".equals(key) || "JDK_JAVA_OPTIONS".equals(key) || "_JAVA_OPTIONS".equals(key)
                || "JAVA_OPTS".equals(key);
    }

    private static String stripDashes(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '-') {
            i++;
        }
        String rest = s.substring(i);
        return rest.startsWith("XX:") ? rest.substring(3) : rest;
    }

    private static String normalize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }
}
