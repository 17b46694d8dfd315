package dev.pidbox;

import java.util.Locale;

/** How a request's {@code pattern} selects nodes, as kombu's {@code matcher}. */
public enum MatchType {
    /** Python {@code fnmatch}: the whole name, with {@code *}, {@code ?}, {@code [seq]} and {@code [!seq]}. */
    GLOB,
    /** Python {@code re.match}: a regular expression anchored at the start of the name only. */
    PCRE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MatchType fromWireName(String name) {
        for (MatchType t : values()) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown matcher '" + name + "' (expected glob or pcre)");
    }
}
