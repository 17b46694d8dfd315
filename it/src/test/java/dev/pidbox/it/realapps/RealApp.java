package dev.pidbox.it.realapps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A third-party application run as a real child process for the "real apps" suite: its command line, its
 * working directory, its console captured to {@code console.log} in that directory. {@link #close()} ends it
 * and every process it started.
 */
public final class RealApp implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path dir;
    private final Path console;

    private RealApp(String name, Process process, Path dir, Path console) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.console = console;
    }

    /** Starts {@code command} in {@code dir} with extra environment entries (PIDBOX_* and JAVA_TOOL_OPTIONS removed). */
    public static RealApp start(String name, List<String> command, Path dir, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
            Path console = dir.resolve("console.log");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(console.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_") || k.equals("JAVA_TOOL_OPTIONS")
                    || k.equals("CLASSPATH"));
            pb.environment().putAll(env);
            return new RealApp(name, pb.start(), dir, console);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** A TCP port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM's pid: the child itself. */
    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    public Path console() {
        return console;
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until an HTTP GET of {@code url} answers {@code status}; fails with the console's tail if not. */
    public void awaitHttp(String url, int status, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " while starting\n" + tail(60));
            }
            last = status(url);
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + ": " + url + " did not answer " + status + " within " + timeout + " (last "
                + last + ")\n" + tail(60));
    }

    /** The status code of an HTTP GET, or -1 when nothing answers. */
    public static int status(String url) {
        return http("GET", url, null).status;
    }

    /** A small HTTP client for the apps' own endpoints (the oracles). */
    public static Response http(String method, String url, String jsonBody) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(10_000);
            c.setRequestMethod(method);
            if (jsonBody != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.getOutputStream().write(jsonBody.getBytes(StandardCharsets.UTF_8));
            }
            int code = c.getResponseCode();
            byte[] body;
            try (var in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
                body = in == null ? new byte[0] : in.readAllBytes();
            }
            return new Response(code, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Response(-1, e.toString());
        }
    }

    /** An HTTP status and body. */
    public static final class Response {
        public final int status;
        public final String body;

        Response(int status, String body) {
            this.status = status;
            this.body = body;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Waits until a line of {@code file} matches; returns it. */
    public String awaitLine(Path file, Predicate<String> line, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (String l : lines(file)) {
                if (line.test(l)) {
                    return l;
                }
            }
            Thread.sleep(100);
        }
        List<String> seen = lines(file);
        throw new AssertionError(name + ": no matching line in " + file + " within " + timeout + "; its last lines:\n"
                + String.join("\n", seen.subList(Math.max(0, seen.size() - 30), seen.size())) + "\nconsole:\n" + tail(20));
    }

    /** The lines of a file, or none when it does not exist (yet). */
    public static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : new ArrayList<>();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the console, for failure messages. */
    public String tail(int n) {
        List<String> all = lines(console);
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    }

    @Override
    public void close() {
        List<ProcessHandle> children = new ArrayList<>();
        process.descendants().forEach(children::add);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", " + dir + ")";
    }
}
