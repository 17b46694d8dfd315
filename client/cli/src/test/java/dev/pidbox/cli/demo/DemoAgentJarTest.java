package dev.pidbox.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code pidbox demo} finds the agent jar, and what it says when there is none. */
class DemoAgentJarTest {
    @TempDir
    Path dir;

    private Path agentJarUnder(Path root) throws IOException {
        Path jar = root.resolve("agent/target/pidbox-agent.jar");
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[] {1});
        return jar;
    }

    @Test
    void theArgumentWins() throws IOException {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1});
        agentJarUnder(dir);
        assertThat(Demo.findAgentJar(jar, dir.resolve("other.jar").toString(), dir, null)).isEqualTo(jar);
    }

    @Test
    void theEnvironmentVariableComesNext() throws IOException {
        Path jar = Files.write(dir.resolve("env.jar"), new byte[] {1});
        agentJarUnder(dir);
        assertThat(Demo.findAgentJar(null, jar.toString(), dir, null)).isEqualTo(jar);
    }

    @Test
    void theCurrentDirectoryIsSearched() throws IOException {
        Path jar = agentJarUnder(dir);
        assertThat(Demo.findAgentJar(null, null, dir, null)).isEqualTo(jar);
    }

    @Test
    void theJarNextToPidboxJarIsFoundFromAnyDirectory() throws IOException {
        Path jar = agentJarUnder(dir);
        Path pidboxJar = dir.resolve("client/cli/target/pidbox.jar");
        Path elsewhere = Files.createDirectories(dir.resolve("x/y"));
        assertThat(Demo.findAgentJar(null, null, elsewhere, pidboxJar)).isEqualTo(jar);
    }

    @Test
    void aMissingJarNamesWhatToBuild() {
        assertThatThrownBy(() -> Demo.findAgentJar(null, null, dir, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agent jar was not found")
                .hasMessageContaining("-pl agent -am package")
                .hasMessageContaining("PIDBOX_AGENT_JAR");
    }

    @Test
    void aMissingArgumentJarExitsWithTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Demo.run(new PrintWriter(out), new PrintWriter(err), null, dir.resolve("nope.jar"), null);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("nope.jar does not exist");
        assertThat(out.toString()).isEmpty();
    }
}
