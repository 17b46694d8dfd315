package dev.pidbox.it.console;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code pidbox console} from the shipped {@code pidbox.jar} as a child process on a free port: the URL it prints
 * gives the port and the access token. The HTTP helpers use plain {@code java.net.http}, redirects not followed.
 */
final class ConsoleProcess implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/\\?token=([A-Za-z0-9_\\-]+)");

    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    final int port;
    final String token;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ConsoleProcess(Process process) throws InterruptedException {
        this.process = process;
        TargetJvm.pump(process.getInputStream(), out);
        TargetJvm.pump(process.getErrorStream(), err);
        Matcher m = awaitUrl();
        port = Integer.parseInt(m.group(1));
        token = m.group(2);
    }

    /** {@code pidbox --broker B --namespace NS console --port 0 ARGS...}. */
    static ConsoleProcess start(String namespace, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TargetJvm.currentJavaHome().resolve("bin/java").toString(),
                "-Xmx128m", "-jar", TargetJvm.cliJar().toString(), "--broker", RabbitMQ.uri(), "--namespace", namespace,
                "console", "--port", "0"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("PIDBOX_") || k.equals("JAVA_TOOL_OPTIONS"));
        return new ConsoleProcess(pb.start());
    }

    private Matcher awaitUrl() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (String line : out) {
                Matcher m = URL.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        close();
        throw new AssertionError("pidbox console printed no URL; out: " + out + "; err: " + err);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** The URL a person opens: with the token, which the console trades for its session cookie. */
    String loginUrl(String path) {
        return base() + path + (path.contains("?") ? "&" : "?") + "token=" + token;
    }

    HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Only the status and headers (for the event stream, whose body never ends). */
    HttpResponse<InputStream> open(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<InputStream> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r;
    }

    String bearer() {
        return "Bearer " + token;
    }

    /** {@code GET /api/session} with the token: read_only, namespaces... */
    Map<String, Object> session() throws IOException, InterruptedException {
        return session("Authorization", bearer());
    }

    /** {@code GET /api/session} with these credentials; a cookie session's holds its CSRF value. */
    @SuppressWarnings("unchecked")
    Map<String, Object> session(String... credentials) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/api/session", null, credentials);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /api/session: " + r.statusCode() + " " + r.body());
        }
        return (Map<String, Object>) JsonValues.decode(r.body());
    }

    /** The session cookie ({@code name=value}) the console sets for {@code /?token=TOKEN}. */
    String cookie() throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/?token=" + token, null);
        String set = r.headers().firstValue("Set-Cookie")
                .orElseThrow(() -> new AssertionError("no Set-Cookie for ?token=: " + r.statusCode() + " " + r.headers()));
        return set.split(";", 2)[0];
    }

    List<String> stderr() {
        return err;
    }

    @Override
    public void close() {
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

    /** For a failure's message: the console's stderr and its threads' stacks (jcmd Thread.print). */
    String diagnostics() {
        String dump;
        try {
            dump = TargetJvm.run(Duration.ofSeconds(30), List.of(TargetJvm.currentJavaHome().resolve("bin/jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print")).out;
        } catch (IOException | InterruptedException | RuntimeException e) {
            dump = "(no thread dump: " + e + ")";
        }
        return "console stderr: " + err + "\nconsole threads:\n" + dump;
    }
}
