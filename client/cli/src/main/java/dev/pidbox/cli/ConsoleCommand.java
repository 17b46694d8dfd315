package dev.pidbox.cli;

import dev.pidbox.cli.console.Console;
import dev.pidbox.fleet.Fleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pidbox console}: the fleet in a browser. Opens one broker session, watches its namespace (and any others
 * named), and serves the page, the JSON API, the event stream and {@code /metrics} on a local port until Ctrl-C.
 */
@Command(name = "console", description = {"A web console for the fleet: every node live in a browser, node pages,"
        + " rollouts, an event journal, a JSON API for scripts and Prometheus /metrics.",
    "Binds to 127.0.0.1 and prints a URL with a random access token; read-only unless --allow-mutations."})
final class ConsoleCommand extends Base {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8717",
            description = "port to listen on (default 8717; 0 for any free port)")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to listen on (default 127.0.0.1; anything else lets other machines in, with the"
                    + " token)")
    String bind;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "read the access token from FILE (else PIDBOX_CONSOLE_TOKEN, else a random one)")
    Path tokenFile;

    @Option(names = "--allow-mutations",
            description = "let the console send methods that change something (set_logger, reload, rollouts of them);"
                    + " by default it only sends methods every node describes as read")
    boolean allowMutations;

    @Option(names = "--celery", paramLabel = "NAMESPACE",
            description = "also watch this Celery namespace (its workers answer stats), e.g. --celery celery;"
                    + " repeatable")
    List<String> celery = new ArrayList<>();

    @Option(names = "--also", paramLabel = "NAMESPACE",
            description = "also watch this pidbox namespace; repeatable")
    List<String> also = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "DURATION",
            description = "time between refreshes (default: adapts to the fleet's size, 2s for up to 1000 nodes, 1s"
                    + " more per 500, at most 30s)")
    String interval;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "how long a refresh waits for answers (default 3/4 of the interval)")
    String timeout;

    @Option(names = "--slow", paramLabel = "DURATION", defaultValue = "1s",
            description = "a node that takes this long to answer is shown slow (default 1s)")
    String slow;

    @Option(names = "--forget-after", paramLabel = "DURATION", defaultValue = "60m",
            description = "a node silent this long is no longer shown (default 60m)")
    String forgetAfter;

    @Option(names = "--history", paramLabel = "N", defaultValue = "360",
            description = "refreshes of history kept per node (default 360)")
    int history;

    @Option(names = "--journal", paramLabel = "N", defaultValue = "10000",
            description = "journal entries kept (default 10000)")
    int journal;

    @Override
    int run() throws IOException, InterruptedException {
        if (groupBy() != null || format() != Options.Format.TABLE) {
            throw new IllegalArgumentException("--group-by and -o do not apply to console (its API answers JSON)");
        }
        Duration every = interval == null ? null : Durations.parse(interval);
        if (every != null && every.toMillis() < 200) {
            throw new IllegalArgumentException("--interval must be at least 200ms, got " + interval);
        }
        if (history < 2 || journal < 1) {
            throw new IllegalArgumentException("--history must be at least 2 and --journal at least 1");
        }
        String token = token();
        Console.Config config = new Console.Config(bind, port, token, allowMutations, every,
                timeout == null ? null : Durations.parse(timeout), Durations.parse(slow), Durations.parse(forgetAfter),
                history, journal, "0.1.0");
        try (Session session = openSession()) {
            Map<String, Fleet> fleets = new LinkedHashMap<>();
            fleets.put(session.namespace, session.fleet);
            Set<String> celeryNamespaces = new LinkedHashSet<>(celery);
            for (String ns : also) {
                fleets.putIfAbsent(ns, Fleet.of(session.mailbox(ns)));
            }
            for (String ns : celery) {
                fleets.putIfAbsent(ns, Fleet.of(session.mailbox(ns)));
            }
            PrintWriter err = err();
            Console console;
            try {
                console = Console.start(config, fleets, celeryNamespaces, session.namespace,
                        root().settings.key(root().broker.key) != null, err, Clock.systemUTC(), true);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                        + (port != 0 ? " (try --port 0 for any free port)" : ""), e);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                console.close();
                stopped.countDown();
            }, "pidbox-console-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            PrintWriter out = out();
            out.println("pidbox console for namespace" + (fleets.size() > 1 ? "s " : " ") + String.join(", ",
                    fleets.keySet()) + " on " + session.uri.replaceAll("//[^@/]*@", "//") + ", "
                    + (allowMutations ? "mutations ALLOWED" : "read-only"));
            out.println("open: " + console.url());
            out.println("press Ctrl-C to stop");
            out.flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                console.close();
            }
            return Render.OK;
        }
    }

    private String token() throws IOException {
        String t;
        if (tokenFile != null) {
            t = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            if (t.length() < 16) {
                throw new IllegalArgumentException("the token in " + tokenFile + " must have at least 16 characters");
            }
            return t;
        }
        t = root().settings.consoleToken();
        if (t != null) {
            if (t.length() < 16) {
                throw new IllegalArgumentException("PIDBOX_CONSOLE_TOKEN must have at least 16 characters");
            }
            return t;
        }
        return Console.randomToken();
    }
}
