package dev.pidbox.jmx.internal;

import dev.pidbox.spi.JsonValues;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a host application with one real logging framework in a child JVM: the class path is this module's
 * test class path without any SLF4J jar, plus the framework's jars from {@code target/logging-libs/<framework>},
 * so the framework is on the host's application class path, as a real host has it, and nowhere else. The host
 * main calls the handlers in-process and prints one JSON object; {@link #attempt} turns a refused call into
 * {@code {"error": ...}} so that one run can show successes and refusals alike.
 */
final class LoggingHost {
    /** Starts the host's reply line: the frameworks print their own status lines to stdout too. */
    static final String REPLY = "pidbox-test-reply: ";

    /** What a host run left: its JSON reply and the lines its framework wrote to the log file. */
    static final class Run {
        final Map<String, Object> reply;
        final List<String> log;

        Run(Map<String, Object> reply, List<String> log) {
            this.reply = reply;
            this.log = log;
        }

        Map<String, Object> map(String key) {
            Object v = reply.get(key);
            if (!(v instanceof Map)) {
                throw new AssertionError("no object '" + key + "' in " + reply);
            }
            return Calls.asMap(v);
        }

        /** The rows of a {@code loggers} reply stored under key. */
        List<Map<String, Object>> rows(String key) {
            return Calls.rows(map(key).get("loggers"));
        }

        /** The one row of a framework's logger in a {@code loggers} reply. */
        Map<String, Object> row(String key, String framework, String name) {
            List<Map<String, Object>> found = rows(key).stream()
                    .filter(r -> framework.equals(r.get("framework")) && name.equals(r.get("name")))
                    .collect(Collectors.toList());
            if (found.size() != 1) {
                throw new AssertionError("expected one " + framework + " logger " + name + " in " + map(key));
            }
            return found.get(0);
        }

        /** The one change a {@code set_logger} reply stored under key made. */
        Map<String, Object> change(String key) {
            List<Map<String, Object>> changes = Calls.rows(map(key).get("changes"));
            if (changes.size() != 1) {
                throw new AssertionError("expected one change in " + map(key));
            }
            return changes.get(0);
        }

        String error(String key) {
            Object e = map(key).get("error");
            if (e == null) {
                throw new AssertionError("'" + key + "' did not fail: " + map(key));
            }
            return (String) e;
        }
    }

    private LoggingHost() {
    }

    static Run run(String framework, String mainClass, String configProperty, String configResource, Path dir)
            throws Exception {
        Path libs = Paths.get(System.getProperty("logging-libs.dir", "target/logging-libs"), framework);
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!Paths.get(entry).getFileName().toString().startsWith("slf4j-")) {
                classPath.add(entry);
            }
        }
        try (Stream<Path> jars = Files.list(libs)) {
            List<String> found = jars.filter(p -> p.toString().endsWith(".jar")).map(Path::toString).sorted()
                    .collect(Collectors.toList());
            if (found.isEmpty()) {
                throw new AssertionError("no " + framework + " jars in " + libs + " (run the build through Maven)");
            }
            classPath.addAll(found);
        }
        Path config = Paths.get(LoggingHost.class.getResource(configResource).toURI());
        Path log = dir.resolve("host.log");
        Path err = dir.resolve("stderr.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-D" + configProperty + "=" + config);
        cmd.add("-Dhost.log=" + log);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classPath));
        cmd.add(mainClass);
        Path stdout = dir.resolve("stdout.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(mainClass + " did not finish within 60 s");
        }
        String out = new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8);
        String stderr = new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
        int at = out.lastIndexOf(REPLY);
        if (p.exitValue() != 0 || at < 0) {
            throw new AssertionError(mainClass + " exited " + p.exitValue() + "\nstdout:\n" + out + "\nstderr:\n" + stderr);
        }
        Map<String, Object> reply = Calls.asMap(JsonValues.decode(out.substring(at + REPLY.length()).trim()));
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : new ArrayList<>();
        return new Run(reply, lines);
    }

    /** In the host: a handler's reply, or {"error": "Type: message"} when the handler refused. */
    static Object attempt(Calls calls, String handler, Map<String, ?> args) {
        try {
            return calls.call(handler, args);
        } catch (Exception e) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            return out;
        }
    }

    /** In the host: prints the reply for the test to read. */
    static void print(Map<String, Object> reply) throws IOException {
        System.out.println(REPLY + JsonValues.encodeToString(reply));
        System.out.flush();
    }
}
