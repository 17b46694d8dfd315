package dev.pidbox.it.realapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.realapps.Shipped.Calls;
import dev.pidbox.it.support.RabbitMQ;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every real application must show with the shipped agent and CLI: the node answers, describes its whole
 * handler set, and its read handlers report the application's own threads, memory, classes and MBeans. Each
 * application's test class starts the application once ({@code @BeforeAll}), attaches, and adds what only that
 * application can prove (its logging framework, its configuration file, its own oracles).
 */
@RabbitMQ.Required
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealAppContract {
    /** The handlers the agent serves in every JVM (describe lists them, and each is exercised somewhere here). */
    static final List<String> BUILT_IN = List.of("ping", "describe", "runtime", "vitals", "threads", "deadlocks", "profile", "memory",
            "histogram", "heap_dump", "sysprops", "env", "flags", "set_flag", "loggers", "set_logger", "reload",
            "mbean.query", "mbean.info", "mbean.get", "mbean.set", "mbean.invoke", "metrics");

    @TempDir
    static Path dir;

    private final String app;
    private final String mainClassFragment;
    private final String ownThreadPrefix;
    private final String ownMBeanPattern;
    private final String ownMBeanAttribute;
    final Shipped shipped;
    /** The node the shipped agent started in the application. */
    String node;

    /**
     * @param app the application's short name (its node is {@code <app>.<pid>@<host>})
     * @param mainClassFragment what the runtime handler's main class or command line must contain
     * @param ownThreadPrefix a thread name prefix only the application itself creates
     * @param ownMBeanPattern an ObjectName pattern of the application's own MBeans
     * @param ownMBeanAttribute an attribute of the first MBean that pattern matches
     */
    RealAppContract(String app, String mainClassFragment, String ownThreadPrefix, String ownMBeanPattern,
            String ownMBeanAttribute) {
        this.app = app;
        this.mainClassFragment = mainClassFragment;
        this.ownThreadPrefix = ownThreadPrefix;
        this.ownMBeanPattern = ownMBeanPattern;
        this.ownMBeanAttribute = ownMBeanAttribute;
        this.shipped = new Shipped(app);
    }

    /** Starts the application in {@code workDir} and returns its pid. */
    abstract long start(Path workDir) throws Exception;

    /** Ends the application (when it started). */
    abstract void stopApplication();

    /** The application's process, as started. */
    long pid;

    @BeforeAll
    final void startAndAttach() throws Exception {
        pid = start(dir.resolve(app));
        node = shipped.attach(pid, app);
    }

    @AfterAll
    final void stop() {
        stopApplication();
    }

    @Test
    void pingAnswersAndDescribeListsTheWholeHandlerSet() throws Exception {
        assertThat(shipped.callMap(node, "ping")).containsEntry("ok", "pong");
        Object described = shipped.call(node, "describe");
        assertThat(described.toString()).contains(BUILT_IN);
    }

    @Test
    void runtimeReportsTheApplicationsMainClassAndJava() throws Exception {
        Map<String, Object> runtime = shipped.callMap(node, "runtime");
        assertThat(String.valueOf(runtime.get("main_class")) + runtime.get("command"))
                .contains(mainClassFragment);
        assertThat(runtime).containsKey("java_version");
    }

    @Test
    void vitalsDescribeTheApplicationsOwnProcessAsTheKernelSeesIt() throws Exception {
        Map<String, Object> vitals = shipped.callMap(node, "vitals");
        assertThat(((Number) vitals.get("pid")).longValue()).isEqualTo(pid);
        // The JVM's live threads are some of the process's threads; /proc counts them all (GC, compiler ...).
        String status = Files.readString(Paths.get("/proc", Long.toString(pid), "status"));
        int kernelThreads = Integer.parseInt(status.replaceAll("(?s).*\\nThreads:\\s*(\\d+).*", "$1"));
        assertThat(((Number) vitals.get("threads")).intValue()).isPositive().isLessThanOrEqualTo(kernelThreads);
        assertThat(((Number) vitals.get("heap_used")).longValue()).isPositive()
                .isLessThanOrEqualTo(((Number) vitals.get("heap_committed")).longValue());
        assertThat(((Number) vitals.get("loaded_classes")).intValue()).isGreaterThan(1000);
        assertThat(((Number) vitals.get("process_cpu_time_ms")).longValue()).isPositive();
        assertThat(vitals.get("java_version")).isEqualTo(shipped.callMap(node, "runtime").get("java_version"));
    }

    @Test
    void threadsListTheApplicationsOwnThreadsByName() throws Exception {
        Map<String, Object> threads = shipped.callMap(node, "threads");
        List<Map<String, Object>> list = Calls.rows(threads.get("threads"));
        assertThat(list).extracting(t -> String.valueOf(t.get("name"))).anyMatch(n -> n.startsWith(ownThreadPrefix));
    }

    @Test
    void profileSamplesTheApplicationsOwnThreadsAndNeverPidboxs() throws Exception {
        Map<String, Object> wall = shipped.callMap(node, "profile", "mode", "wall", "duration_ms", 1000, "name",
                ownThreadPrefix + "*");
        assertThat(wall.get("source")).isEqualTo("threadmxbean");
        List<Map<String, Object>> stacks = Calls.rows(wall.get("stacks"));
        assertThat(stacks).as("wall stacks of %s*", ownThreadPrefix).isNotEmpty().allSatisfy(s -> {
            List<?> frames = (List<?>) s.get("frames");
            assertThat(String.valueOf(frames.get(frames.size() - 1))).matches("\\[[A-Z_]+\\]");
        });
        Map<String, Object> cpu = shipped.callMap(node, "profile", "duration_ms", 1000);
        assertThat(cpu.get("source")).isEqualTo("jfr");
        assertThat(((Number) cpu.get("own_samples")).longValue() + ((Number) wall.get("own_samples")).longValue())
                .as("pidbox's own threads are counted and left out").isPositive();
        assertThat(String.valueOf(cpu.get("stacks")) + wall.get("stacks")).doesNotContain("dev.pidbox.");
    }

    @Test
    void memoryAndHistogramDescribeTheApplicationsHeap() throws Exception {
        Map<String, Object> memory = shipped.callMap(node, "memory");
        assertThat(((Number) Calls.map(memory.get("heap")).get("used")).longValue()).isPositive();
        Map<String, Object> histogram = shipped.callMap(node, "histogram", "top", 20);
        assertThat(histogram.toString()).contains("java.lang.String");
    }

    @Test
    void mbeanQueryAndGetReachTheApplicationsOwnMBeans() throws Exception {
        Map<String, Object> query = shipped.callMap(node, "mbean.query", "pattern", ownMBeanPattern);
        List<?> names = (List<?>) query.get("names");
        assertThat(names).as("MBeans matching %s", ownMBeanPattern).isNotEmpty();
        Map<String, Object> got = shipped.callMap(node, "mbean.get", "name", String.valueOf(names.get(0)),
                "attribute", ownMBeanAttribute);
        assertThat(got.get("value")).as("%s of %s", ownMBeanAttribute, names.get(0)).isNotNull();
    }

    @Test
    void pidboxItselfStaysOutOfTheApplicationsLoggersAndThreads() throws Exception {
        Map<String, Object> loggers = shipped.callMap(node, "loggers");
        assertThat(Calls.rows(loggers.get("loggers"))).isNotEmpty().extracting(r -> String.valueOf(r.get("name")))
                .noneMatch(n -> n.startsWith("dev.pidbox"));
        assertThat(String.valueOf(loggers.get("contexts"))).doesNotContain("dev.pidbox");

        // None of these applications talks AMQP: an "AMQP Connection" thread could only be the agent's.
        Map<String, Object> dump = shipped.callMap(node, "threads", "max_depth", 0);
        assertThat(Calls.rows(dump.get("threads"))).isNotEmpty().extracting(t -> String.valueOf(t.get("name")))
                .noneMatch(n -> n.startsWith("pidbox-") || n.startsWith("AMQP Connection"));
        assertThat(((Number) dump.get("own_threads")).intValue()).isPositive();
        Map<String, Object> top = shipped.callMap(node, "threads", "top", 5, "interval_ms", 200);
        assertThat(Calls.rows(top.get("threads"))).hasSize(5).extracting(t -> String.valueOf(t.get("name")))
                .noneMatch(n -> n.startsWith("pidbox-") || n.startsWith("AMQP Connection"));
        Map<String, Object> summary = shipped.callMap(node, "threads", "summary", true);
        int counted = Calls.map(summary.get("states")).values().stream().mapToInt(v -> ((Number) v).intValue()).sum();
        assertThat(summary).doesNotContainKey("threads");
        assertThat(counted + ((Number) summary.get("own_threads")).intValue())
                .isBetween(((Number) summary.get("thread_count")).intValue() - 5,
                        ((Number) summary.get("thread_count")).intValue() + 5);
    }

    /** The rows of a loggers reply for one logger name. */
    static List<Map<String, Object>> rows(Map<String, Object> loggers, String name) {
        return Calls.rows(loggers.get("loggers")).stream().filter(r -> name.equals(r.get("name"))).toList();
    }

    /** The changes of a set_logger reply as {@code context=new} strings. */
    static List<String> changes(Map<String, Object> setLogger) {
        return Calls.rows(setLogger.get("changes")).stream().map(c -> c.get("context") + "=" + c.get("new")).toList();
    }

    /** The steps of a reload reply of one kind ({@code logback}, {@code log4j2}, {@code jul}, {@code hook}, ...). */
    static List<Map<String, Object>> steps(Map<String, Object> reload, String kind) {
        return Calls.rows(reload.get("steps")).stream().filter(s -> kind.equals(s.get("step"))).toList();
    }
}
