package dev.pidbox.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class AttacherTest {
    private static final String SELF = Long.toString(ProcessHandle.current().pid());

    /** Runs {@code check} with the pid of a {@code sleep} process (not a JVM), on Linux. */
    private static void withSleep(PidCheck check) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self")), "needs /proc (Linux)");
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            check.run(Long.toString(sleeper.pid()));
        } finally {
            sleeper.destroyForcibly();
        }
    }

    private interface PidCheck {
        void run(String pid) throws Exception;
    }

    @Test
    void aShellIsNotAJvmAndThisJvmIs() throws Exception {
        withSleep(sleep -> {
            assertThat(Attacher.notAJvm(sleep)).isTrue();
            assertThat(Attacher.notAJvm(SELF)).isFalse();
        });
    }

    @Test
    void aJvmCatchesSigquitAndASleepDoesNot() throws Exception {
        withSleep(sleep -> {
            assertThat(HotSpotAttach.catchesQuit(sleep)).isFalse();
            assertThat(HotSpotAttach.catchesQuit(SELF)).isTrue();
            assertThat(HotSpotAttach.catchesQuit("999999999")).as("unknown: signal as before").isTrue();
        });
    }

    @Test
    void aProcessThatNeverHandlesSigquitIsWaitedOnOnceAndNeverSignalled() throws Exception {
        withSleep(sleep -> {
            long t0 = System.nanoTime();
            // the launcher's prepare step: waits its 10 s for a handler, then gives up without signalling
            assertThatThrownBy(() -> HotSpotAttach.open(sleep)).isInstanceOf(IOException.class)
                    .hasMessageContaining("does not handle SIGQUIT");
            long first = System.nanoTime() - t0;
            long t1 = System.nanoTime();
            // the load after it (here a state read): the same answer at once, not another 10 s
            assertThatThrownBy(() -> HotSpotAttach.properties(sleep)).isInstanceOf(IOException.class)
                    .hasMessageContaining("does not handle SIGQUIT");
            long second = System.nanoTime() - t1;

            assertThat(first).isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.SECONDS.toNanos(9));
            assertThat(second).isLessThan(first / 2);
            assertThat(ProcessHandle.of(Long.parseLong(sleep)).map(ProcessHandle::isAlive)).as("never signalled")
                    .contains(true);
        });
    }

    @Test
    void aPidWhoseMemoryMapCannotBeReadIsLeftToTheAttachToDecide() {
        assertThat(Attacher.notAJvm("999999999")).isFalse();
    }
}
