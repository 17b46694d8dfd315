package dev.pidbox.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.TargetJvm;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shade step relocates class references, and also rewrites string literals that look like a relocated
 * package ({@code "org.slf4j.LoggerFactory"} became {@code "dev.pidbox.shaded.org.slf4j.LoggerFactory"}, so the
 * logger handlers never found the host's SLF4J). A string literal in our code names a class the host has; it must
 * reach the shipped jar unchanged. This test compares every string constant of every class we compile (client,
 * jmx-handlers, agent) with the same constant in the shipped {@code pidbox-agent.jar}.
 */
class ShadedStringConstantsTest {
    private static final List<Path> OUR_CLASSES = List.of(Paths.get("..", "client", "library", "target", "classes"),
            Paths.get("..", "jmx-handlers", "target", "classes"), Paths.get("..", "agent", "target", "classes"));

    @Test
    void noStringLiteralOfOursIsRewrittenByTheShadeStep() throws Exception {
        TreeMap<String, String> rewritten = new TreeMap<>();
        int compared = 0;
        try (JarFile jar = new JarFile(TargetJvm.agentJar().toFile())) {
            for (Path root : OUR_CLASSES) {
                assertThat(root).as("compiled classes (build the modules first)").isDirectory();
                List<Path> classes;
                try (Stream<Path> files = Files.walk(root)) {
                    classes = files.filter(p -> p.toString().endsWith(".class")).toList();
                }
                for (Path cls : classes) {
                    String name = root.relativize(cls).toString().replace('\\', '/');
                    JarEntry shipped = shippedEntry(jar, name);
                    if (shipped == null) {
                        continue; // the CLI, the demo and the embedded broker stay out of the agent jar
                    }
                    // The shade step rebuilds the constant pool in another order: compare as multisets.
                    List<String> before = stringConstants(Files.readAllBytes(cls));
                    List<String> after = new ArrayList<>(stringConstants(jar.getInputStream(shipped).readAllBytes()));
                    compared++;
                    List<String> lost = new ArrayList<>();
                    for (String literal : before) {
                        if (!after.remove(literal)) {
                            lost.add(literal);
                        }
                    }
                    for (int i = 0; i < lost.size(); i++) {
                        rewritten.put(name + ": \"" + lost.get(i) + "\"", i < after.size() ? after.get(i) : "(gone)");
                    }
                }
            }
        }

        assertThat(compared).as("classes compared").isGreaterThan(50);
        assertThat(rewritten).as("string literals the shade step rewrote (literal -> shipped)").isEmpty();
    }

    @Test
    void theConstantPoolReaderFindsTheLiteralsJavapShows() throws Exception {
        // A class with known literals, read from the build and from the shipped jar alike.
        byte[] own = Files.readAllBytes(Paths.get("..", "jmx-handlers", "target", "classes", "dev", "pidbox", "jmx",
                "internal", "LoggingReload.class"));
        assertThat(stringConstants(own)).contains("recallSafeTopModel", "java.util.logging.config.file");
        try (JarFile jar = new JarFile(TargetJvm.agentJar().toFile())) {
            JarEntry shipped = shippedEntry(jar, "dev/pidbox/jmx/internal/LoggingReload.class");
            assertThat(shipped).as("LoggingReload in the agent jar").isNotNull();
            assertThat(stringConstants(jar.getInputStream(shipped).readAllBytes())).contains("recallSafeTopModel");
        }
    }

    /** The shipped entry of one of our classes: under its own name or relocated under dev/pidbox/shaded/pidbox/. */
    private static JarEntry shippedEntry(JarFile jar, String name) {
        JarEntry same = jar.getJarEntry(name);
        if (same != null) {
            return same;
        }
        return name.startsWith("dev/pidbox/") ? jar.getJarEntry("dev/pidbox/shaded/pidbox/"
                + name.substring("dev/pidbox/".length())) : null;
    }

    /** The values of the CONSTANT_String entries of a class file, in constant pool order. */
    static List<String> stringConstants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> strings = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: utf8[i] = in.readUTF(); break;
                case 8: strings.add(in.readUnsignedShort()); break;
                case 7: case 16: case 19: case 20: in.readUnsignedShort(); break;
                case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: in.readInt(); break;
                case 5: case 6: in.readLong(); i++; break;
                default: throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> out = new ArrayList<>();
        for (int index : strings) {
            out.add(utf8[index]);
        }
        return out;
    }
}
