package dev.pidbox.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real jars: {@code pidbox keygen} makes a key, an agent trusts its public half and
 * lets it reload, {@code pidbox --key} signs the reload, and everyone else is refused.
 */
@RabbitMQ.Required
class SignedCliTest {
    @TempDir
    static Path dir;

    private static TargetJvm target;
    private static String namespace;
    private static final String NODE = "signed@cli";

    private static TargetJvm.Result pidbox(String... args) throws Exception {
        Path jar = TargetJvm.cliJar();
        List<String> cmd = new ArrayList<>(List.of(TargetJvm.currentJavaHome().resolve("bin/java").toString(), "-jar",
                jar.toString(), "--broker", RabbitMQ.uri(), "--namespace", namespace));
        cmd.addAll(List.of(args));
        return TargetJvm.run(Duration.ofSeconds(60), cmd);
    }

    @BeforeAll
    static void start() throws Exception {
        namespace = RabbitMQ.uniqueNamespace("signed-cli");
        TargetJvm.Result keygen = pidbox("keygen", "--name", "ops", "--dir", dir.toString());
        assertThat(keygen.exitCode).as(keygen.toString()).isZero();
        assertThat(keygen.out).contains("ops.key (private, mode 600)");
        pidbox("keygen", "--name", "stranger", "--dir", dir.toString());
        Path reloadFile = dir.resolve("app.properties");
        Files.writeString(reloadFile, "feature.x=on\n");
        Path policy = dir.resolve("policy.properties");
        Files.writeString(policy, "allow = reload\nkey.ops.tiers = read, mutate\nkey.default.tiers = read\n");
        target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(),
                List.of("-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                        + ",node=" + NODE + ",trusted-keys=" + dir.resolve("ops.pub") + ",policy=" + policy
                        + ",reload-file=" + reloadFile), "dev.pidbox.it.target.SleeperApp", "stdin").awaitReady();
        Path key = dir.resolve("ops.key");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> pidbox("--key", key.toString(), "ping", "--to", NODE, "--timeout", "1s").exitCode == 0);
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void aReloadSignedWithATrustedKeyRuns() throws Exception {
        TargetJvm.Result r = pidbox("--key", dir.resolve("ops.key").toString(), "-o", "json", "reload", "--to", NODE,
                "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).doesNotContain("unauthorized").doesNotContain("forbidden");
    }

    @Test
    void anUnsignedPingIsRefusedAsUnauthorized() throws Exception {
        TargetJvm.Result r = pidbox("-o", "json", "ping", "--to", NODE, "--timeout", "5s");

        assertThat(r.exitCode).isEqualTo(1);
        assertThat(r.out).contains("unauthorized: unsigned request");
    }

    @Test
    void aStrangersKeyIsRefused() throws Exception {
        TargetJvm.Result r = pidbox("--key", dir.resolve("stranger.key").toString(), "-o", "json", "ping", "--to", NODE,
                "--timeout", "5s");

        assertThat(r.exitCode).isEqualTo(1);
        assertThat(r.out).contains("unauthorized: unknown key");
    }

    @Test
    void theTrustedKeyStillMayNotUseDangerousHandlers() throws Exception {
        TargetJvm.Result r = pidbox("--key", dir.resolve("ops.key").toString(), "-o", "json", "call", "heap_dump",
                "--to", NODE, "--timeout", "5s");

        assertThat(r.exitCode).isEqualTo(1);
        assertThat(r.out).contains("forbidden: ");
    }
}
