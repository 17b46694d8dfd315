package dev.pidbox.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThreadsTest {
    @Test
    void aThreadStartedHereIsOwnUntilItEndsWhateverItIsCalled() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = Threads.start("pidbox-test-own", () -> {
            Thread.currentThread().setName("renamed by a library");
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.await();
        assertThat(t.isDaemon()).isTrue();
        assertThat(Threads.isOwn(t.getId())).isTrue();
        assertThat(Threads.isOwn(Thread.currentThread().getId())).isFalse();
        release.countDown();
        t.join(5000);
        assertThat(Threads.isOwn(t.getId())).as("forgotten once ended").isFalse();
    }

    @Test
    void poolThreadsAreOwn() throws Exception {
        AtomicLong id = new AtomicLong();
        CountDownLatch ran = new CountDownLatch(1);
        Threads.background().execute(() -> {
            id.set(Thread.currentThread().getId());
            ran.countDown();
        });
        ran.await();
        assertThat(Threads.isOwn(id.get())).isTrue();
    }
}
