package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code clock} header's Lamport clock, with kombu's {@code forward} / {@code adjust} semantics (PROTOCOL.md 6). */
class LamportClockTest {

    @Test
    void aNewClockStartsAtZero() {
        assertThat(new LamportClock().value()).isZero();
    }

    @Test
    void forwardAddsOneAndReturnsTheNewValue() {
        LamportClock clock = new LamportClock(41);

        assertThat(clock.forward()).isEqualTo(42);
        assertThat(clock.value()).isEqualTo(42);
    }

    @Test
    void adjustToALargerValueTakesThatValuePlusOne() {
        LamportClock clock = new LamportClock(3);

        assertThat(clock.adjust(10)).isEqualTo(11);
        assertThat(clock.value()).isEqualTo(11);
    }

    @Test
    void adjustToASmallerValueKeepsOwnValuePlusOne() {
        LamportClock clock = new LamportClock(10);

        assertThat(clock.adjust(3)).isEqualTo(11);
    }

    @Test
    void adjustToAnEqualValueAddsOne() {
        LamportClock clock = new LamportClock(7);

        assertThat(clock.adjust(7)).isEqualTo(8);
    }

    @Test
    void aMissingClockHeaderCountsAsZero() {
        LamportClock clock = new LamportClock();

        assertThat(clock.adjust(0)).isEqualTo(1);
    }

    @Test
    void theProtocolTraceIsReproduced() {
        // PROTOCOL.md 6 [verified]: the client sends clock 1, the node adjusts to 2 and replies with 3.
        LamportClock client = new LamportClock();
        LamportClock node = new LamportClock();

        long sent = client.forward();
        long afterReceive = node.adjust(sent);
        long replied = node.forward();

        assertThat(sent).isEqualTo(1);
        assertThat(afterReceive).isEqualTo(2);
        assertThat(replied).isEqualTo(3);
        assertThat(client.adjust(replied)).isEqualTo(4);
    }

    @Test
    void theMaximumStaysBelowTwoToTheThirtyOne() {
        assertThat(LamportClock.MAX).isLessThan(1L << 31);
        assertThat((long) (int) LamportClock.MAX).isEqualTo(LamportClock.MAX);
    }

    @Test
    void aHugePeerValueIsClampedBelowTwoToTheThirtyOne() {
        LamportClock clock = new LamportClock();

        long v = clock.adjust(Long.MAX_VALUE);

        assertThat(v).isEqualTo(LamportClock.MAX).isLessThan(1L << 31);
    }

    @Test
    void aPeerValueJustAboveTheIntRangeIsClamped() {
        LamportClock clock = new LamportClock();

        assertThat(clock.adjust(1L << 31)).isEqualTo(LamportClock.MAX);
    }

    @Test
    void forwardAtTheMaximumStaysAtTheMaximum() {
        LamportClock clock = new LamportClock(LamportClock.MAX);

        assertThat(clock.forward()).isEqualTo(LamportClock.MAX);
        assertThat(clock.forward()).isEqualTo(LamportClock.MAX);
    }

    @Test
    void aHugeInitialValueIsClamped() {
        assertThat(new LamportClock(Long.MAX_VALUE).value()).isEqualTo(LamportClock.MAX);
    }

    @Test
    void aNegativePeerValueIsIgnored() {
        LamportClock clock = new LamportClock(5);

        assertThat(clock.adjust(-100)).isEqualTo(6);
    }

    @Test
    void aNegativeInitialValueStartsAtZero() {
        assertThat(new LamportClock(-1).value()).isZero();
    }

    @Test
    void concurrentForwardsLoseNoUpdateAndNeverRepeatAValue() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        LamportClock clock = new LamportClock();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        seen.add(clock.forward());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(clock.value()).isEqualTo((long) threads * perThread);
        assertThat(seen).hasSize(threads * perThread);
    }

    @Test
    void concurrentAdjustsAndForwardsEndPastEveryValueSeen() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        LamportClock clock = new LamportClock();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (id % 2 == 0) {
                            clock.forward();
                        } else {
                            clock.adjust(i);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // Every call adds at least one, whatever the interleaving.
        assertThat(clock.value()).isGreaterThanOrEqualTo((long) threads * perThread);
    }

    @Test
    void toStringIsTheValue() {
        assertThat(new LamportClock(12).toString()).isEqualTo("12");
    }
}
