package dev.pidbox.fleet;

import java.util.Locale;

/** What a rollout did to one node. */
public enum Outcome {
    /** The node answered without an error. */
    OK,
    /** The node answered {@code {"error": ...}}. */
    ERROR,
    /** The node was sent to but did not answer by the deadline. */
    MISSING,
    /** The node was never sent to: the rollout stopped first. */
    SKIPPED;

    /** The lower-case name: {@code ok}, {@code error}, {@code missing}, {@code skipped}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this outcome spends the failure budget (error or missing). */
    public boolean isFailure() {
        return this == ERROR || this == MISSING;
    }
}
