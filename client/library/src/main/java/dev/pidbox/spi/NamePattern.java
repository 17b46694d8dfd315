package dev.pidbox.spi;

import dev.pidbox.MatchType;
import dev.pidbox.internal.Matchers;

/**
 * A checked name pattern, matched the way kombu's node matchers match: {@link MatchType#GLOB} as Python's
 * {@code fnmatch.fnmatch} (case-sensitive, whole name) and {@link MatchType#PCRE} as Python's {@code re.match}
 * (anchored at the start only). For handler authors and the other pidbox modules that filter names (handler
 * globs, logger names, MBean members) the same way a broadcast selects nodes.
 */
public final class NamePattern {
    private final MatchType type;
    private final String pattern;

    private NamePattern(MatchType type, String pattern) {
        this.type = type;
        this.pattern = pattern;
    }

    /**
     * Checks and compiles a pattern (compiled patterns are cached, so compiling the same one again is cheap).
     *
     * @throws IllegalArgumentException when a pcre pattern is not a valid regular expression
     */
    public static NamePattern compile(MatchType type, String pattern) {
        if (type == null || pattern == null) {
            throw new IllegalArgumentException("a name pattern needs a match type and a pattern");
        }
        Matchers.compile(type, pattern);
        return new NamePattern(type, pattern);
    }

    /** Whether {@code name} is selected by this pattern. */
    public boolean matches(String name) {
        return Matchers.matches(type, pattern, name);
    }

    /** The pattern as given, prefixed with its match type: {@code glob:orders.*}. */
    @Override
    public String toString() {
        return type.wireName() + ":" + pattern;
    }
}
