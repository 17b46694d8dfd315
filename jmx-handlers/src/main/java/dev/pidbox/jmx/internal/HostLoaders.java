package dev.pidbox.jmx.internal;

import dev.pidbox.jmx.LoadedClasses;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The host's class loaders and the classes they loaded, seen from inside the JVM: through the agent's
 * {@link LoadedClasses} when installed (every loader that loaded a class), else through the system class loader,
 * the caller's context class loader and the context class loaders of the live threads (which is how request
 * threads of a servlet container or a Spring Boot jar show their application's loader).
 */
public final class HostLoaders {
    /** One look at the JVM: its application class loaders, and the loaded classes of the names asked for. */
    public static final class Snapshot {
        public final List<ClassLoader> loaders;
        final Map<String, List<Class<?>>> classes;
        /** True when the classes are the JVM's loaded ones; false when they are only loadable (no Instrumentation). */
        final boolean loaded;

        Snapshot(List<ClassLoader> loaders, Map<String, List<Class<?>>> classes, boolean loaded) {
            this.loaders = loaders;
            this.classes = classes;
            this.loaded = loaded;
        }

        List<Class<?>> classes(String name) {
            List<Class<?>> found = classes.get(name);
            return found == null ? Collections.<Class<?>>emptyList() : found;
        }
    }

    private HostLoaders() {
    }

    /**
     * Looks once. Without {@link LoadedClasses}, a class counts as loaded when a candidate loader can load it
     * (without initializing it).
     */
    public static Snapshot snapshot(Collection<String> classNames) {
        Map<ClassLoader, Boolean> loaders = new IdentityHashMap<>();
        List<ClassLoader> ordered = new ArrayList<>();
        add(ClassLoader.getSystemClassLoader(), loaders, ordered);
        add(Thread.currentThread().getContextClassLoader(), loaders, ordered);
        Map<String, List<Class<?>>> found = new LinkedHashMap<>();
        for (String n : classNames) {
            found.put(n, new ArrayList<>());
        }
        Class<?>[] all = LoadedClasses.all();
        if (all != null) {
            for (Class<?> c : all) {
                ClassLoader l = c.getClassLoader();
                if (l != null && !loaders.containsKey(l)) {
                    add(l, loaders, ordered);
                }
                List<Class<?>> wanted = found.get(c.getName());
                if (wanted != null && l != null && !wanted.contains(c)) {
                    wanted.add(c);
                }
            }
        } else {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                add(t.getContextClassLoader(), loaders, ordered);
            }
            for (ClassLoader l : ordered) {
                for (Map.Entry<String, List<Class<?>>> e : found.entrySet()) {
                    try {
                        Class<?> c = Class.forName(e.getKey(), false, l);
                        if (!e.getValue().contains(c)) {
                            e.getValue().add(c);
                        }
                    } catch (ClassNotFoundException | LinkageError | RuntimeException ex) {
                        // not visible from this loader
                    }
                }
            }
        }
        return new Snapshot(ordered, found, all != null);
    }

    private static void add(ClassLoader l, Map<ClassLoader, Boolean> seen, List<ClassLoader> ordered) {
        if (l == null || seen.containsKey(l)) {
            return;
        }
        seen.put(l, Boolean.TRUE);
        String type = l.getClass().getName();
        // The platform loader holds JDK classes only; reflection's one-class loaders hold nothing of the host's.
        if (l == ClassLoader.getPlatformClassLoader() || type.endsWith("DelegatingClassLoader")
                || type.startsWith("jdk.internal.reflect.")) {
            return;
        }
        ordered.add(l);
    }

    /**
     * A short, stable name for a class loader in replies: {@code app} for the system class loader, a servlet
     * container's webapp by its context name ({@code webapp:/shop}), else the loader's own name or its class's simple
     * name with its identity ({@code LaunchedClassLoader@1b2c3d}).
     */
    public static String label(ClassLoader l) {
        if (l == null) {
            return "bootstrap";
        }
        if (l == ClassLoader.getSystemClassLoader()) {
            return "app";
        }
        String context = webappContextName(l);
        if (context != null) {
            return "webapp:" + (context.startsWith("/") || context.isEmpty() ? context : "/" + context);
        }
        String name = l.getName();
        String base = name != null && !name.isEmpty() ? name : l.getClass().getSimpleName();
        return base + "@" + Integer.toHexString(System.identityHashCode(l));
    }

    /** Tomcat's webapp loaders name their context ({@code getContextName()}); null for any other loader. */
    private static String webappContextName(ClassLoader l) {
        for (Class<?> c = l.getClass(); c != null && c != ClassLoader.class; c = c.getSuperclass()) {
            if (c.getName().endsWith("WebappClassLoaderBase")) {
                try {
                    Method m = c.getMethod("getContextName");
                    Object v = m.invoke(l);
                    return v == null ? null : v.toString();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The service providers of {@code type} visible from each loader (a host's {@code HandlerProvider}s and
     * {@code ReloadHook}s in a Spring Boot jar or a webapp), each provider class once: a child loader also sees its
     * parents' service files. A provider that fails to load goes to {@code failed}, once per message; the others
     * still load.
     */
    public static <T> List<T> services(Class<T> type, List<ClassLoader> loaders,
            Consumer<Throwable> failed) {
        List<T> out = new ArrayList<>();
        Set<Class<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> errors = new HashSet<>();
        for (ClassLoader loader : loaders) {
            Iterator<T> it = ServiceLoader.load(type, loader).iterator();
            for (int guard = 0; guard < 1000; guard++) {
                T provider;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    provider = it.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    if (errors.add(String.valueOf(e.getMessage()))) {
                        failed.accept(e);
                    }
                    continue;
                }
                if (seen.add(provider.getClass())) {
                    out.add(provider);
                }
            }
        }
        return out;
    }

    /** Runs {@code body} with {@code loader} as this thread's context class loader, then restores it. */
    static <T> T withContextLoader(ClassLoader loader, Callable<T> body) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return body.call();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** Distinct objects by identity, in first-seen order. */
    static <T> List<T> distinct(List<T> in) {
        Set<T> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<T> out = new ArrayList<>();
        for (T t : in) {
            if (t != null && seen.add(t)) {
                out.add(t);
            }
        }
        return out;
    }
}
