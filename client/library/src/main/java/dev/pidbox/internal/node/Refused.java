package dev.pidbox.internal.node;

/**
 * A step of the pipeline refused the request: {@link #word()} is the outcome ({@code unauthorized}, {@code forbidden},
 * {@code rate_limited}, {@code busy}, {@code rejected}) and the message the error text the caller gets. Control flow
 * between the steps, so it carries no stack trace.
 */
public final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    private final String word;
    private final Throwable reason;

    public Refused(String word, String error) {
        this(word, error, null);
    }

    /** With the exception behind the refusal, which kombu's {@code handle} throws instead. */
    public Refused(String word, String error, Throwable reason) {
        super(error, null, false, false);
        this.word = word;
        this.reason = reason;
    }

    public String word() {
        return word;
    }

    /** As an outcome the caller, observers and audit see. */
    public Outcome outcome() {
        return Outcome.failed(word, getMessage(), reason, 0);
    }
}
