package dev.pidbox.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.RabbitMQ;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Where the 1000-node gather's time goes between its bare floor and pidbox: a ladder of gathers in plain
 * amqp-client, each rung adding one part of kombu's wire to the one before ({@link WireRungNode},
 * {@link WireRungCaller}), up to kombu's whole wire, and pidbox's own gather last. All rungs run in the same 4 node
 * JVMs (250 nodes of each rung per JVM, each rung's nodes on one channel) and are timed interleaved, gather by
 * gather ({@link GatherComparison}). Command: {@code ./mvnw -B -Pbench -pl it verify -Dtest=GatherWireBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; knobs {@code bench.wireWarmup} (100 gathers of each rung),
 * {@code bench.wireReps} (41), {@code bench.wireLadder} ({@code lean} for the rungs of {@link #LEAN} instead),
 * {@code bench.wireCpuBlock} (0: no CPU column; else the gathers of each rung's CPU block). Writes
 * {@code it/target/gather-wire.md}.
 */
@RabbitMQ.Required
class GatherWireBenchmark {
    private static final int HOSTS = 4;
    private static final int NODES = 1000;
    private static final int WARMUP = Integer.getInteger("bench.wireWarmup", 100);
    private static final int REPS = Integer.getInteger("bench.wireReps", 41);
    private static final int CPU_BLOCK = Integer.getInteger("bench.wireCpuBlock", 0);

    private final String run = UUID.randomUUID().toString().substring(0, 6);

    /** One rung: what it adds, its nodes' flags ({@link WireRungNode}) and its client's ({@link WireRungCaller}). */
    private record Rung(String adds, String nodeFlags, String callerFlags) {
    }

    private static final List<Rung> RUNGS = List.of(
            new Rung("the bare floor: {\"method\": \"ping\"} with no properties; replies without properties to the"
                    + " default exchange, into a server-named queue", "", ""),
            new Rung("+ a kombu request body (not read by the nodes)", "", "b"),
            new Rung("+ the nodes read the body as JSON (ticket, reply_to)", "j", "b"),
            new Rung("+ replies carry a content type and the ticket header", "jh", "b"),
            new Rung("+ requests carry kombu's properties and headers (clock, expires)", "jh", "bp"),
            new Rung("+ replies go through the reply exchange to a reply queue declared as a mailbox's", "jhx", "bpr"),
            new Rung("+ node queues declared with Celery's x-expires and x-message-ttl: kombu's wire", "ajhx", "bpr"));

    /**
     * The lean ladder ({@code -Dbench.wireLadder=lean}): how much of kombu's wire a peer could shed and still be read
     * by kombu nodes (a request body without its null fields), or only by its own clients (the ticket as correlation
     * id instead of a header).
     */
    private static final List<Rung> LEAN = List.of(
            RUNGS.get(0),
            RUNGS.get(6),
            new Rung("kombu's wire with all of a kombu node's reply properties (content encoding, delivery mode,"
                    + " priority, clock header)", "ajfx", "bpr"),
            new Rung("kombu's wire with the compact request body", "ajhx", "cpr"),
            new Rung("kombu's wire with the compact request body and all of a kombu node's reply properties", "ajfx",
                    "cpr"),
            new Rung("kombu's wire with the compact body and the ticket as correlation id", "ajkx", "cpr"));

    /** The direct ladder ({@code -Dbench.wireLadder=direct}): kombu's wire with replies by direct reply-to. */
    private static final List<Rung> DIRECT = List.of(
            RUNGS.get(0),
            RUNGS.get(6),
            new Rung("kombu's wire, replies by RabbitMQ's direct reply-to (no reply queue)", "ajhx", "bpd"),
            new Rung("kombu's wire with all of a kombu node's reply properties, by direct reply-to", "ajfx", "bpd"));


    private String exchange(String nodeFlags) {
        return "pbt-bench-wire-" + (nodeFlags.isEmpty() ? "none" : nodeFlags) + "-" + run;
    }

    @Test
    void gatherWireLadder() throws Exception {
        String pidboxNs = "pbt-bench-wire-pidbox-" + run;
        String ladder = System.getProperty("bench.wireLadder", "");
        List<Rung> rungs = ladder.equals("lean") ? LEAN : ladder.equals("direct") ? DIRECT : RUNGS;
        Set<String> nodeFlags = new LinkedHashSet<>();
        rungs.forEach(r -> nodeFlags.add(r.nodeFlags()));
        List<PidboxBenchmark.Proc> hosts = new ArrayList<>();
        Map<String, GatherComparison.Gatherer> gatherers = new LinkedHashMap<>();
        try {
            int share = NODES / HOSTS;
            for (int h = 0; h < HOSTS; h++) {
                List<String> cmd = new ArrayList<>(List.of(
                        Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                        System.getProperty("java.class.path"), BenchNodeHost.class.getName(), RabbitMQ.uri()));
                for (String f : nodeFlags) {
                    cmd.add(exchange(f) + ":w:" + h * share + ":" + share + ":wire" + (f.isEmpty() ? "" : "-" + f));
                }
                cmd.add(pidboxNs + ":j:" + h * share + ":" + share);
                hosts.add(new PidboxBenchmark.Proc("wire-host-" + h, new ProcessBuilder(cmd).start()));
            }
            for (PidboxBenchmark.Proc h : hosts) {
                h.await(l -> l.startsWith("READY"), Duration.ofSeconds(180));
            }
            try (Connection connection = RabbitMQ.connect("pidbox-bench-wire-client")) {
                for (Rung r : rungs) {
                    gatherers.put(r.adds(), new WireRungCaller(connection, exchange(r.nodeFlags()), r.callerFlags(),
                            NODES));
                }
                String pidbox = "pidbox: Mailbox.call(ping, expect 1000) to 1000 pidbox nodes";
                gatherers.put(pidbox, GatherComparison.pidbox(Mailbox.builder(pidboxNs).build().bind(connection),
                        NODES));
                CpuMeter cpu = new CpuMeter().addBroker();
                for (int h = 0; h < HOSTS; h++) {
                    cpu.add("nodes", hosts.get(h).pid());
                }
                cpu.add("client", ProcessHandle.current().pid());
                Map<String, GatherComparison.Result> results = GatherComparison.run(gatherers, WARMUP, CPU_BLOCK, REPS,
                        cpu);
                report(results);
            }
        } finally {
            for (GatherComparison.Gatherer g : gatherers.values()) {
                try {
                    g.close();
                } catch (Exception e) {
                    // the connection's close ends it anyway
                }
            }
            hosts.forEach(PidboxBenchmark.Proc::close);
        }
    }

    private void report(Map<String, GatherComparison.Result> results) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add("| rung | median ms | 25th / 50th / 75th | ratio to the bare floor | step over the rung before |"
                + " fewest replies |" + (CPU_BLOCK > 0 ? " CPU per gather |" : ""));
        lines.add("|---|---|---|---|---|---|" + (CPU_BLOCK > 0 ? "---|" : ""));
        double bare = 0;
        double before = 0;
        boolean all = true;
        for (Map.Entry<String, GatherComparison.Result> e : results.entrySet()) {
            GatherComparison.Result r = e.getValue();
            double median = PidboxBenchmark.median(r.times);
            if (bare == 0) {
                bare = median;
                before = median;
            }
            all &= r.fewest == NODES;
            lines.add(String.format(Locale.ROOT, "| %s | %.1f | %s | %s | %s | %d/%d%s |%s", e.getKey(), median,
                    PidboxBenchmark.quartiles(r.times), PidboxBenchmark.ratio(median, bare),
                    PidboxBenchmark.ratio(median, before), r.fewest, NODES, r.fewest == NODES ? "" : " (invalid)",
                    CPU_BLOCK > 0 ? " " + r.cpu + " |" : ""));
            before = median;
        }
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%d node JVMs, %d nodes per rung, %d warm-up gathers of each rung, then %d"
                + " of each, interleaved gather by gather, 200 ms apart.", HOSTS, NODES, WARMUP, REPS)
                + (CPU_BLOCK > 0 ? String.format(Locale.ROOT, " CPU: a block of %d back-to-back gathers of each rung,"
                        + " after an unmeasured one.", CPU_BLOCK) : ""));
        Path out = Paths.get("target", "gather-wire.md");
        Files.write(out, lines, StandardCharsets.UTF_8);
        lines.forEach(l -> System.out.println("WIRE " + l));
        assertThat(all).as("every rung's every gather got its %d replies:%n%s", NODES, String.join("\n", lines))
                .isTrue();
    }
}
