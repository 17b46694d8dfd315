package dev.pidbox.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped launcher, {@code client/cli/target/pidbox}, copied with {@code pidbox.jar} into a directory of the
 * test's own (so that the jar can be touched): the first run writes a class data sharing archive into
 * {@code PIDBOX_CACHE} as it exits, later runs map it (the JVM's own class loading log says so), a newer jar gets a new
 * archive, an archive the JVM cannot use is skipped silently, exit codes and {@code -o json} output are those of
 * {@code java -jar}, and a link to the launcher works.
 */
@RabbitMQ.Required
class CliLauncherTest {
    @TempDir
    Path dir;
    private Path launcher;
    private Path cache;
    private final String namespace = RabbitMQ.uniqueNamespace("launcher");

    @BeforeEach
    void copyTheShippedLauncherAndJar() throws Exception {
        Path shipped = TargetJvm.cliJar().resolveSibling("pidbox");
        assertThat(shipped).as("the launcher the build puts next to pidbox.jar").isExecutable();
        Path bin = Files.createDirectories(dir.resolve("dist"));
        launcher = Files.copy(shipped, bin.resolve("pidbox"));
        Files.copy(TargetJvm.cliJar(), bin.resolve("pidbox.jar"));
        cache = dir.resolve("cache");
    }

    private TargetJvm.Result run(Path command, List<String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("env", "PIDBOX_CACHE=" + cache,
                "JAVA_HOME=" + TargetJvm.currentJavaHome()));
        cmd.addAll(env);
        cmd.add(command.toString());
        cmd.addAll(List.of("--broker", RabbitMQ.uri(), "--namespace", namespace));
        cmd.addAll(List.of(args));
        return TargetJvm.run(Duration.ofSeconds(60), cmd);
    }

    private List<Path> archives() throws Exception {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void theFirstRunWritesTheArchiveAndTheNextMapsIt() throws Exception {
        TargetJvm.Result first = run(launcher, List.of(), "-o", "json", "ping", "--timeout", "100ms");
        assertThat(first.exitCode).as("%s", first).isZero();
        assertThat(JsonValues.decode(first.out)).as("stdout is the JSON document alone: %s", first)
                .isInstanceOf(Map.class);
        assertThat(first.err).as("writing the archive prints nothing").isEmpty();
        assertThat(archives()).hasSize(1);

        Path log = dir.resolve("classes.log");
        TargetJvm.Result second = run(launcher, List.of("PIDBOX_JAVA_OPTS=-Xlog:class+load=info:file=" + log),
                "ping", "--timeout", "100ms");
        assertThat(second.exitCode).as("%s", second).isZero();
        assertThat(second.out).contains("0 replies");
        assertThat(Files.readString(log)).as("pidbox's own classes come from the archive")
                .contains("dev.pidbox.cli.PidboxCli source: shared objects file (top)");
    }

    @Test
    void aNewerJarGetsANewArchiveAndExitCodesAreKeptOnEitherPath() throws Exception {
        TargetJvm.Result usage = run(launcher, List.of(), "no-such-command");
        assertThat(usage.exitCode).as("a usage error while the archive is written").isEqualTo(2);
        assertThat(usage.err).contains("no-such-command");
        Path archive = archives().get(0);
        FileTime written = Files.getLastModifiedTime(archive);
        assertThat(run(launcher, List.of(), "no-such-command").exitCode).as("the same from the archive").isEqualTo(2);
        TargetJvm.Result missing = run(launcher, List.of(), "ping", "--to", "nobody@nowhere", "--timeout", "100ms");
        assertThat(missing.exitCode).as("a named node missing: %s", missing).isEqualTo(3);

        Files.setLastModifiedTime(launcher.resolveSibling("pidbox.jar"), FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(run(launcher, List.of(), "ping", "--timeout", "100ms").exitCode).isZero();
        assertThat(archives()).hasSize(1);
        assertThat(Files.getLastModifiedTime(archives().get(0))).as("rewritten for the newer jar").isNotEqualTo(written);
    }

    @Test
    void anArchiveTheJvmCannotUseIsSkippedWithoutAWord() throws Exception {
        assertThat(run(launcher, List.of(), "ping", "--timeout", "100ms").exitCode).isZero();
        Path archive = archives().get(0);
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-------"));
        Files.write(archive, new byte[4096]);
        TargetJvm.Result r = run(launcher, List.of(), "-o", "json", "ping", "--timeout", "100ms");
        assertThat(r.exitCode).as("%s", r).isZero();
        assertThat(JsonValues.decode(r.out)).as("stdout is the JSON document alone: %s", r).isInstanceOf(Map.class);
        assertThat(r.err).as("nothing about the archive").isEmpty();
    }

    @Test
    void aLinkToTheLauncherFindsTheJarAndNoArchiveIsWrittenWhenTurnedOff() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("pidbox-link"), launcher);
        TargetJvm.Result r = run(link, List.of("PIDBOX_CDS=off"), "ping", "--timeout", "100ms");
        assertThat(r.exitCode).as("%s", r).isZero();
        assertThat(r.out).contains("0 replies");
        assertThat(archives()).isEmpty();
    }
}
