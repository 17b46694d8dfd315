package dev.pidbox;

import java.util.Collection;
import java.util.Collections;
import java.util.function.Function;

/**
 * A source of handlers, found with {@link java.util.ServiceLoader} (file
 * {@code META-INF/services/dev.pidbox.HandlerProvider}). The agent registers the handlers of every
 * provider on the host's class path, so teams add commands without touching the agent.
 */
public interface HandlerProvider {
    /**
     * The handlers to register.
     *
     * @param config the node's configuration as a key to value function; returns null for an unset key
     */
    Collection<HandlerDefinition> handlers(Function<String, String> config);

    /**
     * Observers to add to the node that serves these handlers (for example the metrics the provider's
     * {@code metrics} command reports). Called after {@link #handlers(Function)}. None by default.
     */
    default Collection<CallObserver> observers() {
        return Collections.emptyList();
    }
}
