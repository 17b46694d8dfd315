package dev.pidbox.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The modules' boundaries, read from their source (main and test code): no module uses another module's
 * {@code internal} package, neither by import nor by a qualified name in code, and every package says in its
 * {@code package-info.java} whom it is for. Needs no broker; runs in the default build.
 */
class ModuleBoundariesTest {
    /** Each module (its directory under the repository root) and the internal packages it owns. */
    private static final Map<String, List<String>> MODULES = Map.of(
            "client/library", List.of("dev.pidbox.internal"),
            "client/cli", List.of(),
            "jmx-handlers", List.of("dev.pidbox.jmx.internal"),
            "agent", List.of("dev.pidbox.agent.internal"),
            "it", List.of());
    /** Each internal package and the artifact its {@code package-info.java} must name as its only user. */
    private static final Map<String, String> OWNERS = Map.of(
            "dev.pidbox.internal", "pidbox-client",
            "dev.pidbox.jmx.internal", "pidbox-jmx-handlers",
            "dev.pidbox.agent.internal", "pidbox-agent");
    private static final Pattern INTERNAL = Pattern.compile(
            "(?<![\\w.])dev\\s*\\.\\s*pidbox\\s*\\.\\s*((?:jmx\\s*\\.\\s*|agent\\s*\\.\\s*)?internal)(?![\\w$])");

    @Test
    void noModuleUsesAnotherModulesInternalPackage() {
        List<String> violations = new ArrayList<>();
        MODULES.forEach((module, owned) -> {
            for (Path file : javaFiles(root().resolve(module).resolve("src"))) {
                violations.addAll(violations(module, owned, root().relativize(file).toString(), read(file)));
            }
        });

        assertThat(violations).as("uses of another module's internal package (file:line: code); use the public API"
                + " or dev.pidbox.spi instead").isEmpty();
    }

    @Test
    void everyPackageHasAPackageInfoThatSaysWhomItIsFor() {
        List<String> missing = new ArrayList<>();
        for (Path dir : packageDirectories()) {
            Path info = dir.resolve("package-info.java");
            if (!Files.exists(info) || !read(info).contains("/**")) {
                missing.add(root().relativize(dir).toString());
            }
        }

        assertThat(missing).as("packages without a documented package-info.java").isEmpty();
    }

    @Test
    void everyInternalPackageSaysItIsForItsOwnModuleOnly() {
        List<String> unclear = new ArrayList<>();
        for (Path dir : packageDirectories()) {
            String pkg = packageName(dir);
            OWNERS.forEach((internal, artifact) -> {
                Path info = dir.resolve("package-info.java");
                if ((pkg.equals(internal) || pkg.startsWith(internal + ".")) && Files.exists(info)) {
                    String text = read(info).replaceAll("\\s*\\n\\s*\\*\\s*", " ");
                    if (!text.contains("intended solely for use within " + artifact)
                            || !text.contains("without notice")) {
                        unclear.add(root().relativize(info).toString());
                    }
                }
            });
        }

        assertThat(unclear).as("internal packages whose package-info does not say 'intended solely for use within"
                + " <artifact>' and 'without notice'").isEmpty();
    }

    @Test
    void anImportOfAnotherModulesInternalPackageIsReportedWithFileAndLine() {
        String source = "package dev.pidbox.agent.internal;\n\nimport dev.pidbox.internal.Json;\n";

        assertThat(violations("agent", List.of("dev.pidbox.agent.internal"), "agent/A.java", source))
                .containsExactly("agent/A.java:3: import dev.pidbox.internal.Json;");
    }

    @Test
    void aQualifiedUseInCodeIsReportedLikeAnImport() {
        String source = "class A {\n  String s = dev.pidbox.internal.Json.encodeToString(1)\n"
                + "      + dev.pidbox.jmx . internal.HostLoaders.label(null);\n"
                + "  static { new dev.pidbox.agent.internal.AgentRuntime(); }\n}\n";

        assertThat(violations("it", List.of(), "it/A.java", source)).hasSize(3)
                .anySatisfy(v -> assertThat(v).startsWith("it/A.java:2: "))
                .anySatisfy(v -> assertThat(v).startsWith("it/A.java:3: "))
                .anySatisfy(v -> assertThat(v).startsWith("it/A.java:4: "));
    }

    @Test
    void aModulesOwnInternalPackagesAndOtherPackagesAreAllowed() {
        String source = "import dev.pidbox.jmx.internal.Globs;\nimport dev.pidbox.spi.JsonValues;\n"
                + "import dev.pidbox.shaded.pidbox.internal.Json;\nimport dev.pidbox.internalx.Y;\n";

        assertThat(violations("jmx-handlers", List.of("dev.pidbox.jmx.internal"), "j/A.java", source)).isEmpty();
    }

    @Test
    void mentionsInCommentsAndStringsAreNotUses() {
        String source = "// dev.pidbox.internal.Json\n/* dev.pidbox.internal.Json\n dev.pidbox.agent.internal */\n"
                + "class A { String s = \"dev.pidbox.internal.Json \\\" dev.pidbox.internal\"; char c = '\"';\n"
                + "  String t = \"\"\"\n    dev.pidbox.jmx.internal.X\n    \"\"\"; }\n";

        assertThat(violations("it", List.of(), "it/A.java", source)).isEmpty();
    }

    /** The uses of internal packages that {@code module} does not own, as {@code path:line: code line}. */
    static List<String> violations(String module, List<String> owned, String path, String source) {
        String code = codeOnly(source);
        String[] codeLines = code.split("\n", -1);
        String[] sourceLines = source.split("\n", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < codeLines.length; i++) {
            Matcher m = INTERNAL.matcher(codeLines[i]);
            while (m.find()) {
                String pkg = "dev.pidbox." + m.group(1).replaceAll("\\s", "");
                if (!owned.contains(pkg)) {
                    out.add(path + ":" + (i + 1) + ": " + sourceLines[i].trim());
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The source with the contents of comments, string and character literals and text blocks blanked out, line
     * breaks kept, so that what is left is code and line numbers still hold.
     */
    static String codeOnly(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                i = blank(s, i, s.indexOf('\n', i) < 0 ? n : s.indexOf('\n', i), out);
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = blank(s, i, end < 0 ? n : end + 2, out);
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                while (end > 0 && s.charAt(end - 1) == '\\') {
                    end = s.indexOf("\"\"\"", end + 1);
                }
                i = blank(s, i, end < 0 ? n : end + 3, out);
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = blank(s, i, Math.min(n, j + 1), out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int blank(String s, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(s.charAt(k) == '\n' ? '\n' : ' ');
        }
        return to;
    }

    /** Every directory holding main code of a module, or test code of it/, that holds Java files. */
    private static List<Path> packageDirectories() {
        List<Path> roots = new ArrayList<>();
        for (String module : MODULES.keySet()) {
            roots.add(root().resolve(module).resolve("src/main/java"));
        }
        roots.add(root().resolve("it/src/test/java"));
        try (Stream<Path> apps = Files.list(root().resolve("it/apps"))) {
            apps.map(app -> app.resolve("src/main/java")).forEach(roots::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TreeSet<Path> dirs = new TreeSet<>();
        for (Path r : roots) {
            for (Path file : javaFiles(r)) {
                if (!file.getFileName().toString().equals("package-info.java")) {
                    dirs.add(file.getParent());
                }
            }
        }
        return new ArrayList<>(dirs);
    }

    private static String packageName(Path dir) {
        String p = dir.toString().replace('\\', '/');
        int java = p.lastIndexOf("/java/");
        return p.substring(java + "/java/".length()).replace('/', '.');
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: the nearest directory up from the working directory that holds the modules. */
    private static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("client/library")) && Files.isDirectory(dir.resolve("jmx-handlers")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root above " + System.getProperty("user.dir"));
        }
        return dir;
    }
}
