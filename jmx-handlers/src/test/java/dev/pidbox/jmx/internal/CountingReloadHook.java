package dev.pidbox.jmx.internal;

import dev.pidbox.jmx.ReloadHook;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;

/** Registered in src/test/resources/META-INF/services/dev.pidbox.jmx.ReloadHook. */
public final class CountingReloadHook implements ReloadHook {
    static final AtomicInteger RUNS = new AtomicInteger();

    @Override
    public String name() {
        return "counting-hook";
    }

    @Override
    public Object reload() {
        return Collections.singletonMap("runs", RUNS.incrementAndGet());
    }
}
