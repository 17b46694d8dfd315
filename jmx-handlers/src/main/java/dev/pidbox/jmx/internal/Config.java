package dev.pidbox.jmx.internal;

import java.util.function.Function;

/** The node's configuration as a key to value function, with typed reads and defaults. */
public final class Config {
    private final Function<String, String> source;

    public Config(Function<String, String> source) {
        this.source = source == null ? k -> null : source;
    }

    /** The value, trimmed; null when unset or blank. */
    public String get(String key) {
        String v = source.apply(key);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() ? null : v;
    }

    public String get(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    /**
     * An integer setting.
     *
     * @throws IllegalArgumentException when the value is not an integer within {@code min..max}
     */
    public int getInt(String key, int fallback, int min, int max) {
        String v = get(key);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("configuration '" + key + "' must be an integer, got '" + v + "'", e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("configuration '" + key + "' must be in " + min + ".." + max + ", got " + n);
        }
        return n;
    }
}
