package dev.pidbox.cli;

import static dev.pidbox.spi.SettingLayers.environment;
import static dev.pidbox.spi.SettingLayers.trimmed;

import dev.pidbox.Defaults;
import dev.pidbox.Tls;
import dev.pidbox.spi.SettingLayers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the CLI's settings come from, first match wins: the flag, then a {@code PIDBOX_*} environment
 * variable, then {@code ~/.config/pidbox/config.properties}, then the default ({@link Defaults}). Blank values
 * count as unset and values are trimmed. The environment and the home directory are injected, so tests do not depend
 * on the machine.
 */
public final class Settings {
    private final Function<String, String> environment;
    private final Function<String, String> rawEnvironment;
    private final Function<String, String> fileLayer = trimmed(key -> file().get(key));
    private final Path home;
    private Map<String, String> file;

    /**
     * @param env the environment ({@code System::getenv} in production)
     * @param home the directory that holds {@code .config/pidbox}
     */
    public Settings(Function<String, String> env, Path home) {
        this.environment = trimmed(environment(env));
        this.rawEnvironment = env;
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

    /** The broker URI (PIDBOX_BROKER, config key {@code broker}); default {@link Defaults#BROKER}. */
    public String broker(String flag) {
        return resolve(flag, "broker", Defaults.BROKER);
    }

    /** The mailbox namespace (PIDBOX_NAMESPACE, config key {@code namespace}); default {@link Defaults#NAMESPACE}. */
    public String namespace(String flag) {
        return resolve(flag, "namespace", Defaults.NAMESPACE);
    }

    /** The mailbox exchange type (PIDBOX_TYPE, config key {@code type}); default {@link Defaults#TYPE}. */
    public String type(String flag) {
        return resolve(flag, "type", Defaults.TYPE.wireName());
    }

    /** The total deadline of a call, as the CLI writes durations (PIDBOX_TIMEOUT, config key {@code timeout}). */
    public String timeout(String flag) {
        return resolve(flag, "timeout", text(Defaults.TIMEOUT));
    }

    /** A duration as {@link Durations#parse(String)} reads it: whole seconds as {@code 1s}, else milliseconds. */
    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.getSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The console's access token (PIDBOX_CONSOLE_TOKEN, config key {@code console-token}); null for a random one. */
    public String consoleToken() {
        return resolve(null, "console-token", null);
    }

    /** The private key that signs requests (PIDBOX_KEY, config key {@code key}); null for unsigned. */
    public String key(String flag) {
        return resolve(flag, "key", null);
    }

    /** Whether calls use routed delivery (PIDBOX_ROUTED, config key {@code routed}); default false. */
    public boolean routed(boolean flag) {
        String v = resolve(flag ? "true" : null, "routed", "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("routed must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    /** The reply users file (PIDBOX_REPLY_USERS, config key {@code reply-users}); null when replies are not checked. */
    public String replyUsers(String flag) {
        return resolve(flag, "reply-users", null);
    }

    /** TLS for amqps:// brokers: each key from its flag, {@code PIDBOX_TLS_*}, or the config file's {@code tls-*}. */
    public Tls tls(String ca, String cert, String key, String keyPasswordFile, boolean insecure) {
        Map<String, String> flags = new HashMap<>();
        flags.put(Tls.CA, ca);
        flags.put(Tls.CERT, cert);
        flags.put(Tls.KEY, key);
        flags.put(Tls.KEY_PASSWORD_FILE, keyPasswordFile);
        flags.put(Tls.INSECURE, insecure ? "true" : null);
        return Tls.fromConfig(layers(trimmed(flags::get))::get);
    }

    /**
     * Whether colour is off by the user's choice: {@code NO_COLOR} set to anything but the empty string
     * (https://no-color.org), or {@code TERM=dumb}.
     */
    public boolean noColor() {
        String noColor = rawEnvironment.apply("NO_COLOR");
        return noColor != null && !noColor.isEmpty() || "dumb".equals(rawEnvironment.apply("TERM"));
    }

    /** Whether the terminal cannot move its cursor ({@code TERM=dumb}), so that a full-screen view must not run. */
    public boolean dumbTerminal() {
        return "dumb".equals(rawEnvironment.apply("TERM"));
    }

    /** The directory {@code keygen} writes to by default: ~/.config/pidbox. */
    public Path keyDirectory() {
        return home.resolve(".config").resolve("pidbox");
    }

    /**
     * The broker given by flag, environment or config file (null when none of them names one), for commands with a
     * fallback of their own.
     */
    public String explicitBroker(String flag) {
        return resolve(flag, "broker", null);
    }

    private String resolve(String flag, String key, String fallback) {
        return layers(trimmed(k -> flag)).get(key, fallback);
    }

    /** The flags' layer, then the environment, then the config file. */
    private SettingLayers layers(Function<String, String> flags) {
        return SettingLayers.of(flags, environment, fileLayer);
    }

    private synchronized Map<String, String> file() {
        if (file == null) {
            Path path = configFile();
            if (Files.isRegularFile(path)) {
                try {
                    file = SettingLayers.readProperties(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
                }
            } else {
                file = Collections.emptyMap();
            }
        }
        return file;
    }
}
