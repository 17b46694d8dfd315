package dev.pidbox.cli;

import java.util.regex.Pattern;

/**
 * Colours and emphasis for text meant for a person: ANSI escapes only when the output is a terminal and the user
 * did not turn colour off ({@code NO_COLOR}, {@code TERM=dumb}); otherwise every method returns its text unchanged,
 * so pipes, files and golden tests see plain text.
 */
final class Style {
    static final Style PLAIN = new Style(false);
    static final Style ANSI = new Style(true);

    private static final Pattern ESCAPE = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

    private final boolean colour;

    private Style(boolean colour) {
        this.colour = colour;
    }

    /** Colour when {@code terminal} and not {@code noColor}. */
    static Style of(boolean terminal, boolean noColor) {
        return terminal && !noColor ? ANSI : PLAIN;
    }

    boolean colour() {
        return colour;
    }

    String bold(String text) {
        return wrap("1", text);
    }

    String dim(String text) {
        return wrap("2", text);
    }

    String red(String text) {
        return wrap("31", text);
    }

    String green(String text) {
        return wrap("32", text);
    }

    String yellow(String text) {
        return wrap("33", text);
    }

    /** Reverse video: the mark of a value that changed since the last refresh. */
    String reverse(String text) {
        return wrap("7", text);
    }

    private String wrap(String code, String text) {
        if (!colour || text.isEmpty()) {
            return text;
        }
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    /** The length of {@code text} as a terminal shows it: escape sequences take no columns. */
    static int width(String text) {
        return text.indexOf('\u001b') < 0 ? text.length() : ESCAPE.matcher(text).replaceAll("").length();
    }

    /** {@code text} without escape sequences. */
    static String strip(String text) {
        return ESCAPE.matcher(text).replaceAll("");
    }
}
