package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static dev.pidbox.jmx.internal.LoggingHost.attempt;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A host application that logs through Log4j 2 (configured by logging/log4j2.xml), run by
 * {@link Log4j2LoggerHandlersTest} in a child JVM. It calls the logger handlers in-process and prints every
 * reply, in order, as one JSON object; its log lines go to the file the test reads.
 */
public final class Log4j2Host {
    private Log4j2Host() {
    }

    public static void main(String[] a) throws Exception {
        Logger orders = LogManager.getLogger("app.orders");
        Logger fresh = LogManager.getLogger("app.fresh");
        Calls loggers = Calls.of(new LoggerHandlers());
        Map<String, Object> out = new LinkedHashMap<>();

        orders.debug("debug before set_logger");
        out.put("all", attempt(loggers, "loggers", args("framework", "log4j2")));
        out.put("configured", attempt(loggers, "loggers", args("framework", "log4j2", "configured", true)));
        out.put("all_app", attempt(loggers, "loggers", args("name", "app.*")));

        out.put("set_debug", attempt(loggers, "set_logger", args("name", "app.orders", "level", "DEBUG", "framework", "log4j2")));
        out.put("after_set_debug", attempt(loggers, "loggers", args("name", "app.orders", "framework", "log4j2")));
        out.put("debug_enabled_after_set", orders.isDebugEnabled());
        orders.debug("debug after set_logger");

        out.put("set_inherit", attempt(loggers, "set_logger", args("name", "app.orders", "level", null, "framework", "log4j2")));
        out.put("after_inherit", attempt(loggers, "loggers", args("name", "app.orders", "framework", "log4j2")));
        out.put("debug_enabled_after_inherit", orders.isDebugEnabled());
        orders.debug("debug after inherit");
        orders.info("info after inherit");

        out.put("set_fresh", attempt(loggers, "set_logger", args("name", "app.fresh", "level", "TRACE", "framework", "log4j2")));
        out.put("trace_enabled_fresh", fresh.isTraceEnabled());
        fresh.trace("trace on a logger without configuration");
        out.put("set_fresh_inherit", attempt(loggers, "set_logger", args("name", "app.fresh", "level", null, "framework", "log4j2")));
        out.put("trace_enabled_fresh_after_inherit", fresh.isTraceEnabled());

        out.put("set_fatal", attempt(loggers, "set_logger", args("name", "app.orders", "level", "FATAL", "framework", "log4j2")));
        orders.error("error with app.orders at FATAL");
        out.put("set_everywhere", attempt(loggers, "set_logger", args("name", "app.both", "level", "WARN")));
        out.put("set_root", attempt(loggers, "set_logger", args("name", "ROOT", "level", "ERROR", "framework", "log4j2")));
        out.put("after_root", attempt(loggers, "loggers", args("framework", "log4j2", "configured", true)));
        LogManager.getLogger("app.other").info("info with root at ERROR");
        out.put("set_root_inherit", attempt(loggers, "set_logger", args("name", "", "level", null, "framework", "log4j2")));

        out.put("unknown_framework", attempt(loggers, "loggers", args("framework", "log5j")));
        out.put("unknown_level", attempt(loggers, "set_logger", args("name", "app.orders", "level", "LOUD", "framework", "log4j2")));
        out.put("absent_framework", attempt(loggers, "set_logger", args("name", "app.orders", "level", "DEBUG", "framework", "logback")));

        LoggingHost.print(out);
    }
}
