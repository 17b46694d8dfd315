package dev.pidbox;

import java.util.Locale;

/**
 * How much a handler may change in the JVM that runs it. Declared by every handler; a node-side
 * policy decides which tiers a sender may use.
 */
public enum Tier {
    /** Reads state, changes nothing (ping, threads, memory). */
    READ,
    /** Changes state in a recoverable way (logger levels, reload, MBean attribute writes). */
    MUTATE,
    /** Can harm the host or leak data (MBean operations, heap dumps). */
    DANGEROUS;

    /** The lower-case name used on the wire and in policy files. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code read}, {@code mutate} or {@code dangerous}, ignoring case. */
    public static Tier fromWireName(String name) {
        for (Tier tier : values()) {
            if (tier.wireName().equalsIgnoreCase(name)) {
                return tier;
            }
        }
        throw new IllegalArgumentException("unknown tier '" + name + "' (expected read, mutate or dangerous)");
    }
}
