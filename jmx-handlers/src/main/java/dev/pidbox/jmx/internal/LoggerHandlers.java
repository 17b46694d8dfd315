package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * {@code loggers} lists logger levels and {@code set_logger} changes one, for java.util.logging always and
 * for Logback and Log4j 2 when the host uses them. Those two are found reflectively through the
 * context and system class loaders; this module does not depend on them.
 */
public final class LoggerHandlers implements HandlerProvider {
    static final String JUL = "jul";
    static final String LOGBACK = "logback";
    static final String LOG4J2 = "log4j2";
    private static final List<String> FRAMEWORKS = Arrays.asList(JUL, LOGBACK, LOG4J2);
    private static final List<String> LEVELS = Arrays.asList("OFF", "FATAL", "ERROR", "SEVERE", "WARN", "WARNING",
            "INFO", "CONFIG", "DEBUG", "FINE", "FINER", "TRACE", "FINEST", "ALL");

    /** JUL holds loggers weakly; a level set through pidbox must outlive the caller's reference. */
    private static final Map<String, Logger> PINNED = new ConcurrentHashMap<>();

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        HandlerDefinition list = HandlerDefinition.builder("loggers")
                .description("Loggers with their configured and effective level, for java.util.logging, Logback and Log4j 2")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only loggers matching this glob"))
                .argument(ArgumentSpec.optional("framework", ArgType.STRING, null, "jul, logback or log4j2; default all present"))
                .argument(ArgumentSpec.optional("configured", ArgType.BOOLEAN, false, "only loggers with a level of their own"))
                .handler((ctx, args) -> list(args.getString("name"), framework(args.getString("framework")),
                        args.getBoolean("configured", false)))
                .build();
        HandlerDefinition set = HandlerDefinition.builder("set_logger")
                .description("Sets (or with level null clears) a logger's level in every logging framework present,"
                        + " or in the one named")
                .tier(Tier.MUTATE)
                .strictArguments(true)
                .argument(ArgumentSpec.required("name", ArgType.STRING, "logger name; '' or ROOT for the root logger"))
                .argument(ArgumentSpec.optional("level", ArgType.STRING, null,
                        "TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF (or JUL names); null to inherit (not for the root logger)"))
                .argument(ArgumentSpec.optional("framework", ArgType.STRING, null, "jul, logback or log4j2; default all present"))
                .handler((ctx, args) -> set(args.getString("name"), level(args.getString("level")),
                        framework(args.getString("framework"))))
                .build();
        return Arrays.asList(list, set);
    }

    private static String framework(String name) {
        if (name == null) {
            return null;
        }
        String f = name.trim().toLowerCase(Locale.ROOT);
        if (!FRAMEWORKS.contains(f)) {
            throw new ArgumentException("unknown logging framework '" + name + "' (expected one of " + FRAMEWORKS + ")");
        }
        return f;
    }

    private static String level(String name) {
        if (name == null) {
            return null;
        }
        String l = name.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new ArgumentException("unknown log level '" + name + "' (expected one of " + LEVELS + ")");
        }
        return l;
    }

    static List<String> present() {
        List<String> out = new ArrayList<>();
        out.add(JUL);
        if (logbackContext() != null) {
            out.add(LOGBACK);
        }
        if (log4jContext() != null) {
            out.add(LOG4J2);
        }
        return out;
    }

    static Map<String, Object> list(String glob, String framework, boolean configuredOnly) throws Exception {
        List<String> present = present();
        List<Object> loggers = new ArrayList<>();
        if (framework == null || JUL.equals(framework)) {
            LogManager manager = LogManager.getLogManager();
            TreeSet<String> names = new TreeSet<>();
            for (Enumeration<String> e = manager.getLoggerNames(); e.hasMoreElements();) {
                names.add(e.nextElement());
            }
            for (String name : names) {
                Logger l = manager.getLogger(name);
                if (l == null || glob != null && !Globs.matches(glob, name) || configuredOnly && l.getLevel() == null) {
                    continue;
                }
                loggers.add(row(JUL, name, l.getLevel() == null ? null : l.getLevel().getName(), julEffective(l)));
            }
        }
        Object logback = logbackContext();
        if (logback != null && (framework == null || LOGBACK.equals(framework))) {
            for (Object l : (List<?>) call(logback, "getLoggerList")) {
                String name = (String) call(l, "getName");
                Object level = call(l, "getLevel");
                if (glob != null && !Globs.matches(glob, name) || configuredOnly && level == null) {
                    continue;
                }
                loggers.add(row(LOGBACK, name, level == null ? null : level.toString(), String.valueOf(call(l, "getEffectiveLevel"))));
            }
        }
        Object log4j = log4jContext();
        if (log4j != null && (framework == null || LOG4J2.equals(framework))) {
            // Configured loggers first (LoggerConfig: an explicit level, or null when it inherits), then the
            // loggers the application created that have no configuration of their own (level null).
            Map<String, Object[]> rows = new TreeMap<>();
            Object configuration = call(log4j, "getConfiguration");
            for (Object lc : ((Map<?, ?>) call(configuration, "getLoggers")).values()) {
                String name = log4jName((String) call(lc, "getName"));
                rows.put(name, new Object[] {log4jExplicitLevel(lc), call(lc, "getLevel")});
            }
            for (Object l : (Collection<?>) call(log4j, "getLoggers")) {
                String name = log4jName((String) call(l, "getName"));
                if (!rows.containsKey(name)) {
                    rows.put(name, new Object[] {null, call(l, "getLevel")});
                }
            }
            for (Map.Entry<String, Object[]> r : rows.entrySet()) {
                Object level = r.getValue()[0];
                Object effective = r.getValue()[1];
                if (glob != null && !Globs.matches(glob, r.getKey()) || configuredOnly && level == null) {
                    continue;
                }
                loggers.add(row(LOG4J2, r.getKey(), level == null ? null : level.toString(),
                        effective == null ? null : effective.toString()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("frameworks", present);
        out.put("count", loggers.size());
        out.put("loggers", loggers);
        return out;
    }

    private static Map<String, Object> row(String framework, String name, String level, String effective) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("framework", framework);
        m.put("name", name);
        m.put("level", level);
        m.put("effective_level", effective);
        return m;
    }

    private static String julEffective(Logger l) {
        for (Logger cur = l; cur != null; cur = cur.getParent()) {
            if (cur.getLevel() != null) {
                return cur.getLevel().getName();
            }
        }
        return null;
    }

    static Map<String, Object> set(String name, String level, String framework) throws Exception {
        boolean root = name.isEmpty() || "ROOT".equalsIgnoreCase(name);
        if (level == null && root) {
            // JUL and Logback refuse it; Log4j 2 would silently fall back to ERROR.
            throw new ArgumentException("set_logger() the root logger needs a level");
        }
        List<String> targets = framework == null ? present() : Collections.singletonList(framework);
        Object logback = null;
        Object log4j = null;
        for (String f : targets) {
            if (LOGBACK.equals(f) && (logback = logbackContext()) == null) {
                throw new ArgumentException("set_logger() Logback is not in use in this JVM");
            }
            if (LOG4J2.equals(f) && (log4j = log4jContext()) == null) {
                throw new ArgumentException("set_logger() Log4j 2 is not in use in this JVM");
            }
        }
        List<Object> changes = new ArrayList<>();
        for (String f : targets) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("framework", f);
            if (JUL.equals(f)) {
                Logger l = root ? LogManager.getLogManager().getLogger("") : Logger.getLogger(name);
                change.put("old", l.getLevel() == null ? null : l.getLevel().getName());
                Level jul = level == null ? null : Level.parse(julName(level));
                l.setLevel(jul);
                PINNED.put(root ? "" : name, l);
                change.put("new", jul == null ? null : jul.getName());
            } else if (LOGBACK.equals(f)) {
                Object l = invoke(logback, "getLogger", new Class<?>[] {String.class}, root ? "ROOT" : name);
                Object old = call(l, "getLevel");
                change.put("old", old == null ? null : old.toString());
                Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level", false, logback.getClass().getClassLoader());
                Object newLevel = level == null ? null
                        : levelClass.getMethod("toLevel", String.class, levelClass).invoke(null, slf4jName(level), null);
                if (level != null && newLevel == null) {
                    throw new ArgumentException("set_logger() Logback has no level " + level);
                }
                invoke(l, "setLevel", new Class<?>[] {levelClass}, newLevel);
                change.put("new", newLevel == null ? null : newLevel.toString());
            } else {
                ClassLoader cl = log4j.getClass().getClassLoader();
                Class<?> levelClass = Class.forName("org.apache.logging.log4j.Level", false, cl);
                Object newLevel = level == null ? null
                        : levelClass.getMethod("toLevel", String.class, levelClass).invoke(null, log4jLevelName(level), null);
                if (level != null && newLevel == null) {
                    throw new ArgumentException("set_logger() Log4j 2 has no level " + level);
                }
                // Change the context we list, not whichever one Configurator's caller lookup would pick.
                Object configuration = call(log4j, "getConfiguration");
                String configName = root ? "" : name;
                Object existing = ((Map<?, ?>) call(configuration, "getLoggers")).get(configName);
                Object old = existing == null ? null : log4jExplicitLevel(existing);
                change.put("old", old == null ? null : old.toString());
                if (existing != null) {
                    invoke(existing, "setLevel", new Class<?>[] {levelClass}, newLevel);
                } else {
                    Class<?> loggerConfig = Class.forName("org.apache.logging.log4j.core.config.LoggerConfig", false, cl);
                    Object created = loggerConfig.getConstructor(String.class, levelClass, boolean.class)
                            .newInstance(configName, newLevel, true);
                    invoke(configuration, "addLogger", new Class<?>[] {String.class, loggerConfig}, configName, created);
                }
                call(log4j, "updateLoggers");
                change.put("new", newLevel == null ? null : newLevel.toString());
            }
            changes.add(change);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", root ? "ROOT" : name);
        out.put("level", level);
        out.put("changes", changes);
        return out;
    }

    /** A Log4j 2 LoggerConfig's own level, null when it inherits (getLevel() answers the inherited one). */
    private static Object log4jExplicitLevel(Object loggerConfig) throws Exception {
        try {
            return call(loggerConfig, "getExplicitLevel");
        } catch (NoSuchMethodException e) {
            // before 2.17: only the effective level is available
            return call(loggerConfig, "getLevel");
        }
    }

    /** Log4j 2 names its root logger ""; listed as ROOT, as Logback does and as set_logger accepts it. */
    private static String log4jName(String name) {
        return name.isEmpty() ? "ROOT" : name;
    }

    private static String julName(String level) {
        switch (level) {
            case "FATAL": case "ERROR": return "SEVERE";
            case "WARN": return "WARNING";
            case "DEBUG": return "FINE";
            case "TRACE": return "FINEST";
            default: return level;
        }
    }

    private static String slf4jName(String level) {
        switch (level) {
            case "FATAL": case "SEVERE": return "ERROR";
            case "WARNING": return "WARN";
            case "CONFIG": return "INFO";
            case "FINE": return "DEBUG";
            case "FINER": case "FINEST": return "TRACE";
            default: return level;
        }
    }

    private static String log4jLevelName(String level) {
        return "FATAL".equals(level) ? level : slf4jName(level);
    }

    /** Logback's LoggerContext when SLF4J is bound to Logback, else null. */
    static Object logbackContext() {
        if (!loadable("ch.qos.logback.classic.LoggerContext")) {
            return null;
        }
        Object factory = staticCall("org.slf4j.LoggerFactory", "getILoggerFactory");
        return factory != null && isA(factory.getClass(), "ch.qos.logback.classic.LoggerContext") ? factory : null;
    }

    /** Log4j 2's core LoggerContext when Log4j 2 core is in use, else null. */
    static Object log4jContext() {
        if (!loadable("org.apache.logging.log4j.core.LoggerContext")) {
            return null;
        }
        for (ClassLoader cl : loaders()) {
            try {
                Class<?> lm = Class.forName("org.apache.logging.log4j.LogManager", true, cl);
                Object ctx = lm.getMethod("getContext", ClassLoader.class, boolean.class).invoke(null, cl, false);
                if (ctx != null && isA(ctx.getClass(), "org.apache.logging.log4j.core.LoggerContext")) {
                    return ctx;
                }
            } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
                // not on this loader
            }
        }
        return null;
    }

    /** Whether a class is there, without initializing it (so a framework the host does not use stays asleep). */
    private static boolean loadable(String className) {
        for (ClassLoader cl : loaders()) {
            try {
                Class.forName(className, false, cl);
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                // not on this loader
            }
        }
        return false;
    }

    private static Object staticCall(String className, String method) {
        for (ClassLoader cl : loaders()) {
            try {
                return Class.forName(className, true, cl).getMethod(method).invoke(null);
            } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
                // not on this loader
            }
        }
        return null;
    }

    private static List<ClassLoader> loaders() {
        List<ClassLoader> out = new ArrayList<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            out.add(context);
        }
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (!out.contains(system)) {
            out.add(system);
        }
        ClassLoader own = LoggerHandlers.class.getClassLoader();
        if (own != null && !out.contains(own)) {
            out.add(own);
        }
        return out;
    }

    private static boolean isA(Class<?> cls, String name) {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = publicMethod(target.getClass(), method);
        try {
            return m.invoke(target);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof Exception ? (Exception) c : e;
        }
    }

    private static Object invoke(Object target, String method, Class<?>[] types, Object... args) throws Exception {
        Method m = publicMethod(target.getClass(), method, types);
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof Exception ? (Exception) c : e;
        }
    }

    private static Method publicMethod(Class<?> cls, String name, Class<?>... types) throws NoSuchMethodException {
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name, types);
                } catch (NoSuchMethodException e) {
                    // look further up
                }
            }
        }
        return cls.getMethod(name, types);
    }
}
