package dev.pidbox;

/**
 * Receives each reply of a call as it arrives, on the connection's consumer thread. Keep it quick, and never wait
 * there for the broker or for a thread that does (another call's result, a channel, a declare): amqp-client's reader
 * can wait for this thread, and the connection would stop. Hand such work to a thread of your own.
 */
@FunctionalInterface
public interface ReplyListener {
    void onReply(Reply reply);
}
