package dev.pidbox.jmx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * loggers and set_logger against real Log4j 2, in a child JVM that has Log4j 2 on its class path
 * (see {@link Log4j2Host} for the calls it makes, in order).
 */
class Log4j2LoggerHandlersTest {
    @TempDir
    static Path dir;
    private static LoggingHost.Run host;

    @BeforeAll
    static void runTheHost() throws Exception {
        host = LoggingHost.run("log4j2", "dev.pidbox.jmx.internal.Log4j2Host", "log4j2.configurationFile",
                "/logging/log4j2.xml", dir);
    }

    @Test
    void loggersNamesLog4j2AndListsItsConfiguredLoggersWithTheirLevels() {
        assertThat((List<Object>) host.map("configured").get("frameworks")).containsExactly("jul", "log4j2");
        List<Map<String, Object>> rows = host.rows("configured");
        assertThat(rows).extracting(r -> r.get("framework")).containsOnly("log4j2");
        assertThat(rows).extracting(r -> r.get("name")).containsExactly("ROOT", "app.noisy", "app.orders");
        assertThat(host.row("configured", "log4j2", "ROOT")).containsEntry("level", "INFO");
        assertThat(host.row("configured", "log4j2", "app.orders")).containsEntry("level", "INFO")
                .containsEntry("effective_level", "INFO");
        assertThat(host.row("configured", "log4j2", "app.noisy")).containsEntry("level", "WARN");
    }

    @Test
    void loggersAlsoListsLoggersTheApplicationCreatedWithoutConfigurationAsInheriting() {
        assertThat(host.row("all", "log4j2", "app.fresh")).containsEntry("level", null)
                .containsEntry("effective_level", "INFO");
        assertThat(host.rows("all_app")).extracting(r -> r.get("name")).containsExactly("app.fresh", "app.noisy", "app.orders");
    }

    @Test
    void setLoggerRaisesALog4j2LevelAndTheNextDebugCallIsWritten() {
        assertThat(host.change("set_debug")).containsEntry("framework", "log4j2").containsEntry("old", "INFO")
                .containsEntry("new", "DEBUG");
        assertThat(host.row("after_set_debug", "log4j2", "app.orders")).containsEntry("level", "DEBUG")
                .containsEntry("effective_level", "DEBUG");
        assertThat(host.reply).containsEntry("debug_enabled_after_set", true);
        assertThat(host.log).contains("DEBUG app.orders debug after set_logger")
                .doesNotContain("DEBUG app.orders debug before set_logger");
    }

    @Test
    void setLoggerWithLevelNullMakesALog4j2LoggerInheritFromRoot() {
        assertThat(host.change("set_inherit")).containsEntry("old", "DEBUG").containsEntry("new", null);
        assertThat(host.row("after_inherit", "log4j2", "app.orders")).containsEntry("level", null)
                .containsEntry("effective_level", "INFO");
        assertThat(host.reply).containsEntry("debug_enabled_after_inherit", false);
        assertThat(host.log).contains("INFO app.orders info after inherit")
                .doesNotContain("DEBUG app.orders debug after inherit");
    }

    @Test
    void setLoggerOnALoggerWithoutConfigurationGivesItALevelAndNullTakesItBack() {
        assertThat(host.change("set_fresh")).containsEntry("old", null).containsEntry("new", "TRACE");
        assertThat(host.reply).containsEntry("trace_enabled_fresh", true)
                .containsEntry("trace_enabled_fresh_after_inherit", false);
        assertThat(host.log).contains("TRACE app.fresh trace on a logger without configuration");
        assertThat(host.change("set_fresh_inherit")).containsEntry("old", "TRACE").containsEntry("new", null);
    }

    @Test
    void setLoggerTakesLog4j2sFatalAndWithoutAFrameworkChangesOnlyTheApplicationsFramework() {
        assertThat(host.change("set_fatal")).containsEntry("new", "FATAL");
        assertThat(host.log).doesNotContain("ERROR app.orders error with app.orders at FATAL");
        // No tree has app.both yet: it is made in Log4j 2 only, never left behind in JUL.
        List<Map<String, Object>> changes = Calls.rows(host.map("set_everywhere").get("changes"));
        assertThat(changes).extracting(c -> c.get("framework") + "=" + c.get("new")).containsExactly("log4j2=WARN");
    }

    @Test
    void theLog4j2RootLoggerTakesALevelButRefusesToInherit() {
        assertThat(host.change("set_root")).containsEntry("old", "INFO").containsEntry("new", "ERROR");
        assertThat(host.row("after_root", "log4j2", "ROOT")).containsEntry("level", "ERROR");
        assertThat(host.log).doesNotContain("INFO app.other info with root at ERROR");
        assertThat(host.error("set_root_inherit")).isEqualTo("ArgumentException: set_logger() the root logger needs a level");
    }

    @Test
    void anUnknownFrameworkOrLevelOrAFrameworkNotInUseIsRefusedClearly() {
        assertThat(host.error("unknown_framework")).startsWith("ArgumentException: unknown logging framework 'log5j'");
        assertThat(host.error("unknown_level")).startsWith("ArgumentException: unknown log level 'LOUD'");
        assertThat(host.error("absent_framework")).startsWith("ArgumentException: set_logger() Logback is not in use in this JVM");
    }
}
