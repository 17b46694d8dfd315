package dev.pidbox.jmx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The agent's own loggers never appear among the host's. */
class OwnLoggersTest {
    private static Object[] row(String name, String level) {
        return new Object[] {name, level, "INFO"};
    }

    private static List<String> names(List<Object[]> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add((String) r[0]));
        return out;
    }

    @Test
    void pidboxLoggersAndTheParentsJuliMadeForThemAreLeftOut() {
        // what Tomcat's JULI listed in a real Tomcat with the agent attached
        List<Object[]> rows = List.of(row("", "INFO"), row("dev", null), row("dev.pidbox", null),
                row("dev.pidbox.shaded", null), row("dev.pidbox.shaded.io.micrometer.core.util.internal.logging", null),
                row("global", null), row("org.apache.catalina", null), row("pidbox", null), row("pidbox.audit", null));

        assertThat(names(LoggerHandlers.withoutAgents(rows))).containsExactly("", "global", "org.apache.catalina");
    }

    @Test
    void aHostsOwnDevLoggersStay() {
        List<Object[]> rows = List.of(row("dev", null), row("dev.pidbox", null), row("dev.shop", "DEBUG"),
                row("pidboxer", null));

        assertThat(names(LoggerHandlers.withoutAgents(rows))).containsExactly("dev", "dev.shop", "pidboxer");
        assertThat(names(LoggerHandlers.withoutAgents(List.of(row("dev", "WARN"), row("dev.pidbox", null)))))
                .as("a level of its own is the host's doing").containsExactly("dev");
    }

    @Test
    void theLoggersHandlerListsNoPidboxLogger() throws Exception {
        Logger audit = Logger.getLogger("pidbox.audit");
        Logger relocated = Logger.getLogger("dev.pidbox.shaded.io.micrometer.test");
        Logger host = Logger.getLogger("com.example.host");
        Map<String, Object> reply = Calls.of(new LoggerHandlers()).map("loggers", Calls.args("framework", "jul"));
        assertThat(Calls.rows(reply.get("loggers"))).extracting(r -> (String) r.get("name"))
                .contains("com.example.host")
                .noneMatch(n -> n.startsWith("dev.pidbox") || n.startsWith("pidbox"));
        assertThat(List.of(audit, relocated, host)).hasSize(3);
    }
}
