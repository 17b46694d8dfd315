package dev.pidbox.it.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real child JVM for agent tests: a Java home, a main class from the test classes, JVM options and
 * arguments. Its output is captured line by line; {@link #close()} ends it.
 */
public final class TargetJvm implements AutoCloseable {
    /** The Java 25 home the agent must also work on. */
    public static final Path JAVA_25 = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64");

    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();

    private TargetJvm(Process process) {
        this.process = process;
        pump(process.getInputStream(), out);
        pump(process.getErrorStream(), err);
    }

    /** The shaded agent jar built by the agent module. */
    public static Path agentJar() {
        Path jar = Paths.get("..", "agent", "target", "pidbox-agent.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar missing at " + jar + ": build with ./mvnw -B verify");
        }
        return jar;
    }

    /** The shipped command-line tool, {@code client/cli/target/pidbox.jar}. */
    public static Path cliJar() {
        Path jar = Paths.get("..", "client", "cli", "target", "pidbox.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("pidbox.jar missing at " + jar + ": build with ./mvnw -B verify");
        }
        return jar;
    }

    /** The test JVM's own Java home (17 on these machines). */
    public static Path currentJavaHome() {
        return Paths.get(System.getProperty("java.home"));
    }

    public static String testClasspath() {
        return Paths.get("target", "test-classes").toAbsolutePath().toString();
    }

    /** The jars of old Jackson, amqp-client and slf4j for a conflicting host. */
    public static String conflictClasspath() throws IOException {
        Path dir = Paths.get("target", "conflict-libs").toAbsolutePath();
        List<String> jars = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".jar")).forEach(p -> jars.add(p.toString()));
        }
        return String.join(File.pathSeparator, jars);
    }

    public static TargetJvm start(Path javaHome, String classpath, List<String> jvmOptions, String mainClass,
            String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.add("-Xmx96m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_") || k.equals("JAVA_TOOL_OPTIONS"));
        return new TargetJvm(pb.start());
    }

    /** Runs a command to its end (at most {@code timeout}) and returns exit code and output. */
    public static Result run(Duration timeout, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_") || k.equals("JAVA_TOOL_OPTIONS"));
        TargetJvm p = new TargetJvm(pb.start());
        if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.close();
            throw new AssertionError("command did not finish in " + timeout + ": " + command + "\nout: " + p.out
                    + "\nerr: " + p.err);
        }
        p.drain();
        return new Result(p.process.exitValue(), String.join("\n", p.out), String.join("\n", p.err));
    }

    /** {@code jcmd PID COMMAND...} of the JDK at {@code javaHome}; fails unless it exits 0 within 60 s. */
    public static Result jcmd(Path javaHome, long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(command));
        Result r = run(Duration.ofSeconds(60), cmd);
        if (r.exitCode != 0) {
            throw new AssertionError("jcmd " + String.join(" ", command) + " failed: " + r);
        }
        return r;
    }

    /** What a finished command printed. */
    public static final class Result {
        public final int exitCode;
        public final String out;
        public final String err;

        Result(int exitCode, String out, String err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nout: " + out + "\nerr: " + err;
        }
    }

    /** Copies {@code in}'s lines into {@code sink} on a daemon thread, until the stream ends. */
    public static void pump(InputStream in, List<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        }, "target-output");
        t.setDaemon(true);
        t.start();
    }

    private void drain() throws InterruptedException {
        // let the pump threads read the last lines
        Thread.sleep(100);
    }

    /** The command line of a process as {@code ps} shows it (from /proc). */
    public static String cmdlineOf(long pid) throws IOException {
        return new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ');
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until a line of standard output matches. */
    public String awaitOut(Predicate<String> line, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (String l : out) {
                if (line.test(l)) {
                    return l;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching output line within " + timeout + "; out: " + out + "; err: " + err);
    }

    public TargetJvm awaitReady() throws InterruptedException {
        awaitOut(l -> l.startsWith("READY"), Duration.ofSeconds(30));
        return this;
    }

    /** Waits for the process to exit; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("JVM " + pid() + " still running after " + timeout + "; out: " + out + "; err: " + err);
        }
        drain();
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> out() {
        return out;
    }

    public List<String> err() {
        return err;
    }

    /** Closes the JVM's standard input (SleeperApp {@code stdin} mode then returns from main). */
    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
