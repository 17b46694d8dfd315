package dev.pidbox;

/** Receives each reply of a call as it arrives, on the connection's consumer thread. Keep it quick. */
@FunctionalInterface
public interface ReplyListener {
    void onReply(Reply reply);
}
