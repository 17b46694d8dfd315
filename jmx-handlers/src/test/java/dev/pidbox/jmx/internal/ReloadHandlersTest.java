package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.spi.JsonValues;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadHandlersTest {
    private static final List<String> KEYS = Arrays.asList("rl.same", "rl.changed", "rl.secret.password", "rl.added",
            "rl.removed");
    private static final String MBEAN = "dev.pidbox.test:type=Sample,name=reload";

    @TempDir
    Path dir;
    private Path file;
    private Calls calls;
    private final Sample sample = new Sample();

    @BeforeEach
    void setUp() throws Exception {
        clearKeys();
        file = dir.resolve("app.properties");
        write("rl.same=1\nrl.changed=old\nrl.secret.password=hunter2\nrl.removed=bye\n");
        Map<String, String> config = new HashMap<>();
        config.put("reload.file", file.toString());
        config.put("reload.mbeans", MBEAN + "#reload");
        ManagementFactory.getPlatformMBeanServer().registerMBean(sample, new ObjectName(MBEAN));
        calls = Calls.of(new ReloadHandlers(), config);
        calls.call("reload");
    }

    @AfterEach
    void tearDown() throws Exception {
        clearKeys();
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(MBEAN));
    }

    private static void clearKeys() {
        for (String k : KEYS) {
            System.clearProperty(k);
        }
    }

    private void write(String text) throws Exception {
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> step(Map<String, Object> reply, String kind) {
        return Calls.rows(reply.get("steps")).stream().filter(s -> kind.equals(s.get("step"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " step in " + reply));
    }

    @Test
    void aPropertiesFileChangedOnDiskIsReportedByExactlyTheChangedKeys() throws Exception {
        assertThat(System.getProperty("rl.changed")).isEqualTo("old");
        write("rl.same=1\nrl.changed=new\nrl.secret.password=hunter3\nrl.added=hello\n");

        Map<String, Object> reply = calls.map("reload");

        Map<String, Object> props = step(reply, "properties");
        assertThat(props.get("outcome")).isEqualTo("ok");
        assertThat((List<Object>) props.get("changed"))
                .containsExactly("rl.added", "rl.changed", "rl.removed", "rl.secret.password");
        assertThat(Calls.asMap(props.get("changes"))).containsEntry("rl.added", "added")
                .containsEntry("rl.changed", "changed").containsEntry("rl.removed", "removed");
        assertThat(System.getProperty("rl.changed")).isEqualTo("new");
        assertThat(System.getProperty("rl.added")).isEqualTo("hello");
        assertThat(System.getProperty("rl.secret.password")).isEqualTo("hunter3");
        assertThat(System.getProperty("rl.removed")).isNull();
        assertThat(JsonValues.encodeToString(reply)).doesNotContain("hunter").doesNotContain("hello").doesNotContain("\"new\"");
        assertThat(reply.get("ok")).isEqualTo(true);
    }

    @Test
    void dryRunReportsTheChangesAndChangesNothing() throws Exception {
        write("rl.same=1\nrl.changed=new\nrl.secret.password=hunter2\nrl.removed=bye\n");
        int hookRuns = CountingReloadHook.RUNS.get();
        int mbeanReloads = sample.reloadCount();

        Map<String, Object> reply = calls.map("reload", args("dry_run", true));

        Map<String, Object> props = step(reply, "properties");
        assertThat(props.get("outcome")).isEqualTo("would_change");
        assertThat((List<Object>) props.get("changed")).containsExactly("rl.changed");
        assertThat(System.getProperty("rl.changed")).isEqualTo("old");
        assertThat(step(reply, "hook").get("outcome")).isEqualTo("would_run");
        assertThat(step(reply, "mbean").get("outcome")).isEqualTo("would_invoke");
        assertThat(CountingReloadHook.RUNS.get()).isEqualTo(hookRuns);
        assertThat(sample.reloadCount()).isEqualTo(mbeanReloads);
        assertThat(reply.get("dry_run")).isEqualTo(true);

        Map<String, Object> again = calls.map("reload");
        assertThat((List<Object>) step(again, "properties").get("changed")).containsExactly("rl.changed");
    }

    @Test
    void anUnchangedFileReportsNoChangedKeys() throws Exception {
        Map<String, Object> reply = calls.map("reload");
        assertThat((List<Object>) step(reply, "properties").get("changed")).isEmpty();
    }

    @Test
    void aReloadHookRegisteredThroughMetaInfServicesRuns() throws Exception {
        int before = CountingReloadHook.RUNS.get();
        Map<String, Object> reply = calls.map("reload");
        Map<String, Object> hook = step(reply, "hook");
        assertThat(hook.get("name")).isEqualTo("counting-hook");
        assertThat(hook.get("outcome")).isEqualTo("ok");
        assertThat(Calls.asMap(hook.get("result"))).containsEntry("runs", before + 1);
        assertThat(CountingReloadHook.RUNS.get()).isEqualTo(before + 1);
    }

    @Test
    void aConfiguredMBeanReloadOperationIsInvoked() throws Exception {
        int before = sample.reloadCount();
        Map<String, Object> reply = calls.map("reload");
        Map<String, Object> mbean = step(reply, "mbean");
        assertThat(mbean).containsEntry("target", MBEAN + "#reload").containsEntry("outcome", "ok");
        assertThat(sample.reloadCount()).isEqualTo(before + 1);
    }

    @Test
    void aMissingFileIsAFailedStepAndTheOtherStepsStillRun() throws Exception {
        Files.delete(file);
        int before = CountingReloadHook.RUNS.get();
        Map<String, Object> reply = calls.map("reload");
        assertThat(step(reply, "properties").get("outcome")).isEqualTo("error");
        assertThat((String) step(reply, "properties").get("error")).startsWith("NoSuchFileException(");
        assertThat(CountingReloadHook.RUNS.get()).isEqualTo(before + 1);
        assertThat(reply.get("ok")).isEqualTo(false);
    }
}
