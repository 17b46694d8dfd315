package dev.pidbox.jmx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.spi.JsonValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reload's java.util.logging step in a child JVM configured by {@code java.util.logging.config.file}: the edited
 * file's levels apply (its FileHandler is the oracle), a dry run changes nothing, a malformed file is refused and the
 * running configuration stays.
 */
class JulReloadTest {
    @TempDir
    static Path dir;
    private static Map<String, Object> reply;
    private static String log;

    @BeforeAll
    static void runTheHost() throws Exception {
        Path logFile = dir.resolve("jul.log");
        Path config = dir.resolve("logging.properties");
        Files.write(config, ("handlers = java.util.logging.FileHandler\n"
                + "java.util.logging.FileHandler.pattern = " + logFile + "\n"
                + "java.util.logging.FileHandler.level = ALL\n"
                + "java.util.logging.FileHandler.formatter = java.util.logging.SimpleFormatter\n"
                + "java.util.logging.SimpleFormatter.format = %4$s %3$s %5$s%n\n"
                + ".level = INFO\n").getBytes(StandardCharsets.ISO_8859_1));
        Path stdout = dir.resolve("stdout.txt");
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.config.file=" + config, "-cp", System.getProperty("java.class.path"),
                JulReloadHost.class.getName()).redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8);
        int at = out.lastIndexOf(LoggingHost.REPLY);
        assertThat(at).as(out).isNotNegative();
        reply = Calls.asMap(JsonValues.decode(out.substring(at + LoggingHost.REPLY.length()).trim()));
        log = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> julStep(String key) {
        List<Map<String, Object>> steps = Calls.rows(Calls.asMap(reply.get(key)).get("steps"));
        return steps.stream().filter(s -> "jul".equals(s.get("step"))).findFirst()
                .orElseThrow(() -> new AssertionError("no jul step in " + reply.get(key)));
    }

    @Test
    void aDryRunReportsWouldReloadAndChangesNoLevel() {
        assertThat(julStep("dry_run")).containsEntry("outcome", "would_reload");
        assertThat(log).doesNotContain("fine after the dry run").doesNotContain("fine before the edit");
    }

    @Test
    void reloadAppliesTheEditedFileAndTheFineLineIsWritten() {
        assertThat(julStep("reload")).containsEntry("outcome", "ok");
        assertThat(Calls.asMap(reply.get("reload"))).containsEntry("ok", true);
        assertThat(log).contains("FINE app.jul fine after the reload");
    }

    @Test
    void aMalformedFileIsRefusedAndTheRunningConfigurationStays() {
        assertThat(julStep("malformed")).containsEntry("outcome", "error");
        assertThat((String) julStep("malformed").get("error")).startsWith("malformed configuration, not applied");
        assertThat(Calls.asMap(reply.get("malformed"))).containsEntry("ok", false);
        assertThat(reply).containsEntry("level_after_malformed", "FINE");
        assertThat(log).contains("FINE app.jul fine after the malformed file");
    }
}
