package dev.pidbox.jmx.internal;

import dev.pidbox.ArgumentException;
import dev.pidbox.MatchType;
import dev.pidbox.spi.NamePattern;

/** Glob filters for handler arguments ({@code *}, {@code ?}, {@code [..]}, as kombu's glob matcher). */
final class Globs {
    private Globs() {
    }

    static boolean matches(String glob, String text) {
        try {
            return NamePattern.compile(MatchType.GLOB, glob).matches(text);
        } catch (IllegalArgumentException e) {
            throw new ArgumentException("bad glob '" + glob + "': " + e.getMessage());
        }
    }
}
