package dev.pidbox.jmx.internal;

import dev.pidbox.ArgumentException;
import dev.pidbox.MatchType;
import dev.pidbox.internal.Matchers;

/** Glob filters for handler arguments ({@code *}, {@code ?}, {@code [..]}, as kombu's glob matcher). */
final class Globs {
    private Globs() {
    }

    static boolean matches(String glob, String text) {
        try {
            return Matchers.compile(MatchType.GLOB, glob).matcher(text).matches();
        } catch (IllegalArgumentException e) {
            throw new ArgumentException("bad glob '" + glob + "': " + e.getMessage());
        }
    }
}
