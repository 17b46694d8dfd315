package dev.pidbox;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where failures on background threads go: undecodable messages, replies that could not be sent,
 * broker errors. Injectable so that tests can assert on them and hosts can route them.
 */
@FunctionalInterface
public interface ErrorSink {
    /**
     * Reports one failure.
     *
     * @param message what happened, in one line, naming the node or mailbox
     * @param cause the exception, or null when there is none
     */
    void report(String message, Throwable cause);

    /** The default: java.util.logging logger {@code dev.pidbox}, looked up on first use. */
    static ErrorSink julLogger() {
        return (message, cause) -> Logger.getLogger("dev.pidbox").log(Level.WARNING, message, cause);
    }
}
