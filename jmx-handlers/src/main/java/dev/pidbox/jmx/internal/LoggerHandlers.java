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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * {@code loggers} lists logger levels and {@code set_logger} changes one, in every logger tree of the JVM:
 * java.util.logging (per class loader under Tomcat's JULI), and each Logback and Log4j 2 context in whatever class
 * loader it lives (see {@link HostLoggers}). The frameworks are driven reflectively; this module does not depend
 * on them.
 */
public final class LoggerHandlers implements HandlerProvider {
    static final String JUL = "jul";
    static final String LOGBACK = "logback";
    static final String LOG4J2 = "log4j2";
    private static final List<String> FRAMEWORKS = Arrays.asList(JUL, LOGBACK, LOG4J2);
    private static final List<String> LEVELS = Arrays.asList("OFF", "FATAL", "ERROR", "SEVERE", "WARN", "WARNING",
            "INFO", "CONFIG", "DEBUG", "FINE", "FINER", "TRACE", "FINEST", "ALL");

    private static final String DEV = "dev";
    private static final String DEV_PREFIX = DEV + ".";
    /** Built at run time, so the agent's relocation of package names cannot rewrite it. */
    private static final String AGENT_ROOT = String.join(".", DEV, "pidbox");
    private static final String AUDIT_ROOT = "pidbox";

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
                .argument(ArgumentSpec.optional("context", ArgType.STRING, null,
                        "only the logger trees whose id matches this glob (ids are listed under contexts)"))
                .argument(ArgumentSpec.optional("configured", ArgType.BOOLEAN, false, "only loggers with a level of their own"))
                .handler((ctx, args) -> list(args.getString("name"), framework(args.getString("framework")),
                        args.getString("context"), args.getBoolean("configured", false)))
                .build();
        HandlerDefinition set = HandlerDefinition.builder("set_logger")
                .description("Sets (or with level null clears) a logger's level in every logger tree that has it"
                        + " (every framework and class loader), or in the framework or trees named")
                .tier(Tier.MUTATE)
                .strictArguments(true)
                .argument(ArgumentSpec.required("name", ArgType.STRING, "logger name; '' or ROOT for the root logger"))
                .argument(ArgumentSpec.optional("level", ArgType.STRING, null,
                        "TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF (or JUL names); null to inherit (not for the root logger)"))
                .argument(ArgumentSpec.optional("framework", ArgType.STRING, null,
                        "jul, logback or log4j2; default: every framework that has the logger"))
                .argument(ArgumentSpec.optional("context", ArgType.STRING, null,
                        "glob over logger tree ids (see loggers); default: every tree that has the logger"))
                .handler((ctx, args) -> set(args.getString("name"), level(args.getString("level")),
                        framework(args.getString("framework")), args.getString("context")))
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

    /** The frameworks with at least one logger tree in this JVM (JUL always). */
    static List<String> present(List<HostLoggers.Context> contexts) {
        List<String> out = new ArrayList<>();
        for (HostLoggers.Context c : contexts) {
            if (!out.contains(c.framework)) {
                out.add(c.framework);
            }
        }
        return out;
    }

    static Map<String, Object> list(String glob, String framework, String contextGlob, boolean configuredOnly)
            throws Exception {
        List<HostLoggers.Context> all = HostLoggers.discover();
        List<Object> loggers = new ArrayList<>();
        List<Object> contexts = new ArrayList<>();
        for (HostLoggers.Context c : all) {
            if (framework != null && !framework.equals(c.framework)
                    || contextGlob != null && !Globs.matches(contextGlob, c.id)) {
                continue;
            }
            contexts.add(c.describe());
            for (Object[] r : rows(c)) {
                String name = (String) r[0];
                if (glob != null && !Globs.matches(glob, name) || configuredOnly && r[1] == null) {
                    continue;
                }
                loggers.add(row(c, name, (String) r[1], (String) r[2]));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("frameworks", present(all));
        out.put("contexts", contexts);
        out.put("count", loggers.size());
        out.put("loggers", loggers);
        return out;
    }

    /**
     * Name, own level (null when inherited) and effective level of every logger of a tree, sorted by name; the
     * agent's own loggers left out (see {@link #withoutAgents}).
     */
    private static List<Object[]> rows(HostLoggers.Context c) throws Exception {
        return withoutAgents(allRows(c));
    }

    /**
     * The rows without pidbox's own loggers: {@code dev.pidbox} and below (the agent's relocated libraries),
     * {@code pidbox} and below (the audit log), and {@code dev} when it has no level of its own and nothing but
     * pidbox below it (JULI, Tomcat's JUL, creates every parent of a logger).
     */
    static List<Object[]> withoutAgents(List<Object[]> rows) {
        boolean hostUsesDev = false;
        for (Object[] r : rows) {
            String name = (String) r[0];
            if (name.startsWith(DEV_PREFIX) && !isAgents(name)) {
                hostUsesDev = true;
            }
        }
        List<Object[]> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            String name = (String) r[0];
            if (isAgents(name) || name.equals(DEV) && r[1] == null && !hostUsesDev) {
                continue;
            }
            out.add(r);
        }
        return out;
    }

    private static boolean isAgents(String name) {
        return name.equals(AGENT_ROOT) || name.startsWith(AGENT_ROOT + ".") || name.equals(AUDIT_ROOT)
                || name.startsWith(AUDIT_ROOT + ".");
    }

    private static List<Object[]> allRows(HostLoggers.Context c) throws Exception {
        List<Object[]> out = new ArrayList<>();
        if (JUL.equals(c.framework)) {
            TreeMap<String, Logger> byName = new TreeMap<>();
            for (Logger l : HostLoggers.julLoggers(c.loader)) {
                byName.put(l.getName(), l);
            }
            for (Map.Entry<String, Logger> e : byName.entrySet()) {
                Logger l = e.getValue();
                out.add(new Object[] {e.getKey(), l.getLevel() == null ? null : l.getLevel().getName(), julEffective(l)});
            }
        } else if (LOGBACK.equals(c.framework)) {
            for (Object l : (List<?>) call(c.target, "getLoggerList")) {
                Object level = call(l, "getLevel");
                out.add(new Object[] {call(l, "getName"), level == null ? null : level.toString(),
                        String.valueOf(call(l, "getEffectiveLevel"))});
            }
        } else {
            // Configured loggers first (LoggerConfig: an explicit level, or null when it inherits), then the
            // loggers the application created that have no configuration of their own (level null).
            Map<String, Object[]> rows = new TreeMap<>();
            Object configuration = call(c.target, "getConfiguration");
            for (Object lc : ((Map<?, ?>) call(configuration, "getLoggers")).values()) {
                String name = log4jName((String) call(lc, "getName"));
                rows.put(name, new Object[] {log4jExplicitLevel(lc), call(lc, "getLevel")});
            }
            for (Object l : (Collection<?>) call(c.target, "getLoggers")) {
                String name = log4jName((String) call(l, "getName"));
                if (!rows.containsKey(name)) {
                    rows.put(name, new Object[] {null, call(l, "getLevel")});
                }
            }
            for (Map.Entry<String, Object[]> r : rows.entrySet()) {
                Object level = r.getValue()[0];
                Object effective = r.getValue()[1];
                out.add(new Object[] {r.getKey(), level == null ? null : level.toString(),
                        effective == null ? null : effective.toString()});
            }
        }
        return out;
    }

    private static Logger julLogger(HostLoggers.Context c, String name) throws Exception {
        LogManager manager = LogManager.getLogManager();
        return HostLoaders.withContextLoader(c.loader, () -> manager.getLogger(name));
    }

    private static Map<String, Object> row(HostLoggers.Context c, String name, String level, String effective) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("framework", c.framework);
        m.put("context", c.id);
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

    /**
     * Sets a level in the logger trees that use the logger: by default every tree where the logger, or a logger
     * below it, exists (its framework is how the application logs under that name); the root logger in every
     * tree. {@code framework} and {@code context} (a glob over context ids) narrow the trees; a tree named
     * explicitly gets the logger even when it has none yet. When no tree uses the name and none is named, the
     * logger is created in the trees of the frameworks other than JUL (JUL only when it is alone), and the reply
     * says it was created.
     */
    static Map<String, Object> set(String name, String level, String framework, String contextGlob) throws Exception {
        boolean root = name.isEmpty() || "ROOT".equalsIgnoreCase(name);
        if (level == null && root) {
            // JUL and Logback refuse it; Log4j 2 would silently fall back to ERROR.
            throw new ArgumentException("set_logger() the root logger needs a level");
        }
        List<HostLoggers.Context> all = HostLoggers.discover();
        List<HostLoggers.Context> candidates = new ArrayList<>();
        for (HostLoggers.Context c : all) {
            if ((framework == null || framework.equals(c.framework))
                    && (contextGlob == null || Globs.matches(contextGlob, c.id))) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            throw new ArgumentException("set_logger() " + (framework == null ? "" : frameworkName(framework)
                    + " is not in use in this JVM" + (contextGlob == null ? "" : " or ")) + (contextGlob == null ? ""
                    : "no logger tree matches context '" + contextGlob + "'") + " (logger trees here: "
                    + ids(all) + ")");
        }
        List<HostLoggers.Context> targets = new ArrayList<>();
        for (HostLoggers.Context c : candidates) {
            if (root || uses(c, name)) {
                targets.add(c);
            }
        }
        boolean created = false;
        if (targets.isEmpty()) {
            created = true;
            boolean named = framework != null || contextGlob != null;
            for (HostLoggers.Context c : candidates) {
                if (named || !JUL.equals(c.framework)) {
                    targets.add(c);
                }
            }
            if (targets.isEmpty()) {
                targets.addAll(candidates);
            }
        }
        List<Object> changes = new ArrayList<>();
        for (HostLoggers.Context c : targets) {
            changes.add(setIn(c, root, name, level));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", root ? "ROOT" : name);
        out.put("level", level);
        if (created) {
            out.put("note", "no logger tree had '" + name + "' or a logger below it yet; created in "
                    + ids(targets));
        }
        out.put("changes", changes);
        return out;
    }

    private static String frameworkName(String f) {
        return LOGBACK.equals(f) ? "Logback" : LOG4J2.equals(f) ? "Log4j 2" : "java.util.logging";
    }

    private static List<String> ids(List<HostLoggers.Context> contexts) {
        List<String> out = new ArrayList<>();
        for (HostLoggers.Context c : contexts) {
            out.add(c.id);
        }
        return out;
    }

    /** Whether the tree has this logger, or a logger below it (so a level set here reaches loggers in use). */
    private static boolean uses(HostLoggers.Context c, String name) throws Exception {
        String below = name + ".";
        for (Object[] r : rows(c)) {
            String n = (String) r[0];
            if (n.equals(name) || n.startsWith(below)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> setIn(HostLoggers.Context c, boolean root, String name, String level)
            throws Exception {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("framework", c.framework);
        change.put("context", c.id);
        if (JUL.equals(c.framework)) {
            LogManager manager = LogManager.getLogManager();
            Logger l = root ? julLogger(c, "") : HostLoaders.withContextLoader(c.loader, () -> {
                Logger existing = manager.getLogger(name);
                return existing != null ? existing : Logger.getLogger(name);
            });
            change.put("old", l.getLevel() == null ? null : l.getLevel().getName());
            Level jul = level == null ? null : Level.parse(julName(level));
            l.setLevel(jul);
            if (c.loader == ClassLoader.getSystemClassLoader()) {
                // The JDK's LogManager holds loggers weakly. A per-class-loader manager (Tomcat's JULI) keeps its
                // trees' loggers itself; pinning those would keep an undeployed webapp's class loader alive.
                PINNED.put(root ? "" : name, l);
            }
            change.put("new", jul == null ? null : jul.getName());
        } else if (LOGBACK.equals(c.framework)) {
            Object l = invoke(c.target, "getLogger", new Class<?>[] {String.class}, root ? "ROOT" : name);
            Object old = call(l, "getLevel");
            change.put("old", old == null ? null : old.toString());
            Class<?> levelClass = Class.forName(HostLoggers.LOGBACK_LEVEL, false, c.loader);
            Object newLevel = level == null ? null
                    : levelClass.getMethod("toLevel", String.class, levelClass).invoke(null, slf4jName(level), null);
            if (level != null && newLevel == null) {
                throw new ArgumentException("set_logger() Logback has no level " + level);
            }
            invoke(l, "setLevel", new Class<?>[] {levelClass}, newLevel);
            change.put("new", newLevel == null ? null : newLevel.toString());
        } else {
            ClassLoader cl = c.loader;
            Class<?> levelClass = Class.forName(HostLoggers.LOG4J_LEVEL, false, cl);
            Object newLevel = level == null ? null
                    : levelClass.getMethod("toLevel", String.class, levelClass).invoke(null, log4jLevelName(level), null);
            if (level != null && newLevel == null) {
                throw new ArgumentException("set_logger() Log4j 2 has no level " + level);
            }
            // Change the context we list, not whichever one Configurator's caller lookup would pick.
            Object configuration = call(c.target, "getConfiguration");
            String configName = root ? "" : name;
            Object existing = ((Map<?, ?>) call(configuration, "getLoggers")).get(configName);
            Object old = existing == null ? null : log4jExplicitLevel(existing);
            change.put("old", old == null ? null : old.toString());
            if (existing != null) {
                invoke(existing, "setLevel", new Class<?>[] {levelClass}, newLevel);
            } else {
                Class<?> loggerConfig = Class.forName(HostLoggers.LOG4J_LOGGER_CONFIG, false, cl);
                Object created = loggerConfig.getConstructor(String.class, levelClass, boolean.class)
                        .newInstance(configName, newLevel, true);
                invoke(configuration, "addLogger", new Class<?>[] {String.class, loggerConfig}, configName, created);
            }
            call(c.target, "updateLoggers");
            change.put("new", newLevel == null ? null : newLevel.toString());
        }
        return change;
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

    private static Object call(Object target, String method) throws Exception {
        return HostLoggers.call(target, method);
    }

    private static Object invoke(Object target, String method, Class<?>[] types, Object... args) throws Exception {
        return HostLoggers.invoke(target, method, types, args);
    }
}
