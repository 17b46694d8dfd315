package dev.pidbox.fleet;

import dev.pidbox.Reply;

/** Told of each reply of a {@link Gather} as it arrives, with the progress so far (this reply counted). */
@FunctionalInterface
public interface GatherListener {
    /** Called on the connection's consumer thread: keep it quick. */
    void onReply(Reply reply, GatherProgress progress);
}
