package dev.pidbox.cli.demo;

import dev.pidbox.CallResult;

/** How the demo shows the results of its threads and memory calls: the CLI passes its own table-mode views. */
public interface DemoViews {
    /** One node's {@code threads} reply, as {@code pidbox threads NODE} prints it. */
    String threads(CallResult result);

    /** One node's {@code memory} reply, as {@code pidbox memory --node NODE} prints it. */
    String memory(CallResult result);
}
