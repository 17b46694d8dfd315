package dev.pidbox.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.TargetJvm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** The shaded agent jar holds our classes and relocated third-party classes only. */
class AgentJarContentsTest {
    private static List<String> entries() throws Exception {
        try (JarFile jar = new JarFile(TargetJvm.agentJar().toFile())) {
            List<String> names = new ArrayList<>();
            Collections.list(jar.entries()).forEach(e -> names.add(e.getName()));
            return names;
        }
    }

    @Test
    void everyClassLivesUnderDevPidbox() throws Exception {
        List<String> unrelocated = entries().stream().filter(n -> n.endsWith(".class"))
                .filter(n -> !n.startsWith("dev/pidbox/")).toList();

        assertThat(unrelocated).as("classes outside dev/pidbox/").isEmpty();
    }

    @Test
    void thirdPartyClassesAreUnderTheShadedRootOnly() throws Exception {
        List<String> ours = entries().stream().filter(n -> n.endsWith(".class") && n.startsWith("dev/pidbox/")
                && !n.startsWith("dev/pidbox/shaded/")).toList();

        // Only the handler SPI (JDK types only), the ReloadHook SPI and the entry classes keep their names;
        // our implementation is relocated too, so a host that embeds pidbox-client cannot clash with it.
        assertThat(ours).isNotEmpty().allSatisfy(n -> assertThat(n).matches("dev/pidbox/(ArgType|ArgumentException"
                + "|ArgumentSpec|Arguments|Handler|HandlerContext|HandlerDefinition|HandlerProvider|Tier|CallObserver)"
                + "(\\$.*)?\\.class|dev/pidbox/jmx/ReloadHook\\.class|dev/pidbox/agent/(Agent|Launcher)\\.class"));
        assertThat(entries()).contains("dev/pidbox/shaded/pidbox/Node.class", "dev/pidbox/shaded/pidbox/Mailbox.class");
        assertThat(entries()).anyMatch(n -> n.startsWith("dev/pidbox/shaded/com/rabbitmq/client/"))
                .anyMatch(n -> n.startsWith("dev/pidbox/shaded/com/fasterxml/jackson/databind/"))
                .anyMatch(n -> n.startsWith("dev/pidbox/shaded/net/bytebuddy/agent/"));
    }

    @Test
    void noModuleInfoNoMultiReleaseVersionsNoCliNoBroker() throws Exception {
        assertThat(entries()).noneMatch(n -> n.endsWith("module-info.class"))
                .noneMatch(n -> n.startsWith("META-INF/versions/"))
                .noneMatch(n -> n.startsWith("dev/pidbox/cli/") || n.startsWith("picocli/"))
                .noneMatch(n -> n.startsWith("dev/pidbox/broker/") || n.startsWith("org/apache/qpid/"));
    }

    @Test
    void serviceFilesNameRelocatedClasses() throws Exception {
        List<String> services = entries().stream().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/"))
                .toList();

        assertThat(services).allSatisfy(s -> assertThat(s).startsWith("META-INF/services/dev.pidbox."));
        try (JarFile jar = new JarFile(TargetJvm.agentJar().toFile())) {
            String providers = new String(jar.getInputStream(jar.getEntry("META-INF/services/dev.pidbox.HandlerProvider"))
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            assertThat(providers).isEqualTo("dev.pidbox.shaded.pidbox.jmx.JmxHandlers");
        }
        assertThat(services).contains("META-INF/services/dev.pidbox.HandlerProvider");
    }

    @Test
    void manifestNamesTheAgentEntryAndTheLauncher() throws Exception {
        try (JarFile jar = new JarFile(TargetJvm.agentJar().toFile())) {
            Manifest m = jar.getManifest();
            assertThat(m.getMainAttributes().getValue("Premain-Class")).isEqualTo("dev.pidbox.agent.Agent");
            assertThat(m.getMainAttributes().getValue("Agent-Class")).isEqualTo("dev.pidbox.agent.Agent");
            assertThat(m.getMainAttributes().getValue("Main-Class")).isEqualTo("dev.pidbox.agent.Launcher");
        }
    }
}
