package dev.pidbox;

/**
 * A request's arguments do not fit the handler: missing, of the wrong type, or not declared. The node
 * replies {@code {"error": "TypeError('...')"}}, as a Python peer does for a bad keyword argument.
 */
public class ArgumentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ArgumentException(String message) {
        super(message);
    }
}
