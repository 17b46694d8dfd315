package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static dev.pidbox.jmx.internal.LoggingHost.attempt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host application that logs through SLF4J and Logback (configured by logging/logback.xml), run by
 * {@link LogbackLoggerHandlersTest} in a child JVM. It calls the logger and reload handlers in-process and prints
 * every reply, in order, as one JSON object; its log lines go to the file the test reads.
 */
public final class LogbackHost {
    static final String JMX_CONFIGURATOR = "ch.qos.logback.classic:Name=default,Type=ch.qos.logback.classic.jmx.JMXConfigurator";

    private LogbackHost() {
    }

    public static void main(String[] a) throws Exception {
        Logger orders = LoggerFactory.getLogger("app.orders");
        LoggerFactory.getLogger("app.noisy");
        Calls loggers = Calls.of(new LoggerHandlers());
        Map<String, Object> out = new LinkedHashMap<>();

        orders.debug("debug before set_logger");
        out.put("configured", attempt(loggers, "loggers", args("framework", "logback", "configured", true)));
        out.put("all_app", attempt(loggers, "loggers", args("name", "app.*")));

        out.put("set_debug", attempt(loggers, "set_logger", args("name", "app.orders", "level", "DEBUG", "framework", "logback")));
        out.put("after_set_debug", attempt(loggers, "loggers", args("name", "app.orders", "framework", "logback")));
        out.put("debug_enabled_after_set", orders.isDebugEnabled());
        orders.debug("debug after set_logger");

        out.put("set_inherit", attempt(loggers, "set_logger", args("name", "app.orders", "level", null, "framework", "logback")));
        out.put("after_inherit", attempt(loggers, "loggers", args("name", "app.orders", "framework", "logback")));
        out.put("debug_enabled_after_inherit", orders.isDebugEnabled());
        orders.debug("debug after inherit");
        orders.info("info after inherit");

        out.put("set_jul_name", attempt(loggers, "set_logger", args("name", "app.orders", "level", "FINEST", "framework", "logback")));
        out.put("set_everywhere", attempt(loggers, "set_logger", args("name", "app.both", "level", "WARN")));
        out.put("set_root", attempt(loggers, "set_logger", args("name", "ROOT", "level", "ERROR", "framework", "logback")));
        LoggerFactory.getLogger("app.other").info("info with root at ERROR");
        out.put("set_root_inherit", attempt(loggers, "set_logger", args("name", "ROOT", "level", null, "framework", "logback")));
        out.put("after_root_inherit", attempt(loggers, "loggers", args("name", "ROOT", "framework", "logback")));

        out.put("unknown_framework", attempt(loggers, "set_logger", args("name", "app.orders", "level", "DEBUG", "framework", "log5j")));
        out.put("unknown_level", attempt(loggers, "set_logger", args("name", "app.orders", "level", "LOUD", "framework", "logback")));
        out.put("absent_framework", attempt(loggers, "set_logger", args("name", "app.orders", "level", "DEBUG", "framework", "log4j2")));

        out.put("set_noisy", attempt(loggers, "set_logger", args("name", "app.noisy", "level", "TRACE", "framework", "logback")));
        Calls reload = Calls.of(new ReloadHandlers(),
                Collections.singletonMap("reload.mbeans", JMX_CONFIGURATOR + "#reloadDefaultConfiguration"));
        out.put("reload", attempt(reload, "reload", Collections.emptyMap()));
        out.put("after_reload", attempt(loggers, "loggers", args("name", "app.*", "framework", "logback")));
        LoggerFactory.getLogger("app.noisy").info("info after reload");
        LoggerFactory.getLogger("app.noisy").warn("warn after reload");

        LoggingHost.print(out);
    }
}
