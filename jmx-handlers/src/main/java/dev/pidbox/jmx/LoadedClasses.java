package dev.pidbox.jmx;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the built-in handlers look for the host's classes. Real applications keep their libraries in class
 * loaders of their own (a Spring Boot executable jar, every webapp of a servlet container, OSGi bundles), which
 * neither the system nor the context class loader reaches. The agent installs
 * {@code Instrumentation::getAllLoadedClasses} here, so the logger and reload handlers find every Logback and
 * Log4j 2 context and every {@link ReloadHook} in whatever class loader they live. A library user who has an
 * {@code Instrumentation} may install it too; without one, the handlers fall back to the system class loader,
 * the caller's context class loader and the context class loaders of the JVM's live threads.
 */
public final class LoadedClasses {
    private static volatile Supplier<Class<?>[]> source;

    private LoadedClasses() {
    }

    /** Uses {@code allLoadedClasses} (typically {@code instrumentation::getAllLoadedClasses}) from now on. */
    public static void install(Supplier<Class<?>[]> allLoadedClasses) {
        source = Objects.requireNonNull(allLoadedClasses, "allLoadedClasses");
    }

    /** Forgets the installed source (the agent calls this when it stops). */
    public static void uninstall() {
        source = null;
    }

    /** Every class the JVM has loaded, or null when no source is installed. */
    public static Class<?>[] all() {
        Supplier<Class<?>[]> s = source;
        if (s == null) {
            return null;
        }
        try {
            return s.get();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
