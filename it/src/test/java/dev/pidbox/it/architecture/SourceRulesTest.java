package dev.pidbox.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * House rules for the main code of every module, read from the source trees: classes a newcomer can read (none over
 * 500 lines, {@code Node} under 400), and types named by import, never inline by their fully qualified name.
 */
class SourceRulesTest {
    private static final List<String> MODULES = List.of("client/library", "client/cli", "jmx-handlers", "agent");
    private static final Pattern INLINE_TYPE = Pattern.compile(
            "(?<![\\w.@\"])((?:java|javax|com|org|dev|io|jdk|sun|net)\\.(?:[a-z_]\\w*\\.)+[A-Z]\\w*)");

    static List<Path> mainSources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String module : MODULES) {
            Path root = Paths.get("..").resolve(module).resolve("src/main/java").normalize();
            assertThat(root).as("source tree of %s", module).isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                out.addAll(files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList()));
            }
        }
        assertThat(out).hasSizeGreaterThan(100);
        return out;
    }

    private static int lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).size();
    }

    @Test
    void noMainClassIsOver500Lines() throws IOException {
        List<String> over = new ArrayList<>();
        for (Path f : mainSources()) {
            if (lines(f) > 500) {
                over.add(f + " (" + lines(f) + " lines)");
            }
        }
        assertThat(over).isEmpty();
    }

    @Test
    void nodeIsUnder400Lines() throws IOException {
        Path node = Paths.get("..", "client", "library", "src", "main", "java", "dev", "pidbox", "Node.java");

        assertThat(lines(node)).isLessThan(400);
    }

    @Test
    void mainCodeNamesTypesByImportNeverInline() throws IOException {
        List<String> inline = new ArrayList<>();
        for (Path f : mainSources()) {
            inline.addAll(inlineTypeNames(f));
        }
        assertThat(inline).isEmpty();
    }

    @Test
    void theInlineTypeCheckFindsAnInlineTypeAndIgnoresStringsCommentsAndImports() {
        List<String> found = inlineTypeNames("x.java", List.of(
                "import java.util.List;",
                "class X {",
                "    /* java.util.Map in a comment */ String s = \"java.util.Set in a string\";",
                "    java.time.Duration d; // java.util.Optional",
                "}"));

        assertThat(found).containsExactly("x.java:4: java.time.Duration");
    }

    private static List<String> inlineTypeNames(Path file) throws IOException {
        return inlineTypeNames(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Inline fully qualified type names in code: outside imports, the package line, comments and literals. */
    static List<String> inlineTypeNames(String name, List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean[] inBlockComment = {false};
        for (int i = 0; i < lines.size(); i++) {
            String code = codeOf(lines.get(i), inBlockComment);
            String trimmed = code.trim();
            if (trimmed.startsWith("import ") || trimmed.startsWith("package ")) {
                continue;
            }
            Matcher m = INLINE_TYPE.matcher(code);
            while (m.find()) {
                out.add(name + ":" + (i + 1) + ": " + m.group(1));
            }
        }
        return out;
    }

    /** The line without comments and string or character literals. */
    private static String codeOf(String line, boolean[] inBlockComment) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < line.length()) {
            if (inBlockComment[0]) {
                int end = line.indexOf("*/", i);
                if (end < 0) {
                    return out.toString();
                }
                i = end + 2;
                inBlockComment[0] = false;
            } else if (line.startsWith("/*", i)) {
                inBlockComment[0] = true;
                i += 2;
            } else if (line.startsWith("//", i)) {
                return out.toString();
            } else if (line.charAt(i) == '"' || line.charAt(i) == '\'') {
                char quote = line.charAt(i);
                int j = i + 1;
                while (j < line.length() && line.charAt(j) != quote) {
                    j += line.charAt(j) == '\\' ? 2 : 1;
                }
                out.append(quote).append(quote);
                i = j + 1;
            } else {
                out.append(line.charAt(i));
                i++;
            }
        }
        return out.toString();
    }
}
