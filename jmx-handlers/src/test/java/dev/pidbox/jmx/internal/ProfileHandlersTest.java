package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.ArgumentException;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProfileHandlersTest {
    private final Calls calls = Calls.of(new ProfileHandlers(), Collections.singletonMap("profile.max_ms", "5000"));
    private final List<Thread> started = new ArrayList<>();
    private volatile boolean stop;
    static volatile long sink;

    @AfterEach
    void stopFixtureThreads() throws InterruptedException {
        stop = true;
        for (Thread t : started) {
            t.interrupt();
            t.join(5000);
        }
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        started.add(t);
        t.start();
    }

    static void sleepInAKnownPlace() {
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException e) {
            // over
        }
    }

    void spinInAKnownPlace() {
        while (!stop) {
            long x = 0;
            for (int i = 0; i < 100_000; i++) {
                x += i * 31L ^ x;
            }
            sink += x;
        }
    }

    void allocateInAKnownPlace() {
        while (!stop) {
            sink += new long[64].length;
        }
    }

    private static List<String> widest(Map<String, Object> reply) {
        @SuppressWarnings("unchecked")
        List<String> frames = (List<String>) Calls.rows(reply.get("stacks")).get(0).get("frames");
        return frames;
    }

    @Test
    void wallShowsTheSleepingMethodWithItsThreadState() throws Exception {
        start("sleeper-1", ProfileHandlersTest::sleepInAKnownPlace);
        Map<String, Object> reply = calls.map("profile", args("mode", "wall", "duration_ms", 300, "name", "sleeper-*"));
        assertThat(reply.get("source")).isEqualTo("threadmxbean");
        List<String> frames = widest(reply);
        assertThat(frames).contains(ProfileHandlersTest.class.getName() + ".sleepInAKnownPlace");
        assertThat(frames.get(frames.size() - 1)).isEqualTo("[TIMED_WAITING]");
    }

    @Test
    void cpuWithJfrFindsTheSpinningMethod() throws Exception {
        start("spinner-1", this::spinInAKnownPlace);
        Map<String, Object> reply = calls.map("profile", args("mode", "cpu", "duration_ms", 1000, "name", "spinner-*"));
        assertThat(reply.get("source")).isEqualTo("jfr");
        assertThat(reply.get("events")).isEqualTo(Collections.singletonList("jdk.ExecutionSample"));
        assertThat((Long) reply.get("samples")).isPositive();
        assertThat(widest(reply)).contains(ProfileHandlersTest.class.getName() + ".spinInAKnownPlace");
        assertThat(FlightRecorder.getFlightRecorder().getRecordings()).isEmpty();
    }

    @Test
    void cpuWithoutJfrFallsBackToThreadSamplingAndSaysSo() throws Exception {
        start("spinner-2", this::spinInAKnownPlace);
        Map<String, Object> reply = calls.map("profile", args("duration_ms", 500, "name", "spinner-*", "jfr", false));
        assertThat(reply.get("source")).isEqualTo("threadmxbean");
        assertThat((String) reply.get("fallback")).contains("jfr=false").contains("ThreadMXBean");
        assertThat(widest(reply)).contains(ProfileHandlersTest.class.getName() + ".spinInAKnownPlace")
                .doesNotContain("[RUNNABLE]");
    }

    @Test
    void allocNamesTheAllocatingMethodAndTheClassInBytes() throws Exception {
        start("allocator-1", this::allocateInAKnownPlace);
        Map<String, Object> reply = calls.map("profile", args("mode", "alloc", "duration_ms", 1000, "name", "allocator-*"));
        assertThat(reply.get("unit")).isEqualTo("bytes");
        List<String> frames = widest(reply);
        assertThat(frames).contains(ProfileHandlersTest.class.getName() + ".allocateInAKnownPlace");
        assertThat(frames.get(frames.size() - 1)).isEqualTo("new long[]");
    }

    @Test
    void aRecordingOfTheHostsOwnIsLeftRunningAndItsEventsAreNotCounted() throws Exception {
        start("spinner-3", this::spinInAKnownPlace);
        start("short-sleeper", () -> {
            while (!stop) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (Recording host = new Recording()) {
            host.enable("jdk.ThreadSleep").withThreshold(Duration.ZERO).withStackTrace();
            host.start();
            Map<String, Object> reply = calls.map("profile", args("duration_ms", 1500, "name", "*"));
            assertThat((Long) reply.get("samples")).as("%s", reply).isPositive();
            assertThat(host.getState()).isEqualTo(RecordingState.RUNNING);
            assertThat(Calls.rows(reply.get("stacks"))).extracting(r -> String.valueOf(r.get("frames")))
                    .noneMatch(f -> f.contains("sleep"));
            assertThat(widest(reply)).contains(ProfileHandlersTest.class.getName() + ".spinInAKnownPlace");
        }
    }

    @Test
    void aSecondProfileWhileOneRunsIsRefusedNamingTheFirst() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<Object> first = new AtomicReference<>();
        start("first-profile", () -> {
            try {
                running.countDown();
                first.set(calls.call("profile", args("mode", "wall", "duration_ms", 1500)));
            } catch (Exception e) {
                first.set(e);
            }
        });
        running.await();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!Profiler.running() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThatThrownBy(() -> calls.call("profile", args("mode", "cpu", "duration_ms", 200)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a profile is already running in this JVM (wall for 1500 ms");
        started.get(0).join(5000);
        assertThat(first.get()).isInstanceOf(Map.class);
    }

    @Test
    void aDurationOverTheMaximumIsRefused() {
        assertThatThrownBy(() -> calls.call("profile", args("duration_ms", 5001)))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("profile() argument 'duration_ms' must be in 100..5000 (the node's maximum, agent option"
                        + " profile-max-ms), got 5001");
        assertThatThrownBy(() -> calls.call("profile", args("mode", "heap")))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("cpu, wall or alloc");
    }

    @Test
    void aClientsSmallerReplyBudgetIsKeptATinyOneRefusedAndALargerOneLoweredToTheCap() throws Exception {
        CountDownLatch parked = new CountDownLatch(60);
        for (int i = 0; i < 60; i++) {
            int depth = 20 + i;
            start("budget-" + i, () -> descend(depth, parked));
        }
        parked.await();
        Map<?, ?> reply = (Map<?, ?>) calls.call("profile", args("mode", "wall", "duration_ms", 200, "name", "budget-*",
                "max_bytes", 16384));
        assertThat(reply.get("truncated")).isEqualTo(true);
        assertThat(JsonValues.encode(reply).length).isLessThanOrEqualTo(16384);
        assertThat((List<?>) reply.get("stacks")).isNotEmpty();
        assertThatThrownBy(() -> calls.call("profile", args("max_bytes", 1000)))
                .isInstanceOf(ArgumentException.class)
                .hasMessage("profile() argument 'max_bytes' must be at least 16384, got 1000");
        Map<?, ?> capped = (Map<?, ?>) calls.call("profile", args("mode", "wall", "duration_ms", 200, "name",
                "budget-*", "max_bytes", Long.MAX_VALUE));
        assertThat(JsonValues.encode(capped).length).as("more than the node's cap is lowered to it")
                .isLessThanOrEqualTo(ReplyCap.DEFAULT_MAX_BYTES);
    }

    private void descend(int depth, CountDownLatch parked) {
        if (depth > 0) {
            descend(depth - 1, parked);
            return;
        }
        parked.countDown();
        while (!stop) {
            LockSupport.parkNanos(10_000_000L);
        }
    }

    @Test
    void anInterruptedProfileLeavesNoRecordingAndNoFile() throws Exception {
        ProfileRequest request = new ProfileRequest();
        request.durationMs = 5000;
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Profiler.run(request);
            } catch (Throwable e) {
                ended.set(e);
            }
        }, "interrupted-profile");
        t.start();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (FlightRecorder.getFlightRecorder().getRecordings().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(FlightRecorder.getFlightRecorder().getRecordings()).hasSize(1);
        t.interrupt();
        t.join(2000);
        assertThat(t.isAlive()).isFalse();
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
        assertThat(FlightRecorder.getFlightRecorder().getRecordings()).isEmpty();
        assertThat(Profiler.running()).isFalse();
        assertThat(profileFiles()).isEmpty();
    }

    private static List<Path> profileFiles() throws IOException {
        try (Stream<Path> s = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
            List<Path> out = new ArrayList<>();
            s.filter(p -> p.getFileName().toString().startsWith(JfrSampler.FILE_PREFIX)).forEach(out::add);
            return out;
        }
    }
}
