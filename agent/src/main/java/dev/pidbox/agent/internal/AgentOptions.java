package dev.pidbox.agent.internal;

import dev.pidbox.Brokers;
import dev.pidbox.Defaults;
import dev.pidbox.ExchangeType;
import dev.pidbox.Tls;
import dev.pidbox.spi.SettingLayers;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The agent's options, from (highest first) the agent arguments {@code key=value,key=value}, the
 * properties file named by {@code config=}, {@code PIDBOX_*} environment variables, and defaults
 * ({@link Defaults}), looked up through {@link SettingLayers}. A key given with an empty value in the arguments or
 * the file hides the layers below it; an empty variable counts as unset. Secrets can be read from files
 * ({@code broker-password-file=}) so that they never appear in {@code ps}.
 */
public final class AgentOptions {
    /** Every key the agent knows, with a one-line description. */
    public static final Map<String, String> KEYS;

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("broker", "AMQP URI of the broker, or of several cluster nodes separated by ';' (default "
                + Defaults.BROKER + ")");
        k.put("broker-password-file", "file holding the broker password, which replaces the URI's");
        k.put("namespace", "mailbox namespace (default " + Defaults.NAMESPACE + ")");
        k.put("type", "mailbox exchange type: " + Defaults.TYPE.wireName() + " (default) or "
                + (Defaults.TYPE == ExchangeType.FANOUT ? ExchangeType.DIRECT : ExchangeType.FANOUT).wireName());
        k.put("node", "the node's full name (default <name>.<pid>@<host>)");
        k.put("name", "the app part of the node name (default: the main class's simple name)");
        k.put("tags", "node tags, key=value pairs separated by ';'");
        k.put("allow", "handler name globs to serve, separated by ';' (default: all)");
        k.put("deny", "handler name globs never to serve, separated by ';'");
        k.put("reload-file", "properties file that the reload handler re-reads into system properties");
        k.put("config", "properties file with any of these keys");
        k.put("log-file", "file for the agent's own log lines (default: java.util.logging, lazily)");
        k.put("handler-threads", "threads that run handlers (default " + Defaults.HANDLER_THREADS + ")");
        k.put("trusted-keys", "PEM file of public keys; when set, only requests signed by one of them run");
        k.put("policy", "policy file (default: read handlers allowed, mutate and dangerous refused)");
        k.put("handler-timeout", "time limit of a handler in seconds (default " + Defaults.HANDLER_TIMEOUT.getSeconds()
                + ")");
        k.put("profile-max-ms", "the longest profile a caller may ask for, in milliseconds (default 60000)");
        k.put("audit-file", "file to append one JSON line per accepted or refused command");
        k.put("audit-exchange", "exchange to publish audit events to (fanout, declared non-durable)");
        k.put("routed", "true to also receive calls by routed delivery (NS.pidbox.routed); default false");
        k.put("tls-ca", "PEM file of the CA certificates that sign the broker's (amqps://; default: the JVM's trust store)");
        k.put("tls-cert", "client certificate: PEM (with tls-key) or PKCS#12 (.p12/.pfx); without a password in the"
                + " URI it is also the login (RabbitMQ EXTERNAL)");
        k.put("tls-key", "PEM file of the client certificate's private key (unencrypted PKCS#8)");
        k.put("tls-key-password-file", "file holding the PKCS#12 password");
        k.put("tls-insecure", "true to skip the broker certificate checks (warns on every connection; never in"
                + " production)");
        k.put("reply-user-id", "put the broker user on every reply (RabbitMQ checks it) so controllers with"
                + " --reply-users can tell authentic replies: auto (the URI's user, or the CN of tls-cert), a user name,"
                + " or off (default)");
        k.put("command", "start (default) or stop");
        KEYS = Collections.unmodifiableMap(k);
    }

    private final Map<String, String> values;

    private AgentOptions(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses and checks options.
     *
     * @param agentArguments {@code key=value} pairs separated by commas; may be null or empty
     * @param env the environment (System::getenv in production)
     * @throws IllegalArgumentException with one line naming the bad option
     */
    public static AgentOptions parse(String agentArguments, Function<String, String> env) {
        return parse(agentArguments, env, true);
    }

    /**
     * As {@link #parse} with no environment, for the launcher: each broker URI is checked for its form only
     * ({@link Brokers#checkUri}), not by the broker client, whose classes took the launcher about 80 ms to load on
     * the way to every attach. The agent parses the same options fully; what only that finds (a bad query value in
     * the URI) comes back as its state, {@code failed: invalid options: ...}, which the launcher reports the same way.
     */
    public static AgentOptions parseInLauncher(String agentArguments) {
        return parse(agentArguments, key -> null, false);
    }

    private static AgentOptions parse(String agentArguments, Function<String, String> env, boolean brokerClient) {
        Map<String, String> args = parseArguments(agentArguments);
        Function<String, String> environment = SettingLayers.environment(env);
        String config = SettingLayers.of(args::get, environment).get("config");
        Map<String, String> file = config == null ? Collections.<String, String>emptyMap() : readConfig(config);
        AgentOptions options = new AgentOptions(SettingLayers.of(args::get, file::get, environment).resolve(KEYS.keySet()));
        options.check(brokerClient);
        return options;
    }

    static Map<String, String> parseArguments(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.trim().isEmpty()) {
            return out;
        }
        for (String part : text.split(",")) {
            if (part.trim().isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("option '" + part.trim() + "' is not key=value");
            }
            String key = part.substring(0, eq).trim();
            requireKnown(key);
            out.put(key, part.substring(eq + 1).trim());
        }
        return out;
    }

    private static void requireKnown(String key) {
        if (!KEYS.containsKey(key)) {
            throw new IllegalArgumentException("unknown option '" + key + "' (known: " + String.join(", ", KEYS.keySet()) + ")");
        }
    }

    /** The keys of the {@code config=} file, checked in sorted order, values trimmed; its own {@code config} ignored. */
    private static Map<String, String> readConfig(String file) {
        Map<String, String> read;
        try {
            read = SettingLayers.readProperties(Paths.get(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : read.entrySet()) {
            requireKnown(e.getKey());
            if (!e.getKey().equals("config")) {
                out.put(e.getKey(), e.getValue().trim());
            }
        }
        return out;
    }

    /**
     * The broker user to put on replies as {@code user_id}, or null: {@code reply-user-id=auto} takes the URI's user,
     * or with certificate login the CN of {@code tls-cert}.
     */
    public String replyUserId() {
        String v = get("reply-user-id", "off");
        if (v.equals("off")) {
            return null;
        }
        if (!v.equals("auto")) {
            return v;
        }
        String user = Brokers.passwordUser(brokerUri());
        if (user != null) {
            return user;
        }
        String cn = tls().clientCommonName();
        if (cn == null) {
            throw new IllegalArgumentException("reply-user-id=auto needs a user in the broker URI or a tls-cert to take"
                    + " it from; give the user name instead");
        }
        return cn;
    }

    /** The TLS settings for the broker connection (validated when the options are parsed). */
    public Tls tls() {
        return Tls.fromConfig(this::get);
    }

    private void check(boolean brokerClient) {
        Tls tls = tls();
        if (tls.configured() && !brokerUri().regionMatches(true, 0, "amqps://", 0, 8)) {
            throw new IllegalArgumentException("tls-* options need an amqps:// broker URI, got "
                    + Brokers.redact(brokerUri()));
        }
        if (tls.configured()) {
            // Unreadable or malformed certificate files are bad options, said once at start, not a broker to retry.
            tls.sslContext();
        }
        replyUserId();
        String command = get("command", "start");
        if (!command.equals("start") && !command.equals("stop")) {
            throw new IllegalArgumentException("command must be start or stop, got '" + command + "'");
        }
        for (String part : brokerUri().split(";")) {
            String uri = part.trim();
            if (uri.isEmpty()) {
                continue;
            }
            if (brokerClient) {
                Brokers.factory(uri);
            } else {
                Brokers.checkUri(uri);
            }
        }
        type();
        String threads = values.get("handler-threads");
        if (threads != null) {
            try {
                int n = Integer.parseInt(threads);
                if (n < 1 || n > 64) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("handler-threads must be a number from 1 to 64, got '" + threads + "'");
            }
        }
        String ns = namespace();
        if (ns.isEmpty() || ns.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("namespace must be printable ASCII without spaces, got '" + ns + "'");
        }
        tags();
        String timeout = values.get("handler-timeout");
        if (timeout != null) {
            try {
                if (Double.parseDouble(timeout) <= 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("handler-timeout must be a positive number of seconds, got '"
                        + timeout + "'");
            }
        }
        String reload = values.get("reload-file");
        if (reload != null && reload.isEmpty()) {
            throw new IllegalArgumentException("reload-file must name a file");
        }
    }

    /** The value of a key, or {@code fallback} when it is unset or empty. */
    public String get(String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /** The value of a key, or null; for handler configuration. */
    public String get(String key) {
        return values.get(key);
    }

    /** Whether this is {@code command=stop} (the default is {@code start}). */
    public boolean isStop() {
        return get("command", "start").equals("stop");
    }

    /** The broker URI with the password from {@code broker-password-file} filled in. */
    public String brokerUri() {
        String uri = brokerUriWithoutSecretFile();
        String file = values.get("broker-password-file");
        if (file == null) {
            return uri;
        }
        String password;
        try {
            password = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read broker-password-file " + file + ": " + e);
        }
        try {
            URI u = new URI(uri);
            String info = u.getRawUserInfo();
            String user = info == null ? "guest" : info.contains(":") ? info.substring(0, info.indexOf(':')) : info;
            String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
            String rest = uri.substring(uri.indexOf("://") + 3);
            if (info != null) {
                rest = rest.substring(rest.indexOf('@') + 1);
            }
            return uri.substring(0, uri.indexOf("://") + 3) + user + ":" + encoded + "@" + rest;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid broker URI '" + Brokers.redact(uri) + "'");
        }
    }

    /**
     * Whether the node also receives calls by routed delivery; default false.
     *
     * @throws IllegalArgumentException when {@code routed} is neither true nor false
     */
    public boolean routed() {
        String v = get("routed", "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("routed must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    /** The mailbox exchange type; default {@link Defaults#TYPE}. */
    public ExchangeType type() {
        return ExchangeType.fromWireName(get("type", Defaults.TYPE.wireName()));
    }

    /** The mailbox namespace; default {@link Defaults#NAMESPACE}. */
    public String namespace() {
        return get("namespace", Defaults.NAMESPACE);
    }

    /** Tags from {@code tags=k=v;k2=v2}. */
    public Map<String, String> tags() {
        Map<String, String> out = new LinkedHashMap<>();
        String t = values.get("tags");
        if (t == null || t.isEmpty()) {
            return out;
        }
        for (String pair : t.split(";")) {
            if (pair.trim().isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("tag '" + pair + "' is not key=value (tags=env=prod;team=orders)");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** The handler name globs to serve, from {@code allow=a;b}; empty for all. */
    public Set<String> allow() {
        return globs("allow");
    }

    /** The handler name globs never to serve, from {@code deny=a;b}. */
    public Set<String> deny() {
        return globs("deny");
    }

    private Set<String> globs(String key) {
        String v = values.get(key);
        if (v == null || v.trim().isEmpty()) {
            return Collections.emptySet();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String g : Arrays.asList(v.split(";"))) {
            if (!g.trim().isEmpty()) {
                out.add(g.trim());
            }
        }
        return out;
    }

    /** The threads that run handlers; default {@link Defaults#HANDLER_THREADS}. */
    public int handlerThreads() {
        String v = get("handler-threads", null);
        return v == null ? Defaults.HANDLER_THREADS : Integer.parseInt(v);
    }

    /** The time limit of one handler; default {@link Defaults#HANDLER_TIMEOUT}. */
    public Duration handlerTimeout() {
        String v = get("handler-timeout", null);
        return v == null ? Defaults.HANDLER_TIMEOUT : Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
    }

    /** The file a key names, or null when it is unset or empty. */
    public Path path(String key) {
        String f = values.get(key);
        return f == null || f.isEmpty() ? null : Paths.get(f);
    }

    /** The agent's own log file, or null for java.util.logging. */
    public Path logFile() {
        return path("log-file");
    }

    /** Options as a key to value function for handler providers (secrets left out). */
    public Function<String, String> asConfig() {
        return key -> {
            if (key.contains("password")) {
                return null;
            }
            String v = values.get(key);
            return v != null ? v : values.get(key.replace('.', '-').replace('_', '-'));
        };
    }

    /** A stable description of these options without secrets, to tell a repeated attach from a changed one. */
    public String fingerprint() {
        Map<String, String> copy = new TreeMap<>(values);
        copy.remove("command");
        copy.put("broker", Brokers.redact(brokerUriWithoutSecretFile()));
        return copy.toString();
    }

    private String brokerUriWithoutSecretFile() {
        return get("broker", Defaults.BROKER);
    }
}
