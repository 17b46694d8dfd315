package dev.pidbox.fleet;

import dev.pidbox.CallResult;
import dev.pidbox.ReplyListener;
import dev.pidbox.Request;

/**
 * Sends a request that asks for replies and gathers them: {@code mailbox::call} in production
 * ({@link dev.pidbox.Mailbox#call(Request, ReplyListener)}), a fake in a test.
 */
@FunctionalInterface
public interface Caller {
    /**
     * Sends {@code request} and returns what was gathered by its deadline.
     *
     * @param listener told of each reply as it arrives, on the connection's thread; may be null
     */
    CallResult call(Request request, ReplyListener listener);
}
