package dev.pidbox.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.TargetJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The library jar a user embeds (pidbox-client) holds the library only: no command-line tool, demo or broker class,
 * no main class, and its pom declares no optional dependency. The command-line jar still holds all of those.
 */
class LibraryJarContentsTest {
    private static Path libraryJar() throws IOException {
        Path target = Paths.get("..", "client", "library", "target").toAbsolutePath().normalize();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "pidbox-client-*.jar")) {
            for (Path jar : jars) {
                if (!jar.getFileName().toString().contains("-sources") && !jar.getFileName().toString()
                        .contains("-javadoc")) {
                    return jar;
                }
            }
        }
        throw new AssertionError("no pidbox-client jar in " + target + ": build with ./mvnw -B verify");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = new ArrayList<>();
            Collections.list(file.entries()).forEach(e -> names.add(e.getName()));
            return names;
        }
    }

    @Test
    void theLibraryJarHoldsNoCliDemoOrBrokerClass() throws IOException {
        List<String> names = entries(libraryJar());

        assertThat(names).contains("dev/pidbox/Mailbox.class", "dev/pidbox/Node.class")
                .noneMatch(n -> n.startsWith("dev/pidbox/cli/"))
                .noneMatch(n -> n.startsWith("dev/pidbox/broker/"))
                .noneMatch(n -> n.startsWith("picocli/") || n.startsWith("org/apache/qpid/"));
    }

    @Test
    void theLibraryJarHasNoMainClass() throws IOException {
        try (JarFile file = new JarFile(libraryJar().toFile())) {
            assertThat(file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isNull();
        }
    }

    @Test
    void theLibraryPomDeclaresNoOptionalDependency() throws IOException {
        String pom;
        try (JarFile file = new JarFile(libraryJar().toFile())) {
            JarEntry entry = file.getJarEntry("META-INF/maven/dev.pidbox/pidbox-client/pom.xml");
            assertThat(entry).as("the pom inside the library jar").isNotNull();
            try (InputStream in = file.getInputStream(entry)) {
                pom = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        assertThat(pom).contains("<artifactId>pidbox-client</artifactId>").doesNotContain("<optional>");
    }

    @Test
    void theCommandLineJarHoldsTheCliTheDemoAndTheBroker() throws IOException {
        assertThat(entries(TargetJvm.cliJar())).contains("dev/pidbox/cli/PidboxCli.class",
                "dev/pidbox/cli/demo/Demo.class", "dev/pidbox/broker/EmbeddedBroker.class", "dev/pidbox/Mailbox.class");
    }
}
