package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static dev.pidbox.jmx.internal.LoggingHost.attempt;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host on Logback 1.2 whose logback-jmx.xml has {@code <jmxConfigurator/>}, run by
 * {@link LogbackLoggerHandlersTest}: raises a logger's level through set_logger, then runs {@code reload} with
 * {@code reload.mbeans} set to Logback's JMXConfigurator reloadDefaultConfiguration.
 */
public final class LogbackJmxHost {
    static final String JMX_CONFIGURATOR = "ch.qos.logback.classic:Name=default,Type=ch.qos.logback.classic.jmx.JMXConfigurator";
    static final String RELOAD = JMX_CONFIGURATOR + "#reloadDefaultConfiguration";

    private LogbackJmxHost() {
    }

    public static void main(String[] a) throws Exception {
        Logger noisy = LoggerFactory.getLogger("app.noisy");
        Calls loggers = Calls.of(new LoggerHandlers());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("registered", ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(JMX_CONFIGURATOR)));
        out.put("set_noisy", attempt(loggers, "set_logger", args("name", "app.noisy", "level", "DEBUG", "framework", "logback")));
        noisy.debug("debug before reload");
        Calls reload = Calls.of(new ReloadHandlers(), Collections.singletonMap("reload.mbeans", RELOAD));
        out.put("reload", attempt(reload, "reload", Collections.emptyMap()));
        out.put("after_reload", attempt(loggers, "loggers", args("name", "app.noisy", "framework", "logback")));
        noisy.debug("debug after reload");
        noisy.warn("warn after reload");
        LoggingHost.print(out);
    }
}
