package dev.pidbox;

/**
 * A node refused to run a handler that {@link Node#handle} was asked to run in-process: the request was
 * unauthorized, forbidden by the node's policy, rate limited, the node was busy, or the handler ran past its time
 * limit. {@link #outcome()} says which ({@link CallObserver}'s words); the message is the error a remote caller gets.
 */
public class RefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String outcome;

    public RefusedException(String outcome, String message) {
        super(message);
        this.outcome = outcome;
    }

    /** {@link CallObserver#UNAUTHORIZED}, {@link CallObserver#FORBIDDEN}, {@link CallObserver#RATE_LIMITED}, ... */
    public String outcome() {
        return outcome;
    }
}
