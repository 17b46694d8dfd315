package org.example.greeting;

import dev.pidbox.jmx.ReloadHook;

/** The service's step in pidbox's {@code reload}: nothing to re-read, it reports the greeting in use. */
public class GreetingReloadHook implements ReloadHook {

    @Override
    public String name() {
        return "greeting-settings";
    }

    @Override
    public Object reload() throws Exception {
        return GreetingPidboxHandlers.stats();
    }
}
