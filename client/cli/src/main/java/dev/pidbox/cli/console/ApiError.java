package dev.pidbox.cli.console;

/** A request the console refuses: the HTTP status and the text of the {@code {"error": ...}} body. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiError(int status, String message) {
        super(message);
        this.status = status;
    }
}
