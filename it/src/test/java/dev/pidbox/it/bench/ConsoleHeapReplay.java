package dev.pidbox.it.bench;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Reply;
import dev.pidbox.ReplyListener;
import dev.pidbox.Request;
import dev.pidbox.cli.console.Console;
import dev.pidbox.fleet.Caller;
import dev.pidbox.fleet.Fleet;
import dev.pidbox.fleet.Selector;
import dev.pidbox.it.bench.ConsoleBenchmark.SimClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The console's retained heap over a whole simulated hour, compressed by replaying answers recorded from the live
 * 1000-node fleet: {@link ConsoleHeap} drives real gathers, which on this machine take 20 minutes for an hour's 1800
 * refreshes; here the console's whole refresh path (fold, journal, history, the fleet document encoded for the
 * stream) runs 1800 times over a {@link Fleet} whose {@link Caller} answers with those recordings, in a minute or
 * two. To fill the journal, 5 nodes chosen at random stop answering at each refresh and come back 5 refreshes later
 * (missing, then back: about 18,000 journal entries an hour, past its 10,000 bound). What this leaves out is the
 * broker client's side of a gather, which keeps nothing between calls.
 */
final class ConsoleHeapReplay {
    private static final int RECORDINGS = 8;
    private static final int REFRESHES = 1800;
    private static final int AWAY_PER_REFRESH = 5;
    private static final int AWAY_FOR = 5;

    private final ConsoleBenchmark bench;
    private final Connection connection;
    private final String namespace;

    ConsoleHeapReplay(ConsoleBenchmark bench, Connection connection, String namespace) {
        this.bench = bench;
        this.connection = connection;
        this.namespace = namespace;
    }

    void run() throws Exception {
        List<CallResult> recorded = new ArrayList<>();
        Object describe = null;
        try (Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection)) {
            Fleet live = Fleet.of(mailbox);
            for (int i = 0; i < RECORDINGS * 4 && recorded.size() < RECORDINGS; i++) {
                CallResult r = live.gather("vitals").timeout(Duration.ofSeconds(3)).expect(ConsoleBenchmark.NODES)
                        .prepare().run(null);
                if (r.ok().size() == ConsoleBenchmark.NODES) {
                    recorded.add(r);
                }
            }
            if (recorded.isEmpty()) {
                bench.note("replayed hour: no gather got all " + ConsoleBenchmark.NODES + " nodes; not run");
                return;
            }
            String first = recorded.get(0).ok().get(0).node();
            CallResult d = live.gather("describe").select(Selector.all().names(first)).timeout(Duration.ofSeconds(5))
                    .prepare().run(null);
            describe = d.ok().isEmpty() ? null : d.ok().get(0).value();
        }
        Replay replay = new Replay(recorded, describe);
        long baseline = ConsoleBenchmark.retainedHeap();
        SimClock clock = new SimClock(Instant.now());
        List<String> labels = new ArrayList<>();
        List<Long> retained = new ArrayList<>();
        List<Map<String, Object>> figures = new ArrayList<>();
        long wall = System.nanoTime();
        try (Console console = bench.start(Map.of(namespace, new Fleet(replay)), clock)) {
            for (int n = 1; n <= REFRESHES; n++) {
                clock.advance(ConsoleBenchmark.EVERY);
                replay.refresh = n;
                console.refreshNow(ConsoleBenchmark.EVERY);
                if (n == 1 || n == 300 || n == 360 || n % 450 == 0) {
                    labels.add(n == 1 ? "after the first refresh" : n == 360 ? "history rings full"
                            : n * 2 / 60 + " simulated minutes");
                    retained.add(ConsoleBenchmark.retainedHeap() - baseline);
                    Map<String, Object> f = console.figures();
                    f.put("refreshes", n);
                    figures.add(f);
                }
            }
        }
        double seconds = (System.nanoTime() - wall) / 1e9;
        for (int i = 0; i < labels.size(); i++) {
            bench.row(String.format(Locale.ROOT, "console retained heap, replayed hour, %s (%s refreshes)",
                    labels.get(i), figures.get(i).get("refreshes")), String.format(Locale.ROOT, "%.1f MB",
                    retained.get(i) / 1048576.0), "-", "-", "journal " + figures.get(i).get("journal_entries")
                    + " entries, " + figures.get(i).get("nodes") + " nodes");
        }
        int ringFull = labels.indexOf("history rings full");
        int last = retained.size() - 1;
        bench.row("console heap growth from the full rings to the end of the replayed hour (the journal filling)",
                String.format(Locale.ROOT, "%+.1f MB over %d more refreshes", (retained.get(last)
                        - retained.get(ringFull)) / 1048576.0, REFRESHES - 360), "-", "-", "-");
        int journalFull = -1;
        for (int i = 0; i < figures.size() && journalFull < 0; i++) {
            if (((Number) figures.get(i).get("journal_entries")).intValue() >= 10_000) {
                journalFull = i;
            }
        }
        if (journalFull >= 0 && journalFull < last) {
            bench.row("console heap growth once the rings and the journal were both full", String.format(Locale.ROOT,
                    "%+.1f MB over %d more refreshes", (retained.get(last) - retained.get(journalFull)) / 1048576.0,
                    REFRESHES - ((Number) figures.get(journalFull).get("refreshes")).intValue()), "0 (bounded)",
                    "-", "-");
        }
        bench.note(String.format(Locale.ROOT, "replayed hour: %d refreshes over %d recorded gathers of the live"
                + " fleet, %d nodes away and back at each, in %.0f s of wall time", REFRESHES, recorded.size(),
                AWAY_PER_REFRESH, seconds));
    }

    /** Answers {@code vitals} with the recordings in turn, less the nodes away, and {@code describe} as recorded. */
    private static final class Replay implements Caller {
        private final List<CallResult> recorded;
        private final Object describe;
        private final Map<String, Integer> awayUntil = new HashMap<>();
        private final Random random = new Random(15);
        private final List<String> names = new ArrayList<>();
        volatile int refresh;
        private int lastChurn;

        Replay(List<CallResult> recorded, Object describe) {
            this.recorded = recorded;
            this.describe = describe;
            recorded.get(0).ok().forEach(r -> names.add(r.node()));
        }

        @Override
        public synchronized CallResult call(Request request, ReplyListener listener) {
            List<Reply> replies = new ArrayList<>();
            if (request.method().equals("describe") && describe != null) {
                for (String node : request.destination()) {
                    replies.add(new Reply(node, describe, Duration.ofMillis(2)));
                }
                return new CallResult("replay", replies, request.destination(), -1, Duration.ofMillis(2), false);
            }
            if (!request.method().equals("vitals")) {
                return new CallResult("replay", replies, null, -1, request.timeout(), true);
            }
            if (refresh != lastChurn) {
                lastChurn = refresh;
                for (int i = 0; i < AWAY_PER_REFRESH; i++) {
                    awayUntil.put(names.get(random.nextInt(names.size())), refresh + AWAY_FOR);
                }
            }
            for (Reply r : recorded.get(refresh % recorded.size()).ok()) {
                Integer until = awayUntil.get(r.node());
                if (until == null || until <= refresh) {
                    replies.add(r);
                }
            }
            Integer expect = request.expect();
            boolean deadline = expect == null || replies.size() < expect;
            return new CallResult("replay", replies, null, expect == null ? -1 : expect,
                    deadline ? request.timeout() : Duration.ofMillis(300), deadline);
        }
    }
}
