package dev.pidbox.jmx.internal;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Every logger tree of the host JVM: java.util.logging (one tree, or one per class loader under a per-loader log
 * manager such as Tomcat's JULI), each Logback {@code LoggerContext} that SLF4J hands out in any class loader, and
 * each Log4j 2 core {@code LoggerContext} of any Log4j copy. Found through {@link HostLoaders}; no framework that
 * the host has not loaded is loaded or initialized here.
 *
 * <p>The host's class names are assembled at run time: the agent's shade step rewrites string literals that start
 * with a relocated package ({@code org.slf4j} among them), which would make the handlers look for the agent's own
 * copy instead of the host's ({@code ShadedStringConstantsTest} checks the shipped jar for any such rewrite).
 */
final class HostLoggers {
    static final String JUL = "jul";
    static final String LOGBACK = "logback";
    static final String LOG4J2 = "log4j2";

    static final String SLF4J_LOGGER_FACTORY = host("org", "slf4j", "LoggerFactory");
    static final String LOGBACK_CONTEXT = host("ch", "qos", "logback", "classic", "LoggerContext");
    static final String LOGBACK_LEVEL = host("ch", "qos", "logback", "classic", "Level");
    static final String LOGBACK_WATCH_LIST_UTIL = host("ch", "qos", "logback", "core", "joran", "util",
            "ConfigurationWatchListUtil");
    static final String LOG4J_LOG_MANAGER = host("org", "apache", "logging", "log4j", "LogManager");
    static final String LOG4J_LEVEL = host("org", "apache", "logging", "log4j", "Level");
    static final String LOG4J_CORE_CONTEXT = host("org", "apache", "logging", "log4j", "core", "LoggerContext");
    static final String LOG4J_CONTEXT_FACTORY = host("org", "apache", "logging", "log4j", "core", "impl",
            "Log4jContextFactory");
    static final String LOG4J_LOGGER_CONFIG = host("org", "apache", "logging", "log4j", "core", "config",
            "LoggerConfig");

    private HostLoggers() {
    }

    /** A dotted class name from its parts, built at run time (see the class comment). */
    static String host(String... parts) {
        return String.join(".", Arrays.asList(parts));
    }

    /** One logger tree: a framework's context in one class loader (for JUL: the tree a loader sees). */
    static final class Context {
        final String framework;
        final String id;
        /** The Logback or Log4j 2 LoggerContext; for JUL the class loader whose tree this is. */
        final Object target;
        final ClassLoader loader;

        Context(String framework, String id, Object target, ClassLoader loader) {
            this.framework = framework;
            this.id = id;
            this.target = target;
            this.loader = loader;
        }

        /** What {@code loggers} shows of the context. */
        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("framework", framework);
            m.put("loader", HostLoaders.label(loader));
            try {
                if (LOGBACK.equals(framework)) {
                    m.put("name", call(target, "getName"));
                    URL url = logbackConfigUrl(this);
                    m.put("config", url == null ? null : url.toString());
                } else if (LOG4J2.equals(framework)) {
                    m.put("name", call(target, "getName"));
                    m.put("config", log4jConfigLocation(this));
                } else {
                    m.put("name", LogManager.getLogManager().getClass().getName());
                    m.put("config", System.getProperty("java.util.logging.config.file"));
                }
            } catch (Exception | LinkageError e) {
                m.put("error", String.valueOf(e));
            }
            return m;
        }
    }

    /** Every logger tree of the JVM, JUL first, then Logback, then Log4j 2. */
    static List<Context> discover() {
        HostLoaders.Snapshot snap = HostLoaders.snapshot(Arrays.asList(SLF4J_LOGGER_FACTORY, LOG4J_LOG_MANAGER));
        List<Context> out = new ArrayList<>();
        List<ClassLoader> julTrees = julTreeLoaders(snap);
        for (ClassLoader l : julTrees) {
            out.add(new Context(JUL, JUL + ":" + HostLoaders.label(l), l, l));
        }
        List<Object> logback = new ArrayList<>();
        for (Class<?> factory : snap.classes(SLF4J_LOGGER_FACTORY)) {
            if (!snap.loaded && !loadable(LOGBACK_CONTEXT, factory.getClassLoader())) {
                continue; // without Instrumentation, never start an SLF4J that cannot be Logback's
            }
            try {
                Object f = factory.getMethod("getILoggerFactory").invoke(null);
                if (f != null && isA(f.getClass(), LOGBACK_CONTEXT)) {
                    logback.add(f);
                }
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // an SLF4J copy that cannot answer (still initializing, or broken): nothing to manage there
            }
        }
        addAll(out, LOGBACK, HostLoaders.distinct(logback));
        List<Object> log4j = new ArrayList<>();
        for (Class<?> manager : snap.classes(LOG4J_LOG_MANAGER)) {
            if (!snap.loaded && !loadable(LOG4J_CORE_CONTEXT, manager.getClassLoader())) {
                continue; // likewise for a Log4j API without Log4j core
            }
            try {
                Object factory = manager.getMethod("getFactory").invoke(null);
                if (factory == null || !isA(factory.getClass(), LOG4J_CONTEXT_FACTORY)) {
                    continue; // the Log4j API routed elsewhere (log4j-to-slf4j, for example)
                }
                Object selector = call(factory, "getSelector");
                for (Object ctx : (Collection<?>) call(selector, "getLoggerContexts")) {
                    if (ctx != null && isA(ctx.getClass(), LOG4J_CORE_CONTEXT)) {
                        log4j.add(ctx);
                    }
                }
            } catch (Exception | LinkageError e) {
                // a Log4j copy that cannot answer: nothing to manage there
            }
        }
        addAll(out, LOG4J2, HostLoaders.distinct(log4j));
        return out;
    }

    private static void addAll(List<Context> out, String framework, List<Object> contexts) {
        Map<String, Integer> used = new HashMap<>();
        for (Object ctx : contexts) {
            ClassLoader l = ctx.getClass().getClassLoader();
            String id = framework + ":" + HostLoaders.label(l);
            int n = used.merge(id, 1, Integer::sum);
            if (n > 1) {
                String name = null;
                try {
                    name = String.valueOf(call(ctx, "getName"));
                } catch (Exception | LinkageError e) {
                    // unnamed
                }
                id = id + "/" + (name == null ? String.valueOf(n) : name);
            }
            out.add(new Context(framework, id, ctx, l));
        }
    }

    /**
     * The class loaders whose JUL trees differ: one (the system loader) under the JDK's LogManager; under a
     * per-class-loader manager (Tomcat's ClassLoaderLogManager keeps a map from loader to tree), each loader that
     * has a tree of its own.
     */
    private static List<ClassLoader> julTreeLoaders(HostLoaders.Snapshot snap) {
        List<ClassLoader> out = new ArrayList<>();
        out.add(ClassLoader.getSystemClassLoader());
        LogManager manager = LogManager.getLogManager();
        Map<?, ?> perLoader = perLoaderTrees(manager);
        if (perLoader == null) {
            return out;
        }
        List<Object> keys;
        synchronized (perLoader) {
            keys = new ArrayList<>(perLoader.keySet());
        }
        for (ClassLoader l : snap.loaders) {
            if (keys.contains(l) && !out.contains(l)) {
                out.add(l);
            }
        }
        for (Object k : keys) {
            if (k instanceof ClassLoader && !out.contains(k)) {
                out.add((ClassLoader) k);
            }
        }
        // A manager that keys something else by class loader (not logger trees) shows the same loggers to every
        // loader: keep only the loaders whose tree holds loggers no earlier tree has.
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<ClassLoader> distinct = new ArrayList<>();
        for (ClassLoader l : out) {
            boolean adds = false;
            try {
                for (Logger logger : julLoggers(l)) {
                    adds |= seen.add(logger);
                }
            } catch (Exception e) {
                continue;
            }
            if (adds || distinct.isEmpty()) {
                distinct.add(l);
            }
        }
        return distinct;
    }

    /** The JUL loggers of the tree {@code loader} sees (its own under a per-loader manager), in one look. */
    static List<Logger> julLoggers(ClassLoader loader) throws Exception {
        LogManager manager = LogManager.getLogManager();
        return HostLoaders.withContextLoader(loader, () -> {
            List<Logger> out = new ArrayList<>();
            for (Enumeration<String> e = manager.getLoggerNames(); e.hasMoreElements();) {
                Logger l = manager.getLogger(e.nextElement());
                if (l != null) {
                    out.add(l);
                }
            }
            return out;
        });
    }

    /** A per-class-loader log manager's map from class loader to logger tree, or null for any other manager. */
    private static Map<?, ?> perLoaderTrees(LogManager manager) {
        for (Class<?> c = manager.getClass(); c != null && c != LogManager.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Map.class.isAssignableFrom(f.getType()) && !Modifier.isStatic(f.getModifiers())
                        && f.getGenericType().getTypeName().contains("ClassLoader,")) {
                    try {
                        f.setAccessible(true);
                        return (Map<?, ?>) f.get(manager);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /**
     * The file a Logback context was configured from, or null: the main URL of its watch list (Logback 1.2 to 1.4
     * keep it; 1.5 only with {@code scan}), else the file Logback's own start-up would have read: the
     * {@code logback.configurationFile} system property, Spring Boot's {@code logging.config} system property, or
     * {@code logback-test.xml} / {@code logback.xml} on the context's class path.
     */
    static URL logbackConfigUrl(Context c) throws Exception {
        try {
            Class<?> util = Class.forName(LOGBACK_WATCH_LIST_UTIL, false, c.loader);
            Class<?> contextType = Class.forName(host("ch", "qos", "logback", "core", "Context"), false, c.loader);
            URL url = (URL) util.getMethod("getMainWatchURL", contextType).invoke(null, c.target);
            if (url != null) {
                return url;
            }
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            // an older or newer Logback without it
        }
        for (String property : new String[] {"logback.configurationFile", "logging.config"}) {
            URL url = location(System.getProperty(property), c.loader);
            if (url != null) {
                return url;
            }
        }
        for (String resource : new String[] {"logback-test.xml", "logback.xml"}) {
            URL url = c.loader == null ? null : c.loader.getResource(resource);
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    /** A configuration location as a file path, a URL, or a {@code classpath:} resource; null when none exists. */
    private static URL location(String value, ClassLoader loader) {
        if (value == null || value.trim().isEmpty()) {
            return null;
        }
        String v = value.trim();
        try {
            if (v.startsWith("classpath:")) {
                return loader == null ? null : loader.getResource(v.substring("classpath:".length()).replaceFirst("^/", ""));
            }
            Path path = Paths.get(v.startsWith("file:") ? new URI(v).getPath() : v);
            if (Files.isRegularFile(path)) {
                return path.toUri().toURL();
            }
            return v.contains(":/") ? new URL(v) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Where a Log4j 2 context's configuration came from, or null when it runs a default configuration. */
    static String log4jConfigLocation(Context c) throws Exception {
        Object configuration = call(c.target, "getConfiguration");
        Object source = call(configuration, "getConfigurationSource");
        Object location = source == null ? null : call(source, "getLocation");
        return location == null ? null : location.toString();
    }

    private static boolean loadable(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static boolean isA(Class<?> cls, String name) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    static Object call(Object target, String method) throws Exception {
        return invoke(target, method, new Class<?>[0]);
    }

    static Object invoke(Object target, String method, Class<?>[] types, Object... args) throws Exception {
        Method m = publicMethod(target.getClass(), method, types);
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof Exception ? (Exception) c : e;
        }
    }

    /** A public method reachable through a public class or interface (implementation classes may be hidden). */
    private static Method publicMethod(Class<?> cls, String name, Class<?>... types) throws NoSuchMethodException {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name, types);
                } catch (NoSuchMethodException e) {
                    // look further up
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                if (Modifier.isPublic(i.getModifiers())) {
                    try {
                        return i.getMethod(name, types);
                    } catch (NoSuchMethodException e) {
                        // not on this interface
                    }
                }
            }
        }
        return cls.getMethod(name, types);
    }
}
