package dev.pidbox.fleet;

import dev.pidbox.CallResult;
import java.util.List;

/** Sends one step of a rollout to its nodes and returns what they answered ({@link Fleet#step} over a broker). */
@FunctionalInterface
public interface RolloutStep {
    /** Sends to exactly {@code nodes} and gathers their replies. */
    CallResult send(List<String> nodes);
}
