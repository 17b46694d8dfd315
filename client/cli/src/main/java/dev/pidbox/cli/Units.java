package dev.pidbox.cli;

import java.util.Locale;

/** Numbers as a person reads them: binary sizes (KiB, MiB, GiB), percentages and durations; "-" for unknown. */
final class Units {
    static final String NONE = "-";

    private static final double KIB = 1024.0;

    private Units() {
    }

    /** {@code 512B}, {@code 12.0KiB}, {@code 183.2MiB}, {@code 4.0GiB}; "-" when not a number. */
    static String bytes(Object value) {
        if (!(value instanceof Number)) {
            return NONE;
        }
        long b = ((Number) value).longValue();
        if (b < 0) {
            return NONE;
        }
        if (b < 1024) {
            return b + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b / KIB;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[i]);
    }

    /** {@code part} as a percentage of {@code whole}, one decimal: {@code 42.1%}; "-" when either is unknown or whole is 0. */
    static String percent(Object part, Object whole) {
        Double p = ratio(part, whole);
        return p == null ? NONE : String.format(Locale.ROOT, "%.1f%%", p * 100);
    }

    /** {@code part / whole}, or null when unknown. */
    static Double ratio(Object part, Object whole) {
        if (!(part instanceof Number) || !(whole instanceof Number) || ((Number) whole).doubleValue() <= 0) {
            return null;
        }
        return ((Number) part).doubleValue() / ((Number) whole).doubleValue();
    }

    /** A percentage already computed: {@code 12.5%}. */
    static String percent(Object value) {
        return value instanceof Number ? String.format(Locale.ROOT, "%.1f%%", ((Number) value).doubleValue()) : NONE;
    }

    /** Milliseconds: {@code 87ms}, {@code 1.23s}, {@code 75.0s}, {@code 12m05s}, {@code 3h07m}. */
    static String millis(Object value) {
        if (!(value instanceof Number)) {
            return NONE;
        }
        double ms = ((Number) value).doubleValue();
        if (ms < 1000) {
            return ms == Math.rint(ms) ? (long) ms + "ms" : String.format(Locale.ROOT, "%.1fms", ms);
        }
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.2fs", ms / 1000);
        }
        if (ms < 100_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000);
        }
        long s = (long) (ms / 1000);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s / 60) % 60);
    }

    /** Whole milliseconds of CPU as a jstack-style figure: {@code 12.34ms}. */
    static String cpuMillis(Object value) {
        return value instanceof Number ? String.format(Locale.ROOT, "%.2fms", ((Number) value).doubleValue()) : NONE;
    }

    /** A count, or "-". */
    static String count(Object value) {
        return value instanceof Number ? Long.toString(((Number) value).longValue()) : NONE;
    }
}
