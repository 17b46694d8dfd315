package dev.pidbox;

import java.util.Locale;

/** The type of the mailbox exchange {@code NS.pidbox}. Celery uses fanout; plain kombu's default is direct. */
public enum ExchangeType {
    DIRECT,
    FANOUT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExchangeType fromWireName(String name) {
        for (ExchangeType t : values()) {
            if (t.wireName().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown mailbox type '" + name + "' (expected direct or fanout)");
    }
}
