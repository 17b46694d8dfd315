package dev.pidbox.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the CLI's durations: {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 1m}; a bare number is seconds (as kombu). */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?");

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException for anything else, or a duration that is not positive
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': use e.g. 500ms, 2s, 1.5s or 1m");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = "ms".equals(unit) ? amount : "s".equals(unit) ? amount * 1000 : amount * 60_000;
        if (millis < 1) {
            throw new IllegalArgumentException("duration '" + text + "' must be at least 1ms");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** {@code 850ms}, {@code 2.5s}, {@code 3h 12m} style, for tables. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long m = s / 60;
        if (m < 60) {
            return m + "m " + (s % 60) + "s";
        }
        long h = m / 60;
        if (h < 48) {
            return h + "h " + (m % 60) + "m";
        }
        return (h / 24) + "d " + (h % 24) + "h";
    }
}
