package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.ArgumentException;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class FlagAndLoggerHandlersTest {
    private final Calls flags = Calls.of(new FlagHandlers());
    private final Calls loggers = Calls.of(new LoggerHandlers());
    private static final Logger KEEP = Logger.getLogger("com.example.pidboxtest.logger");

    @Test
    void flagsListsManageableFlagsWithValueAndOrigin() throws Exception {
        Map<String, Object> reply = flags.map("flags", args("name", "HeapDumpOnOutOfMemoryError"));
        List<Map<String, Object>> rows = Calls.rows(reply.get("flags"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("name", "HeapDumpOnOutOfMemoryError").containsEntry("writeable", true)
                .containsKeys("value", "origin");
    }

    @Test
    void flagsWithAllListsFlagsThatAreNotManageable() throws Exception {
        List<Map<String, Object>> rows = Calls.rows(flags.map("flags", args("all", true, "name", "MaxHeapSize")).get("flags"));
        assertThat(rows).extracting(r -> r.get("name")).containsExactly("MaxHeapSize");
        assertThat(rows.get(0).get("writeable")).isEqualTo(false);
    }

    @Test
    void setFlagChangesAManageableFlagAndRepliesOldAndNew() throws Exception {
        Map<String, Object> reply = flags.map("set_flag", args("name", "PrintConcurrentLocks", "value", true));
        try {
            assertThat(reply).containsEntry("old", "false").containsEntry("new", "true").containsEntry("origin", "MANAGEMENT");
        } finally {
            flags.call("set_flag", args("name", "PrintConcurrentLocks", "value", "false"));
        }
    }

    @Test
    void setFlagRefusesUnknownAndUnmanageableFlags() {
        assertThatThrownBy(() -> flags.call("set_flag", args("name", "NoSuchFlagAtAll", "value", "1")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("unknown VM flag 'NoSuchFlagAtAll'");
        assertThatThrownBy(() -> flags.call("set_flag", args("name", "MaxHeapSize", "value", "1")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("is not manageable")
                .hasMessageContaining("HeapDumpOnOutOfMemoryError");
        assertThatThrownBy(() -> flags.call("set_flag", args("name", "PrintConcurrentLocks")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("missing required argument 'value'");
    }

    @Test
    void setLoggerChangesAJulLevelAndLoggersShowsIt() throws Exception {
        KEEP.setLevel(null);
        Map<String, Object> reply = loggers.map("set_logger", args("name", "com.example.pidboxtest.logger", "level", "DEBUG",
                "framework", "jul"));
        assertThat(Calls.rows(reply.get("changes")).get(0)).containsEntry("framework", "jul").containsEntry("old", null)
                .containsEntry("new", "FINE");
        assertThat(KEEP.getLevel()).isEqualTo(Level.FINE);

        List<Map<String, Object>> rows = Calls.rows(loggers.map("loggers", args("name", "com.example.pidboxtest.*")).get("loggers"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("name", "com.example.pidboxtest.logger").containsEntry("level", "FINE")
                .containsEntry("effective_level", "FINE");

        loggers.call("set_logger", args("name", "com.example.pidboxtest.logger", "framework", "jul"));
        assertThat(KEEP.getLevel()).isNull();
    }

    @Test
    void anUnknownLevelOrFrameworkIsRefused() {
        assertThatThrownBy(() -> loggers.call("set_logger", args("name", "x", "level", "LOUD")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("unknown log level 'LOUD'");
        assertThatThrownBy(() -> loggers.call("loggers", args("framework", "log5j")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("unknown logging framework 'log5j'");
    }
}
