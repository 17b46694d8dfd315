package dev.pidbox.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The layered lookup of pidbox settings, written once for the CLI, the agent and applications that embed pidbox. A
 * setting is a key such as {@code broker} or {@code tls-ca}; a layer is a {@code key -> value} function that returns
 * null when it has no value for the key; the value of a setting is the first layer's that has one, else the caller's
 * default. Which layers there are, and in which order, is the caller's choice: the CLI asks its flag, then the
 * environment, then {@code ~/.config/pidbox/config.properties}; the agent asks its arguments, then the file named by
 * {@code config=}, then the environment.
 *
 * <p>The environment layer maps a key to {@code PIDBOX_} and the key in upper case with '-' as '_'
 * ({@code tls-key-password-file} is {@code PIDBOX_TLS_KEY_PASSWORD_FILE}). The defaults themselves are in
 * {@code dev.pidbox.Defaults}.
 */
public final class SettingLayers {
    private static final String ENVIRONMENT_PREFIX = "PIDBOX_";

    private final List<Function<String, String>> layers;

    private SettingLayers(List<Function<String, String>> layers) {
        this.layers = layers;
    }

    /** Layers asked in the order given, first first. */
    @SafeVarargs
    public static SettingLayers of(Function<String, String>... layers) {
        return new SettingLayers(Collections.unmodifiableList(new ArrayList<>(Arrays.asList(layers))));
    }

    /** The environment variable of a setting: {@code PIDBOX_} and the key in upper case with '-' as '_'. */
    public static String environmentVariable(String key) {
        return ENVIRONMENT_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The environment as a layer: a key's value is its {@link #environmentVariable(String) variable}'s, and a variable
     * that is unset or empty has none.
     *
     * @param env the environment ({@code System::getenv} in production; a map's {@code get} in tests)
     */
    public static Function<String, String> environment(Function<String, String> env) {
        return key -> {
            String v = env.apply(environmentVariable(key));
            return v == null || v.isEmpty() ? null : v;
        };
    }

    /** {@code layer} with blank values counted as none and the others trimmed. */
    public static Function<String, String> trimmed(Function<String, String> layer) {
        return key -> {
            String v = layer.apply(key);
            return v == null || v.trim().isEmpty() ? null : v.trim();
        };
    }

    /**
     * A properties file's entries, sorted by key, values as written.
     *
     * @throws IOException when the file cannot be read; the caller says which setting named it
     */
    public static Map<String, String> readProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            out.put(key, p.getProperty(key));
        }
        return out;
    }

    /** The value of {@code key} from the first layer that has one, or null. */
    public String get(String key) {
        for (Function<String, String> layer : layers) {
            String v = layer.apply(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The value of {@code key} from the first layer that has one, or {@code fallback}. */
    public String get(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    /** Each of {@code keys} that some layer has, with its value, in the order of {@code keys}. */
    public Map<String, String> resolve(Iterable<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : keys) {
            String v = get(key);
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }
}
