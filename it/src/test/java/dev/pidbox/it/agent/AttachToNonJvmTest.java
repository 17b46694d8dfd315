package dev.pidbox.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code attach} to a process that is not a JVM says so from /proc, without waiting for an attach that cannot come. */
class AttachToNonJvmTest {
    @Test
    void attachToAShellSaysItIsNotAJvmWithoutTryingTheAttachProtocol() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            long start = System.nanoTime();
            TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(30), List.of(java, "-jar",
                    TargetJvm.agentJar().toString(), "attach", Long.toString(sleeper.pid())));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("attach to non-JVM pid " + sleeper.pid() + " answered in " + ms + " ms: " + r.err);

            assertThat(r.exitCode).isNotZero();
            assertThat(r.err).contains("process " + sleeper.pid() + " is not a JVM (sleep)")
                    .doesNotContain("did not answer the attach request");
        } finally {
            sleeper.destroyForcibly();
        }
    }
}
