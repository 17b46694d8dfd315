package dev.pidbox.cli;

import dev.pidbox.Brokers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Where the CLI's settings come from, first match wins: the flag, then a {@code PIDBOX_*} environment
 * variable, then {@code ~/.config/pidbox/config.properties}, then the default. The environment and the home
 * directory are injected, so tests do not depend on the machine.
 */
public final class Settings {
    public static final String DEFAULT_NAMESPACE = "jvm";
    public static final String DEFAULT_TYPE = "fanout";
    public static final String DEFAULT_TIMEOUT = "1s";

    private final Function<String, String> env;
    private final Path home;
    private Properties file;

    public Settings(Function<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    /** The real environment and {@code user.home}. */
    public static Settings fromSystem() {
        return new Settings(System::getenv, Paths.get(System.getProperty("user.home")));
    }

    /** {@code ~/.config/pidbox/config.properties} under the injected home. */
    public Path configFile() {
        return home.resolve(".config").resolve("pidbox").resolve("config.properties");
    }

    public String broker(String flag) {
        return resolve(flag, "PIDBOX_BROKER", "broker", Brokers.DEFAULT_URI);
    }

    public String namespace(String flag) {
        return resolve(flag, "PIDBOX_NAMESPACE", "namespace", DEFAULT_NAMESPACE);
    }

    public String type(String flag) {
        return resolve(flag, "PIDBOX_TYPE", "type", DEFAULT_TYPE);
    }

    public String timeout(String flag) {
        return resolve(flag, "PIDBOX_TIMEOUT", "timeout", DEFAULT_TIMEOUT);
    }

    /** The private key that signs requests (PIDBOX_KEY, config key {@code key}); null for unsigned. */
    public String key(String flag) {
        return resolve(flag, "PIDBOX_KEY", "key", null);
    }

    /** Whether calls use routed delivery (PIDBOX_ROUTED, config key {@code routed}); default false. */
    public boolean routed(boolean flag) {
        String v = resolve(flag ? "true" : null, "PIDBOX_ROUTED", "routed", "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("routed must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    /** The reply users file (PIDBOX_REPLY_USERS, config key {@code reply-users}); null when replies are not checked. */
    public String replyUsers(String flag) {
        return resolve(flag, "PIDBOX_REPLY_USERS", "reply-users", null);
    }

    /** TLS for amqps:// brokers: each key from its flag, {@code PIDBOX_TLS_*}, or the config file's {@code tls-*}. */
    public dev.pidbox.Tls tls(String ca, String cert, String key, String keyPasswordFile, boolean insecure) {
        Map<String, String> flags = new java.util.HashMap<>();
        flags.put(dev.pidbox.Tls.CA, ca);
        flags.put(dev.pidbox.Tls.CERT, cert);
        flags.put(dev.pidbox.Tls.KEY, key);
        flags.put(dev.pidbox.Tls.KEY_PASSWORD_FILE, keyPasswordFile);
        flags.put(dev.pidbox.Tls.INSECURE, insecure ? "true" : null);
        return dev.pidbox.Tls.fromConfig(k -> resolve(flags.get(k), "PIDBOX_" + k.toUpperCase(java.util.Locale.ROOT)
                .replace('-', '_'), k, null));
    }

    /** The directory {@code keygen} writes to by default: ~/.config/pidbox. */
    public Path keyDirectory() {
        return home.resolve(".config").resolve("pidbox");
    }

    /** The broker given by flag or environment only (null when neither), for commands with a fallback. */
    public String explicitBroker(String flag) {
        String v = resolve(flag, "PIDBOX_BROKER", "broker", null);
        return v;
    }

    private String resolve(String flag, String variable, String key, String fallback) {
        if (present(flag)) {
            return flag.trim();
        }
        String fromEnv = env.apply(variable);
        if (present(fromEnv)) {
            return fromEnv.trim();
        }
        String fromFile = file().getProperty(key);
        if (present(fromFile)) {
            return fromFile.trim();
        }
        return fallback;
    }

    private static boolean present(String s) {
        return s != null && !s.trim().isEmpty();
    }

    private synchronized Properties file() {
        if (file == null) {
            Properties p = new Properties();
            Path path = configFile();
            if (Files.isRegularFile(path)) {
                try (InputStream in = Files.newInputStream(path)) {
                    p.load(in);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
                }
            }
            file = p;
        }
        return file;
    }
}
