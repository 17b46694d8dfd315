package dev.pidbox;

/**
 * Told about every command a node handled, for metrics and audit. Called on the handler thread after the
 * handler returned (or on the consumer thread for requests refused before dispatch); keep it quick and
 * never throw.
 */
@FunctionalInterface
public interface CallObserver {
    /** The command ran and returned a value. */
    String OK = "ok";
    /** The command ran and threw, or its result could not be sent. */
    String ERROR = "error";
    /** The command was refused before it ran: unknown method, bad arguments, bad input. */
    String REJECTED = "rejected";
    /** The command was refused because the handler pool was full. */
    String BUSY = "busy";
    /** The request's signature was missing, forged, expired or replayed. */
    String UNAUTHORIZED = "unauthorized";
    /** The node's policy refused the command. */
    String FORBIDDEN = "forbidden";
    /** The handler's rate limit was reached. */
    String RATE_LIMITED = "rate_limited";
    /** The handler ran past its time limit. */
    String TIMEOUT = "timeout";

    /**
     * @param method the requested method (as given, possibly unknown)
     * @param outcome {@link #OK}, {@link #ERROR}, {@link #REJECTED}, {@link #BUSY} or a later extension's word
     * @param nanos time spent in the handler, 0 when it did not run
     */
    void onCall(String method, String outcome, long nanos);
}
