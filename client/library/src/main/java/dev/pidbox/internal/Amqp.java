package dev.pidbox.internal;

import com.rabbitmq.client.ShutdownSignalException;

/** Small facts about amqp-client's failures, shared by the client and node sides. */
public final class Amqp {
    private Amqp() {
    }

    /** The broker's reason behind a failed operation ({@code e} or one of its causes), or null when it gave none. */
    public static ShutdownSignalException shutdownOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException) {
                return (ShutdownSignalException) t;
            }
        }
        return null;
    }

    /** The broker's reason as text, or the exception's when it gave none. */
    public static String reason(Throwable e) {
        ShutdownSignalException sse = shutdownOf(e);
        return String.valueOf(sse != null && sse.getReason() != null ? sse.getReason() : e);
    }
}
