package dev.pidbox;

/** A broker operation failed: the broker is unreachable, refused a declare, or closed the channel. */
public class PidboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PidboxException(String message, Throwable cause) {
        super(message, cause);
    }

    public PidboxException(String message) {
        super(message);
    }
}
