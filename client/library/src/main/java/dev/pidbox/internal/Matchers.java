package dev.pidbox.internal;

import dev.pidbox.MatchType;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * kombu's node matchers in Java: {@code glob} as Python's {@code fnmatch.fnmatch} (case-sensitive,
 * whole name) and {@code pcre} as Python's {@code re.match} (anchored at the start only). Compiled
 * patterns are cached, since every node evaluates the same pattern for each broadcast.
 */
public final class Matchers {
    private static final int CACHE_SIZE = 256;
    private static final Map<String, Pattern> CACHE = Collections.synchronizedMap(
            new LinkedHashMap<String, Pattern>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    private Matchers() {
    }

    /**
     * Whether {@code name} is selected by {@code pattern} under {@code type}.
     *
     * @throws IllegalArgumentException when a pcre pattern is not a valid regular expression
     */
    public static boolean matches(MatchType type, String pattern, String name) {
        Pattern p = compile(type, pattern);
        return type == MatchType.GLOB ? p.matcher(name).matches() : p.matcher(name).lookingAt();
    }

    /**
     * Compiles a pattern, checking it; the client calls this before sending so that a bad pattern fails
     * at the caller rather than silently selecting nothing.
     */
    public static Pattern compile(MatchType type, String pattern) {
        String key = type.wireName() + ":" + pattern;
        Pattern p = CACHE.get(key);
        if (p == null) {
            try {
                p = type == MatchType.GLOB
                        ? Pattern.compile(globToRegex(pattern), Pattern.DOTALL)
                        : Pattern.compile(pythonToJavaRegex(pattern), Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid " + type.wireName() + " pattern '" + pattern + "': "
                        + e.getDescription(), e);
            }
            CACHE.put(key, p);
        }
        return p;
    }

    /** Python {@code fnmatch.translate}, as a Java regex to be used with {@code matches()}. */
    public static String globToRegex(String pat) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = pat.length();
        while (i < n) {
            char c = pat.charAt(i++);
            if (c == '*') {
                while (i < n && pat.charAt(i) == '*') {
                    i++;
                }
                out.append(".*");
            } else if (c == '?') {
                out.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && pat.charAt(j) == '!') {
                    j++;
                }
                if (j < n && pat.charAt(j) == ']') {
                    j++;
                }
                while (j < n && pat.charAt(j) != ']') {
                    j++;
                }
                if (j >= n) {
                    out.append("\\[");
                } else {
                    String stuff = pat.substring(i, j);
                    i = j + 1;
                    out.append(charClass(stuff));
                }
            } else {
                out.append(quote(c));
            }
        }
        return out.toString();
    }

    private static String charClass(String stuff) {
        boolean negate = stuff.startsWith("!");
        String body = negate ? stuff.substring(1) : stuff;
        if (body.isEmpty()) {
            // Python: "[!]" is impossible here (']' was taken as a member); "[]" cannot occur either.
            return negate ? "." : "(?!)";
        }
        int[] cps = body.codePoints().toArray();
        StringBuilder cls = new StringBuilder("[");
        if (negate) {
            cls.append('^');
        }
        for (int k = 0; k < cps.length; k++) {
            int c = cps[k];
            boolean rangeDash = c == '-' && k > 0 && k < cps.length - 1;
            if (rangeDash) {
                int lo = cps[k - 1];
                int hi = cps[k + 1];
                if (lo > hi) {
                    // Python drops an empty range such as z-a; so does this, by removing its low end.
                    cls.setLength(cls.length() - classChar(lo).length());
                    k++;
                    continue;
                }
                cls.append('-');
            } else {
                cls.append(classChar(c));
            }
        }
        String result = cls.append(']').toString();
        return result.equals("[]") ? "(?!)" : result.equals("[^]") ? "." : result;
    }

    private static String classChar(int c) {
        if (Character.isLetterOrDigit(c) || c == ' ' || c > 0x7e) {
            return new String(Character.toChars(c));
        }
        return "\\" + (char) c;
    }

    private static String quote(char c) {
        if (Character.isLetterOrDigit(c) || c == '@' || c == '_' || c == ' ' || c == '%' || c == '/' || c == ',') {
            return String.valueOf(c);
        }
        if (c > 0x7e) {
            return String.valueOf(c);
        }
        return "\\" + c;
    }

    /**
     * Rewrites the Python-only parts of a regular expression for {@link Pattern}: named groups
     * {@code (?P<name>...)} and backreferences {@code (?P=name)} (names Java refuses, such as those with
     * {@code _}, are renamed consistently), {@code \\Z} (end of input), {@code {,n}} (Java needs
     * {@code {0,n}}) and a {@code {} that does not start a repetition (a literal in Python).
     */
    public static String pythonToJavaRegex(String regex) {
        StringBuilder out = new StringBuilder(regex.length() + 16);
        Map<String, String> names = new HashMap<>();
        int n = regex.length();
        boolean inClass = false;
        for (int i = 0; i < n; i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char next = regex.charAt(i + 1);
                out.append(next == 'Z' && !inClass ? "\\z" : "\\" + next);
                i++;
            } else if (inClass) {
                if (c == ']') {
                    inClass = false;
                } else if (c == '[') {
                    out.append('\\');
                } else if (c == '&' && i + 1 < n && regex.charAt(i + 1) == '&') {
                    out.append('\\');
                }
                out.append(c);
            } else if (c == '[') {
                inClass = true;
                out.append(c);
                // a ']' right after '[' or '[^' is a member in Python
                if (i + 1 < n && regex.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                if (i + 1 < n && regex.charAt(i + 1) == ']') {
                    out.append("\\]");
                    i++;
                }
            } else if (regex.startsWith("(?P<", i)) {
                int close = regex.indexOf('>', i + 4);
                if (close < 0) {
                    out.append(c);
                    continue;
                }
                String name = regex.substring(i + 4, close);
                out.append("(?<").append(javaGroupName(name, names)).append('>');
                i = close;
            } else if (regex.startsWith("(?P=", i)) {
                int close = regex.indexOf(')', i);
                if (close < 0) {
                    out.append(c);
                    continue;
                }
                String name = regex.substring(i + 4, close);
                out.append("\\k<").append(javaGroupName(name, names)).append('>');
                i = close;
            } else if (c == '{') {
                int close = regex.indexOf('}', i);
                String inner = close < 0 ? null : regex.substring(i + 1, close);
                if (inner != null && inner.matches("\\d+|\\d+,\\d*|,\\d+") && i > 0) {
                    out.append('{').append(inner.startsWith(",") ? "0" + inner : inner).append('}');
                    i = close;
                } else {
                    out.append("\\{");
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String javaGroupName(String python, Map<String, String> names) {
        if (python.matches("[A-Za-z][A-Za-z0-9]*")) {
            return python;
        }
        return names.computeIfAbsent(python, k -> "pyg" + names.size() + "x"
                + k.replaceAll("[^A-Za-z0-9]", ""));
    }
}
