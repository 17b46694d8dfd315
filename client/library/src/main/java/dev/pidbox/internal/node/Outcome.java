package dev.pidbox.internal.node;

import dev.pidbox.ArgumentException;
import dev.pidbox.CallObserver;
import dev.pidbox.RefusedException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one request ended: the value its caller gets (the handler's result, or an error value {@code {"error": ...}}),
 * the outcome word of {@link CallObserver}, the error text for the audit trail, and for a handler that threw, the
 * exception (kombu's {@code handle} lets it through).
 */
public final class Outcome {
    private final Object value;
    private final String word;
    private final String detail;
    private final Throwable cause;
    private final long nanos;

    private Outcome(Object value, String word, String detail, Throwable cause, long nanos) {
        this.value = value;
        this.word = word;
        this.detail = detail;
        this.cause = cause;
        this.nanos = nanos;
    }

    /** The handler returned {@code value}. */
    public static Outcome ok(Object value, long nanos) {
        return new Outcome(value, CallObserver.OK, null, null, nanos);
    }

    /** The request did not give a value: {@code error} is its Python-style error text. */
    public static Outcome failed(String word, String error, Throwable cause, long nanos) {
        return new Outcome(errorValue(error), word, error, cause, nanos);
    }

    /** The reply of a request that failed: {@code {"error": text}}, as kombu and Celery answer. */
    public static Map<String, Object> errorValue(String text) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("error", text);
        return err;
    }

    /** The value of {@code o}, or null for no outcome (a request not addressed to the node). */
    public static Object valueOrNull(Outcome o) {
        return o == null ? null : o.value();
    }

    /** The result, or the error value. */
    public Object value() {
        return value;
    }

    /** {@link CallObserver#OK}, {@link CallObserver#ERROR}, {@link CallObserver#REJECTED}, ... */
    public String word() {
        return word;
    }

    /** The error text, null when the handler returned. */
    public String detail() {
        return detail;
    }

    /** The exception the handler threw, or null. */
    public Throwable cause() {
        return cause;
    }

    /** Time in the handler; 0 when it did not run. */
    public long nanos() {
        return nanos;
    }

    /**
     * The value of a handler that returned; else throws what {@code Node.handle} documents: the handler's own
     * exception, {@link ArgumentException} for an unknown method or bad arguments, {@link RefusedException} for a
     * refusal.
     */
    public Object valueOrThrow() throws Exception {
        if (isOk()) {
            return value;
        }
        if (cause instanceof Exception) {
            throw (Exception) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        if (CallObserver.REJECTED.equals(word)) {
            throw new ArgumentException(detail);
        }
        throw new RefusedException(word, detail);
    }

    public boolean isOk() {
        return CallObserver.OK.equals(word);
    }

    @Override
    public String toString() {
        return word + (detail == null ? "" : ": " + detail);
    }
}
