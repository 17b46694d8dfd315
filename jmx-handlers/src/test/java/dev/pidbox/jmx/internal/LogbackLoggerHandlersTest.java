package dev.pidbox.jmx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * loggers and set_logger against real Logback, in child JVMs that have Logback on their class path
 * (see {@link LogbackHost} and {@link LogbackJmxHost} for the calls each one makes, in order).
 */
class LogbackLoggerHandlersTest {
    @TempDir
    static Path dir;
    private static LoggingHost.Run host;
    private static LoggingHost.Run jmxHost;

    @BeforeAll
    static void runTheHosts() throws Exception {
        host = LoggingHost.run("logback", "dev.pidbox.jmx.internal.LogbackHost", "logback.configurationFile",
                "/logging/logback.xml", Files.createDirectory(dir.resolve("logback")));
        jmxHost = LoggingHost.run("logback-jmx", "dev.pidbox.jmx.internal.LogbackJmxHost", "logback.configurationFile",
                "/logging/logback-jmx.xml", Files.createDirectory(dir.resolve("logback-jmx")));
    }

    @Test
    void loggersNamesLogbackAndListsItsConfiguredLoggersWithTheirLevels() {
        assertThat((List<Object>) host.map("configured").get("frameworks")).containsExactly("jul", "logback");
        List<Map<String, Object>> rows = host.rows("configured");
        assertThat(rows).extracting(r -> r.get("framework")).containsOnly("logback");
        assertThat(rows).extracting(r -> r.get("name")).containsExactly("ROOT", "app.noisy", "app.orders");
        assertThat(host.row("configured", "logback", "app.orders")).containsEntry("level", "INFO")
                .containsEntry("effective_level", "INFO");
        assertThat(host.row("configured", "logback", "app.noisy")).containsEntry("level", "WARN");
        assertThat(host.rows("all_app")).extracting(r -> r.get("name")).containsExactly("app.noisy", "app.orders");
    }

    @Test
    void setLoggerRaisesALogbackLevelAndTheNextDebugCallIsWritten() {
        assertThat(host.change("set_debug")).containsEntry("framework", "logback").containsEntry("old", "INFO")
                .containsEntry("new", "DEBUG");
        assertThat(host.row("after_set_debug", "logback", "app.orders")).containsEntry("level", "DEBUG")
                .containsEntry("effective_level", "DEBUG");
        assertThat(host.reply).containsEntry("debug_enabled_after_set", true);
        assertThat(host.log).contains("DEBUG app.orders debug after set_logger")
                .doesNotContain("DEBUG app.orders debug before set_logger");
    }

    @Test
    void setLoggerWithLevelNullMakesALogbackLoggerInheritFromRoot() {
        assertThat(host.change("set_inherit")).containsEntry("old", "DEBUG").containsEntry("new", null);
        assertThat(host.row("after_inherit", "logback", "app.orders")).containsEntry("level", null)
                .containsEntry("effective_level", "INFO");
        assertThat(host.reply).containsEntry("debug_enabled_after_inherit", false);
        assertThat(host.log).contains("INFO app.orders info after inherit")
                .doesNotContain("DEBUG app.orders debug after inherit");
    }

    @Test
    void setLoggerMapsJulLevelNamesAndWithoutAFrameworkChangesOnlyTheFrameworkThatHasTheLogger() {
        assertThat(host.change("set_jul_name")).containsEntry("new", "TRACE");
        // No tree has app.both yet: it is made in Logback, the application's framework, not in JUL as well,
        // and the reply says it was created.
        List<Map<String, Object>> changes = Calls.rows(host.map("set_everywhere").get("changes"));
        assertThat(changes).extracting(c -> c.get("context") + "=" + c.get("new")).containsExactly("logback:app=WARN");
        assertThat((String) host.map("set_everywhere").get("note")).contains("created in [logback:app]");
    }

    @Test
    void theLogbackRootLoggerTakesALevelButRefusesToInherit() {
        assertThat(host.change("set_root")).containsEntry("old", "INFO").containsEntry("new", "ERROR");
        assertThat(host.log).doesNotContain("INFO app.other info with root at ERROR");
        assertThat(host.error("set_root_inherit")).isEqualTo("ArgumentException: set_logger() the root logger needs a level");
        assertThat(host.row("after_root_inherit", "logback", "ROOT")).containsEntry("level", "ERROR");
    }

    @Test
    void anUnknownFrameworkOrLevelOrAFrameworkNotInUseIsRefusedClearly() {
        assertThat(host.error("unknown_framework")).startsWith("ArgumentException: unknown logging framework 'log5j'");
        assertThat(host.error("unknown_level")).startsWith("ArgumentException: unknown log level 'LOUD'");
        assertThat(host.error("absent_framework")).startsWith("ArgumentException: set_logger() Log4j 2 is not in use in this JVM"
                + " (logger trees here: [jul:app, logback:app])");
    }

    @Test
    void logback15IgnoresJmxConfiguratorSoReloadReportsTheMissingMBeanAsAFailedStep() {
        Map<String, Object> mbean = mbeanStep(host.map("reload"));
        assertThat(mbean).containsEntry("outcome", "error");
        assertThat((String) mbean.get("error")).startsWith("InstanceNotFoundException(");
        assertThat(host.map("reload")).containsEntry("ok", false);
    }

    @Test
    void reloadRunsLogbacksJmxConfiguratorReloadAndTheConfiguredLevelIsBack() {
        assertThat(jmxHost.reply).containsEntry("registered", true);
        assertThat(jmxHost.change("set_noisy")).containsEntry("old", "WARN").containsEntry("new", "DEBUG");
        Map<String, Object> mbean = mbeanStep(jmxHost.map("reload"));
        assertThat(mbean).containsEntry("target", LogbackJmxHost.RELOAD).containsEntry("outcome", "ok");
        assertThat(jmxHost.map("reload")).containsEntry("ok", true);
        assertThat(jmxHost.row("after_reload", "logback", "app.noisy")).containsEntry("level", "WARN");
        assertThat(jmxHost.log).contains("DEBUG app.noisy debug before reload", "WARN app.noisy warn after reload")
                .doesNotContain("DEBUG app.noisy debug after reload");
    }

    private static Map<String, Object> mbeanStep(Map<String, Object> reload) {
        return Calls.rows(reload.get("steps")).stream().filter(s -> "mbean".equals(s.get("step"))).findFirst()
                .orElseThrow(() -> new AssertionError("no mbean step in " + reload));
    }
}
