package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.ArgumentException;
import dev.pidbox.spi.Threads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadHandlersTest {
    private final Calls calls = Calls.of(new ThreadHandlers());
    private final List<Thread> started = new ArrayList<>();

    @AfterEach
    void stopFixtureThreads() throws InterruptedException {
        for (Thread t : started) {
            t.interrupt();
        }
        for (Thread t : started) {
            t.join(5000);
        }
    }

    private Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        started.add(t);
        t.start();
        return t;
    }

    /** Starts {@code count} sleeping threads named {@code prefix0}, {@code prefix1}, ... and waits until all run. */
    private void sleepers(String prefix, int count) throws InterruptedException {
        CountDownLatch up = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            start(prefix + i, () -> {
                up.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // the test is over
                }
            });
        }
        up.await();
    }

    /** One sleeping thread called {@code name}, running when this returns. */
    private void sleeper(String name) throws InterruptedException {
        CountDownLatch up = new CountDownLatch(1);
        start(name, () -> {
            up.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // the test is over
            }
        });
        up.await();
    }

    @Test
    void deadlockIsReportedWithBothThreads() throws Exception {
        ReentrantLock first = new ReentrantLock();
        ReentrantLock second = new ReentrantLock();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        start("fixture-deadlock-a", () -> lockBoth(first, second, bothHoldOne));
        start("fixture-deadlock-b", () -> lockBoth(second, first, bothHoldOne));
        assertThat(bothHoldOne.await(5, TimeUnit.SECONDS)).isTrue();

        Map<String, Object> reply = null;
        for (int i = 0; i < 100; i++) {
            reply = calls.map("deadlocks");
            if (((Number) reply.get("deadlocked")).intValue() >= 2) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(reply.get("deadlocked")).isEqualTo(2);
        List<Object> cycles = (List<Object>) reply.get("cycles");
        assertThat(cycles).hasSize(1);
        List<Map<String, Object>> cycle = Calls.rows(cycles.get(0));
        assertThat(cycle).extracting(t -> t.get("name"))
                .containsExactlyInAnyOrder("fixture-deadlock-a", "fixture-deadlock-b");
        for (Map<String, Object> t : cycle) {
            assertThat(t.get("state")).isEqualTo("WAITING");
            assertThat((String) t.get("lock")).startsWith(ReentrantLock.class.getName());
            assertThat(t.get("lock_owner_name")).isIn("fixture-deadlock-a", "fixture-deadlock-b").isNotEqualTo(t.get("name"));
            assertThat(Calls.rows(t.get("locked_synchronizers"))).hasSize(1);
        }

        Map<String, Object> summary = calls.map("threads", args("summary", true));
        assertThat((List<Object>) summary.get("deadlocked")).containsExactlyInAnyOrderElementsOf(
                started.stream().map(Thread::getId).collect(Collectors.toList()));
        Map<String, Object> dump = calls.map("threads", args("name", "fixture-deadlock-*", "synchronizers", true));
        for (Map<String, Object> t : Calls.rows(dump.get("threads"))) {
            assertThat(Calls.rows(t.get("locked_synchronizers"))).as("asked for").hasSize(1);
        }
        Map<String, Object> plain = calls.map("threads", args("name", "fixture-deadlock-*"));
        for (Map<String, Object> t : Calls.rows(plain.get("threads"))) {
            assertThat(Calls.rows(t.get("locked_synchronizers"))).as("not asked for: no heap walk").isEmpty();
            assertThat(t.get("lock_owner_name")).as("the owner is known without them").isNotNull();
        }
    }

    private static void lockBoth(ReentrantLock mine, ReentrantLock theirs, CountDownLatch bothHoldOne) {
        try {
            mine.lockInterruptibly();
            try {
                bothHoldOne.countDown();
                bothHoldOne.await();
                theirs.lockInterruptibly();
                theirs.unlock();
            } finally {
                mine.unlock();
            }
        } catch (InterruptedException e) {
            // the test is over
        }
    }

    @Test
    void deadlocksIsEmptyWhenThereIsNone() throws Exception {
        Map<String, Object> reply = calls.map("deadlocks");
        assertThat(reply.get("deadlocked")).isEqualTo(0);
        assertThat((List<?>) reply.get("cycles")).isEmpty();
    }

    @Test
    void threadsFiltersByStateAndNameAndBoundsFrames() throws Exception {
        sleeper("fixture-sleeper-1");
        Thread.sleep(100);
        Map<String, Object> reply = calls.map("threads",
                args("name", "fixture-sleeper-*", "state", "TIMED_WAITING", "max_depth", 3));
        List<Map<String, Object>> threads = Calls.rows(reply.get("threads"));
        assertThat(threads).hasSize(1);
        Map<String, Object> t = threads.get(0);
        assertThat(t.get("name")).isEqualTo("fixture-sleeper-1");
        assertThat(t.get("state")).isEqualTo("TIMED_WAITING");
        assertThat(t.get("daemon")).isEqualTo(true);
        assertThat((List<Object>) t.get("frames")).hasSizeLessThanOrEqualTo(3).first().asString().contains("sleep");
        assertThat(reply.get("matched")).isEqualTo(1);
        assertThat(((Number) reply.get("thread_count")).intValue()).isGreaterThan(1);

        Map<String, Object> none = calls.map("threads", args("name", "fixture-sleeper-*", "state", "RUNNABLE"));
        assertThat((List<?>) none.get("threads")).isEmpty();
    }

    @Test
    void topNamesTheThreadThatBurnedCpu() throws Exception {
        start("fixture-spinner", () -> {
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.print("");
            }
        });
        Map<String, Object> reply = calls.map("threads", args("top", 3, "interval_ms", 400, "max_depth", 0));
        List<Map<String, Object>> threads = Calls.rows(reply.get("threads"));
        assertThat(threads).hasSizeLessThanOrEqualTo(3).extracting(t -> t.get("name")).contains("fixture-spinner");
        Map<String, Object> spinner = threads.stream().filter(t -> t.get("name").equals("fixture-spinner")).findFirst().get();
        assertThat(((Number) spinner.get("cpu_percent")).doubleValue()).isGreaterThan(20.0);
        assertThat(reply.get("interval_ms")).isEqualTo(400);
    }

    @Test
    void pidboxOwnThreadsAreCountedButLeftOutUnlessAskedFor() throws Exception {
        CountDownLatch up = new CountDownLatch(2);
        for (String name : new String[] {"pidbox-fixture-own", "fixture-host"}) {
            start(name, () -> {
                up.countDown();
                long x = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            });
        }
        CountDownLatch renamed = new CountDownLatch(1);
        Thread reader = Threads.start("pidbox-amqp-fixture", () -> {
            // amqp-client renames the connection reader it gets from pidbox's thread factory
            Thread.currentThread().setName("AMQP Connection fixture:5672");
            renamed.countDown();
            LockSupport.park();
        });
        started.add(reader);
        renamed.await();
        up.await();
        for (Map<String, Object> reply : List.of(calls.map("threads", args("max_depth", 0)),
                calls.map("threads", args("top", 50, "interval_ms", 200, "max_depth", 0)))) {
            assertThat(Calls.rows(reply.get("threads"))).extracting(t -> (String) t.get("name"))
                    .contains("fixture-host").noneMatch(n -> n.startsWith("pidbox-"))
                    .doesNotContain("AMQP Connection fixture:5672");
            assertThat(((Number) reply.get("own_threads")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(reply.get("own_included")).isEqualTo(false);
        }
        Map<String, Object> all = calls.map("threads", args("own", true, "max_depth", 0));
        assertThat(Calls.rows(all.get("threads"))).extracting(t -> t.get("name"))
                .contains("pidbox-fixture-own", "AMQP Connection fixture:5672");
        assertThat(all.get("own_included")).isEqualTo(true);
    }

    @Test
    void aSummaryCountsStatesAndListsNoThread() throws Exception {
        sleepers("fixture-summary-", 3);
        Thread.sleep(100);
        Map<String, Object> reply = calls.map("threads", args("summary", true, "name", "fixture-summary-*"));
        assertThat(reply).doesNotContainKeys("threads", "matched");
        assertThat((Map<String, Object>) reply.get("states")).isEqualTo(Map.of("TIMED_WAITING", 3));
        assertThat((List<?>) reply.get("deadlocked")).isEmpty();
        Map<String, Object> whole = calls.map("threads", args("summary", true));
        int counted = ((Map<String, Object>) whole.get("states")).values().stream().mapToInt(v -> (Integer) v).sum();
        assertThat(counted + ((Number) whole.get("own_threads")).intValue())
                .isCloseTo(((Number) whole.get("thread_count")).intValue(), Offset.offset(2));
    }

    @Test
    void aDumpLargerThanOneSliceListsEveryThreadOnce() throws Exception {
        int n = ThreadHandlers.SLICE * 2 + 5;
        sleepers("fixture-many-", n);
        Map<String, Object> reply = calls.map("threads", args("name", "fixture-many-*", "max_depth", 2));
        assertThat(Calls.rows(reply.get("threads"))).extracting(t -> t.get("name")).doesNotHaveDuplicates().hasSize(n);
        assertThat(reply.get("matched")).isEqualTo(n);
    }

    @Test
    void foldListsEachDistinctStackOnceWithEveryMembersName() throws Exception {
        int n = 12;
        sleepers("fixture-fold-", n);
        CountDownLatch up = new CountDownLatch(1);
        Object held = new Object();
        start("fixture-fold-waiter", () -> {
            synchronized (held) {
                up.countDown();
                try {
                    held.wait();
                } catch (InterruptedException e) {
                    // the test is over
                }
            }
        });
        up.await();
        Thread.sleep(100);
        Map<String, Object> reply = calls.map("threads", args("name", "fixture-fold-*", "fold", true));
        List<Map<String, Object>> groups = Calls.rows(reply.get("threads"));
        assertThat(groups).hasSize(2);
        Map<String, Object> sleepers = groups.stream().filter(g -> g.get("count").equals(n)).findFirst().orElseThrow();
        assertThat((List<Object>) sleepers.get("names")).hasSize(n).allMatch(name -> ((String) name)
                .startsWith("fixture-fold-") && !name.equals("fixture-fold-waiter"));
        assertThat((List<Object>) sleepers.get("ids")).hasSize(n).doesNotHaveDuplicates();
        assertThat(reply.get("matched")).isEqualTo(n + 1);
        assertThat(reply).doesNotContainKey("truncated");
    }

    @Test
    void foldKeepsDeadlockedThreadsAndContendedLocksApart() throws Exception {
        // the classic transfer deadlock: the same code, the locks taken in opposite orders, so identical stacks
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        CountDownLatch bothHoldOne = new CountDownLatch(2);
        start("fixture-xfer-in", () -> lockBoth(a, b, bothHoldOne));
        start("fixture-xfer-out", () -> lockBoth(b, a, bothHoldOne));
        // and five threads queued on a lock a sixth holds
        Object contended = new Object();
        CountDownLatch holding = new CountDownLatch(1);
        start("fixture-holder", () -> {
            synchronized (contended) {
                holding.countDown();
                LockSupport.park();
            }
        });
        holding.await();
        for (int i = 0; i < 5; i++) {
            start("fixture-queued-" + i, () -> {
                synchronized (contended) {
                    contended.notifyAll();
                }
            });
        }
        Map<String, Object> reply = null;
        for (int i = 0; i < 100; i++) {
            reply = calls.map("threads", args("name", "fixture-[xhq]*", "fold", true));
            long blocked = Calls.rows(reply.get("threads")).stream().filter(t -> "BLOCKED".equals(t.get("state")))
                    .mapToInt(t -> (Integer) t.get("count")).sum();
            if (blocked == 5 && ((List<?>) reply.get("deadlocked")).size() == 2) {
                break;
            }
            Thread.sleep(50);
        }
        List<Map<String, Object>> groups = Calls.rows(reply.get("threads"));
        Map<Object, Map<String, Object>> byFirstName = new HashMap<>();
        groups.forEach(g -> byFirstName.put(((List<?>) g.get("names")).get(0), g));
        assertThat(byFirstName.get("fixture-xfer-in").get("count")).as("a deadlocked thread stands alone").isEqualTo(1);
        assertThat(byFirstName.get("fixture-xfer-out").get("count")).isEqualTo(1);
        assertThat(byFirstName.get("fixture-holder").get("count")).isEqualTo(1);
        Map<String, Object> queued = groups.stream().filter(g -> ((List<?>) g.get("names")).get(0).toString()
                .startsWith("fixture-queued-")).findFirst().orElseThrow();
        assertThat(queued.get("count")).as("queued on one lock, one owner: one group").isEqualTo(5);
        assertThat(queued.get("lock_owner_name")).isEqualTo("fixture-holder");
    }

    @Test
    void aDumpLargerThanTheReplyCapListsWhatFitsAndSaysSo() throws Exception {
        Calls small = Calls.of(new ThreadHandlers(), Map.of("reply.max_bytes", "4000"));
        int n = 30;
        sleepers("fixture-cap-", n);
        Map<String, Object> reply = small.map("threads", args("name", "fixture-cap-*"));
        int listed = Calls.rows(reply.get("threads")).size();
        assertThat(listed).isBetween(1, n - 1);
        assertThat(reply.get("truncated")).isEqualTo(true);
        assertThat(reply.get("matched")).isEqualTo(n);
        Map<String, Object> cut = Calls.asMap(Calls.asMap(Calls.asMap(reply.get("truncation")).get("lists"))
                .get("threads"));
        assertThat(cut).containsEntry("total", n).containsEntry("kept", listed);

        Map<String, Object> folded = small.map("threads", args("name", "fixture-cap-*", "fold", true));
        assertThat(folded).doesNotContainKey("truncated");
        assertThat(Calls.rows(folded.get("threads"))).singleElement()
                .satisfies(g -> assertThat(g.get("count")).isEqualTo(n));
    }

    @Test
    void anUnknownStateIsRefusedWithTheValidStates() {
        assertThatThrownBy(() -> calls.call("threads", args("state", "SLEEPY")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("unknown thread state 'SLEEPY'")
                .hasMessageContaining("TIMED_WAITING");
    }

    @Test
    void aNegativeDepthOrTopIsRefused() {
        assertThatThrownBy(() -> calls.call("threads", args("max_depth", -1)))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("'max_depth' must be in 0..1024, got -1");
        assertThatThrownBy(() -> calls.call("threads", args("top", 0)))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("'top' must be at least 1");
        assertThatThrownBy(() -> calls.call("threads", args("interval_ms", 1_000_000)))
                .isInstanceOf(ArgumentException.class).hasMessageContaining("interval_ms");
    }
}
