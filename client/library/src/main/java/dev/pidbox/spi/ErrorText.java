package dev.pidbox.spi;

import dev.pidbox.internal.PyRepr;

/**
 * Error descriptions in the shape a Python peer gives them, {@code Type('message')} (Python's {@code repr()} of an
 * exception whose only argument is a string), so that a mixed fleet reports errors in one shape. For handlers that
 * report a failure as data, such as one step of several that failed.
 */
public final class ErrorText {
    private ErrorText() {
    }

    /** The description of a Java exception: its simple class name and message, {@code IOException('disk full')}. */
    public static String of(Throwable error) {
        return PyRepr.error(error);
    }

    /** {@code type('message')}, or {@code type()} when the message is null: {@code KeyError('no such logger')}. */
    public static String of(String type, String message) {
        return PyRepr.error(type, message);
    }
}
