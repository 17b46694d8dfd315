package dev.pidbox.jmx.internal;

import dev.pidbox.spi.ErrorText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.logging.LogManager;
import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The logging steps of {@code reload}: every Logback context and every Log4j 2 context re-reads the file it was
 * configured from, and java.util.logging re-reads {@code java.util.logging.config.file}. A file is checked before
 * the framework sees it (well-formed XML, readable properties), so a malformed file leaves the running
 * configuration untouched and comes back as an error step. Logback errors found while configuring (an unknown
 * appender class, say) are reported with Logback's own messages, and the context goes back to its last good
 * configuration where Logback kept one.
 */
final class LoggingReload {
    private static final int LOGBACK_ERROR = 2;
    /**
     * One Logback reconfiguration at a time from pidbox (two reload calls must not interleave a reset and a
     * configure). Our own lock, never the host's LoggerContext, so that no host thread can wait on us or we on it.
     */
    private static final Object RELOAD_LOCK = new Object();

    private LoggingReload() {
    }

    static List<Map<String, Object>> steps(boolean dryRun) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (HostLoggers.Context c : HostLoggers.discover()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("step", c.framework);
            step.put("context", c.id);
            try {
                if (HostLoggers.LOGBACK.equals(c.framework)) {
                    logback(c, step, dryRun);
                } else if (HostLoggers.LOG4J2.equals(c.framework)) {
                    log4j(c, step, dryRun);
                } else if (c.loader == ClassLoader.getSystemClassLoader()) {
                    jul(step, dryRun);
                } else {
                    continue; // one JUL step for the whole JVM
                }
            } catch (Exception | LinkageError e) {
                step.put("outcome", "error");
                step.put("error", ErrorText.of(e));
            }
            out.add(step);
        }
        return out;
    }

    private static void logback(HostLoggers.Context c, Map<String, Object> step, boolean dryRun) throws Exception {
        URL url = fresh(HostLoggers.logbackConfigUrl(c));
        if (url == null) {
            skip(step, "this Logback context was not configured from a file (Logback's defaults or a programmatic"
                    + " configuration)");
            return;
        }
        step.put("file", url.toString());
        byte[] content = read(url);
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.contains("<springProfile") || text.contains("<springProperty")) {
            skip(step, "the file uses Spring Boot's logback extensions (springProfile, springProperty), which only"
                    + " Spring Boot can read; change levels with set_logger, or restart the application");
            return;
        }
        String malformed = xmlProblem(content);
        if (malformed != null) {
            fail(step, "malformed configuration, not applied; Logback keeps its running configuration: " + malformed);
            return;
        }
        if (dryRun) {
            step.put("outcome", "would_reload");
            return;
        }
        ClassLoader cl = c.loader;
        Class<?> configuratorType = Class.forName(HostLoggers.host("ch", "qos", "logback", "classic", "joran",
                "JoranConfigurator"), false, cl);
        Class<?> contextType = Class.forName(HostLoggers.host("ch", "qos", "logback", "core", "Context"), false, cl);
        Object configurator = configuratorType.getConstructor().newInstance();
        configuratorType.getMethod("setContext", contextType).invoke(configurator, c.target);
        Object safe = recallSafe(configurator);
        Set<Object> before = statuses(c.target);
        synchronized (RELOAD_LOCK) {
            HostLoggers.call(c.target, "reset");
            try {
                configuratorType.getMethod("doConfigure", URL.class).invoke(configurator, url);
            } catch (InvocationTargetException e) {
                // Joran records its failures in the status manager, read below.
            }
        }
        List<String> errors = logbackErrors(c.target, before);
        if (errors.isEmpty()) {
            step.put("outcome", "ok");
            return;
        }
        step.put("outcome", "error");
        step.put("error", "Logback reported errors while re-reading " + url + ": " + errors);
        step.put("rolled_back", safe != null && rollBack(c, configuratorType, contextType, safe, url));
    }

    /** Logback's copy of the last configuration that applied without errors (1.3+: a model; 1.2: events). */
    private static Object recallSafe(Object configurator) {
        for (String method : new String[] {"recallSafeTopModel", "recallSafeConfiguration"}) {
            try {
                Object safe = configurator.getClass().getMethod(method).invoke(configurator);
                if (safe != null) {
                    return safe;
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // not in this Logback line
            }
        }
        return null;
    }

    /**
     * Resets the context and applies Logback's last good configuration again, as Logback's own reconfigure-on-change
     * task does; true when that applied without errors.
     */
    private static boolean rollBack(HostLoggers.Context c, Class<?> configuratorType, Class<?> contextType, Object safe,
            URL url) {
        try {
            Object configurator = configuratorType.getConstructor().newInstance();
            configuratorType.getMethod("setContext", contextType).invoke(configurator, c.target);
            Set<Object> before = statuses(c.target);
            synchronized (RELOAD_LOCK) {
                HostLoggers.call(c.target, "reset");
                for (Method m : configuratorType.getMethods()) {
                    boolean model = m.getName().equals("processModel");
                    boolean events = m.getName().equals("doConfigure") && m.getParameterCount() == 1
                            && List.class.isAssignableFrom(m.getParameterTypes()[0]);
                    if ((model || events) && m.getParameterCount() == 1 && m.getParameterTypes()[0].isInstance(safe)) {
                        if (model) {
                            resetModelForReuse(c.loader, safe);
                        }
                        m.invoke(configurator, safe);
                        return logbackErrors(c.target, before).isEmpty();
                    }
                }
            }
        } catch (Exception | LinkageError e) {
            return false;
        }
        return false;
    }

    /** A model that was applied once is marked handled; Logback 1.3+ clears the marks before applying it again. */
    private static void resetModelForReuse(ClassLoader loader, Object model) throws Exception {
        Class<?> util;
        try {
            util = Class.forName(HostLoggers.host("ch", "qos", "logback", "core", "model", "ModelUtil"), false, loader);
        } catch (ClassNotFoundException e) {
            return;
        }
        for (Method m : util.getMethods()) {
            if (m.getName().equals("resetForReuse") && m.getParameterCount() == 1
                    && m.getParameterTypes()[0].isInstance(model)) {
                m.invoke(null, model);
                return;
            }
        }
    }

    /** The statuses a Logback context holds now (to tell the ones a configuration run adds). */
    private static Set<Object> statuses(Object context) throws Exception {
        Set<Object> out = Collections.newSetFromMap(new IdentityHashMap<>());
        out.addAll((List<?>) HostLoggers.call(HostLoggers.call(context, "getStatusManager"), "getCopyOfStatusList"));
        return out;
    }

    /** The messages of the error statuses added since {@code before} (compared by identity, not by clock). */
    private static List<String> logbackErrors(Object context, Set<Object> before) throws Exception {
        List<String> out = new ArrayList<>();
        for (Object status : statuses(context)) {
            int level = ((Number) HostLoggers.call(status, "getLevel")).intValue();
            if (level >= LOGBACK_ERROR && !before.contains(status)) {
                out.add(String.valueOf(HostLoggers.call(status, "getMessage")));
            }
        }
        return out;
    }

    private static void log4j(HostLoggers.Context c, Map<String, Object> step, boolean dryRun) throws Exception {
        Object configuration = HostLoggers.call(c.target, "getConfiguration");
        Object source = HostLoggers.call(configuration, "getConfigurationSource");
        Object uri = source == null ? null : HostLoggers.call(source, "getURI");
        if (!(uri instanceof URI)) {
            skip(step, "this Log4j 2 context runs a configuration that came from no file ("
                    + configuration.getClass().getSimpleName() + ")");
            return;
        }
        URI location = (URI) uri;
        step.put("file", location.toString());
        byte[] content = read(location.toURL());
        String path = location.toString().toLowerCase(Locale.ROOT);
        String malformed = path.endsWith(".xml") ? xmlProblem(content)
                : path.endsWith(".properties") ? propertiesProblem(content) : null;
        if (malformed != null) {
            fail(step, "malformed configuration, not applied; Log4j keeps its running configuration: " + malformed);
            return;
        }
        if (dryRun) {
            step.put("outcome", "would_reload");
            return;
        }
        HostLoggers.invoke(c.target, "setConfigLocation", new Class<?>[] {URI.class}, location);
        Object now = HostLoggers.call(c.target, "getConfiguration");
        if (now == configuration) {
            fail(step, "Log4j kept its running configuration (it could not build a new one from " + location + ")");
            return;
        }
        String type = now.getClass().getSimpleName();
        if (type.equals("DefaultConfiguration") || type.equals("NullConfiguration")) {
            fail(step, "Log4j fell back to its " + type + " after re-reading " + location);
            return;
        }
        step.put("outcome", "ok");
    }

    private static void jul(Map<String, Object> step, boolean dryRun) throws IOException {
        LogManager manager = LogManager.getLogManager();
        if (manager.getClass() != LogManager.class) {
            skip(step, "java.util.logging is run by " + manager.getClass().getName() + ", whose configuration pidbox"
                    + " does not re-read; change levels with set_logger");
            return;
        }
        String file = System.getProperty("java.util.logging.config.file");
        if (file == null) {
            skip(step, "no java.util.logging.config.file: java.util.logging runs the JDK's default configuration");
            return;
        }
        step.put("file", file);
        String malformed = propertiesProblem(Files.readAllBytes(Paths.get(file)));
        if (malformed != null) {
            fail(step, "malformed configuration, not applied: " + malformed);
            return;
        }
        if (dryRun) {
            step.put("outcome", "would_reload");
            return;
        }
        // Only what changed in the file changes; handlers and levels set elsewhere stay (readConfiguration would
        // reset every logger of the JVM).
        manager.updateConfiguration(null);
        step.put("outcome", "ok");
    }

    /**
     * A file URL made anew, with the JDK's own handler: a servlet container's class loader may hand out file URLs
     * whose handler serves a cached copy (Tomcat's resource cache keeps one for 5 s), which would re-read the old
     * file.
     */
    private static URL fresh(URL url) throws IOException {
        if (url == null || !"file".equals(url.getProtocol())) {
            return url;
        }
        try {
            return Paths.get(url.toURI()).toUri().toURL();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return new URL(url.toExternalForm());
        }
    }

    private static byte[] read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    /** Why the bytes are not well-formed XML, or null. No DTD or external entity is fetched. */
    static String xmlProblem(byte[] content) {
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            trySet(f, "http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            trySet(f, "http://xml.org/sax/features/external-general-entities", false);
            trySet(f, "http://xml.org/sax/features/external-parameter-entities", false);
            f.newSAXParser().parse(new InputSource(new ByteArrayInputStream(content)), new DefaultHandler());
            return null;
        } catch (SAXParseException e) {
            return "line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage();
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static void trySet(SAXParserFactory f, String feature, boolean value) {
        try {
            f.setFeature(feature, value);
        } catch (Exception e) {
            // not supported by this parser
        }
    }

    private static String propertiesProblem(byte[] content) {
        try {
            new Properties().load(new StringReader(new String(content, StandardCharsets.ISO_8859_1)));
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static void skip(Map<String, Object> step, String reason) {
        step.put("outcome", "skipped");
        step.put("reason", reason);
    }

    private static void fail(Map<String, Object> step, String error) {
        step.put("outcome", "error");
        step.put("error", error);
    }
}
