package dev.pidbox.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class AttacherTest {
    @Test
    void aShellIsNotAJvmAndThisJvmIs() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self")), "needs /proc (Linux)");
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(Attacher.notAJvm(Long.toString(sleeper.pid()))).isTrue();
            assertThat(Attacher.notAJvm(Long.toString(ProcessHandle.current().pid()))).isFalse();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void aJvmCatchesSigquitAndASleepDoesNot() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/self")), "needs /proc (Linux)");
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(HotSpotAttach.catchesQuit(Long.toString(sleeper.pid()))).isFalse();
            assertThat(HotSpotAttach.catchesQuit(Long.toString(ProcessHandle.current().pid()))).isTrue();
            assertThat(HotSpotAttach.catchesQuit("999999999")).as("unknown: signal as before").isTrue();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void aPidWhoseMemoryMapCannotBeReadIsLeftToTheAttachToDecide() {
        assertThat(Attacher.notAJvm("999999999")).isFalse();
    }
}
