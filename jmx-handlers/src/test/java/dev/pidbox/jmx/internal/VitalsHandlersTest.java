package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.ArgumentException;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Tier;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VitalsHandlersTest {
    private final Calls calls = Calls.of(new VitalsHandlers());

    private static long number(Map<String, Object> reply, String key) {
        assertThat(reply.get(key)).as(key).isInstanceOf(Number.class);
        return ((Number) reply.get(key)).longValue();
    }

    @Test
    void vitalsIsAReadHandlerThatTakesNoArguments() {
        HandlerDefinition d = calls.definition("vitals");
        assertThat(d.tier()).isEqualTo(Tier.READ);
        assertThat(d.arguments()).isEmpty();
        assertThatThrownBy(() -> calls.call("vitals", args("top", 5)))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("'top'");
    }

    @Test
    void vitalsHasEveryFieldOfTheFlatReplyAndNothingElse() throws Exception {
        Map<String, Object> reply = calls.map("vitals");
        assertThat(reply).containsOnlyKeys("heap_used", "heap_committed", "heap_max", "non_heap_used", "threads",
                "daemon_threads", "peak_threads", "loaded_classes", "process_cpu_load", "process_cpu_time_ms",
                "available_processors", "system_load_average", "gc_count", "gc_time_ms", "uptime_ms", "java_version",
                "pid", "tags");
        assertThat(reply.get("tags")).isInstanceOf(Map.class);
    }

    @Test
    void vitalsReportsThisJvmsHeapThreadsAndClasses() throws Exception {
        Map<String, Object> reply = calls.map("vitals");
        assertThat(number(reply, "heap_used")).isPositive().isLessThanOrEqualTo(number(reply, "heap_committed"));
        assertThat(number(reply, "heap_max")).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(number(reply, "non_heap_used")).isPositive();
        assertThat(number(reply, "threads")).isGreaterThanOrEqualTo(number(reply, "daemon_threads")).isPositive();
        assertThat(number(reply, "peak_threads")).isGreaterThanOrEqualTo(number(reply, "threads"));
        assertThat(number(reply, "loaded_classes")).isGreaterThan(1000);
        assertThat(number(reply, "available_processors")).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(number(reply, "pid")).isEqualTo(ProcessHandle.current().pid());
        assertThat(reply.get("java_version")).isEqualTo(System.getProperty("java.version"));
    }

    @Test
    void cpuTimeAndUptimeAreCumulativeSoTwoAnswersGiveTheIntervalsRate() throws Exception {
        Map<String, Object> first = calls.map("vitals");
        long threadCpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long spin = System.nanoTime() + 200_000_000L;
        long sink = 0;
        while (System.nanoTime() < spin) {
            sink += System.nanoTime() % 7;
        }
        long spunMillis = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadCpuBefore) / 1_000_000;
        Map<String, Object> second = calls.map("vitals");
        assertThat(sink).isNotNegative();
        long cpu = number(second, "process_cpu_time_ms") - number(first, "process_cpu_time_ms");
        long wall = number(second, "uptime_ms") - number(first, "uptime_ms");
        assertThat(wall).isGreaterThanOrEqualTo(200);
        assertThat(spunMillis).isPositive();
        assertThat(cpu).as("the process's CPU time includes what this thread spun between the answers")
                .isGreaterThanOrEqualTo(spunMillis - 2);
        assertThat((Double) second.get("process_cpu_load")).isBetween(0.0, 1.0);
    }

    @Test
    void gcCountAndTimeAreSummedOverEveryCollectorAndGrowAfterAGc() throws Exception {
        Map<String, Object> before = calls.map("vitals");
        System.gc();
        Map<String, Object> after = calls.map("vitals");
        long expectedCount = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            expectedCount += Math.max(0, gc.getCollectionCount());
        }
        assertThat(number(after, "gc_count")).isGreaterThan(number(before, "gc_count"))
                .isLessThanOrEqualTo(expectedCount);
        assertThat(number(after, "gc_time_ms")).isGreaterThanOrEqualTo(number(before, "gc_time_ms"));
    }
}
