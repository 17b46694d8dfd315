package dev.pidbox.jmx;

import dev.pidbox.jmx.internal.HostLoaders;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The host's application class loaders as the built-in handlers see them (through {@link LoadedClasses} when
 * installed), for the agent, which looks in each of them for the host's own handler providers.
 */
public final class HostClassLoaders {
    private HostClassLoaders() {
    }

    /** The host's application class loaders, in the order first seen; one look at the JVM. */
    public static List<ClassLoader> all() {
        return HostLoaders.snapshot(Collections.<String>emptyList()).loaders;
    }

    /**
     * A short, stable name for a class loader in messages: {@code app} for the system class loader, a servlet
     * container's webapp by its context name ({@code webapp:/shop}), else the loader's name or class with its identity.
     */
    public static String label(ClassLoader loader) {
        return HostLoaders.label(loader);
    }

    /**
     * The service providers of {@code type} visible from each loader, each provider class once. A provider that
     * fails to load goes to {@code failed}, once per message; the others still load.
     */
    public static <T> List<T> services(Class<T> type, List<ClassLoader> loaders, Consumer<Throwable> failed) {
        return HostLoaders.services(type, loaders, failed);
    }
}
