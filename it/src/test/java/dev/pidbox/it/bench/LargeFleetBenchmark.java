package dev.pidbox.it.bench;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Request;
import dev.pidbox.it.support.RabbitMQ;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The 10,000-node gather of issue 17. {@code bench.fleetJvms} (5) {@link BenchNodeHost} JVMs, each one connection,
 * start empty; the fleet then grows step by step ({@code bench.fleetSteps}, by default 1000, 2000, 5000 and
 * {@code bench.fleetNodes}, 10,000) by telling every host to {@code add} its share of the new nodes, so that every
 * size is measured in the same JVMs and against the same broker state, and a size the machine cannot hold still
 * leaves the smaller ones measured. At each size:
 * <ul>
 * <li>start-up: from the {@code add} lines to the last host's {@code READY}, with the count each host reports;</li>
 * <li>the broker's memory ({@code vm_memory_monitor:get_process_memory()}, the RSS figure the management API reports
 * as {@code mem_used}, and {@code erlang:memory(total)}; the memory of the node queues' own Erlang processes besides,
 * which other clients of a shared broker cannot disturb) and the node JVMs' heap used after a full GC (the hosts'
 * {@code heap} command), each against the same fleet with no node yet, per 1000 nodes;</li>
 * <li>{@code bench.fleetWarmup} gathers back to back (CPU per gather of the broker, the node JVMs and this client
 * from {@link CpuMeter} over the second half), then {@code bench.fleetReps} (11) measured ones 200 ms apart: a
 * client {@link Mailbox} broadcasting {@code ping} with {@code expect(n)} and a 10 s timeout; median, p99 (with
 * 11 repetitions the p99 is the maximum), fewest replies and replies lost in total.</li>
 * </ul>
 * <p>Then, at each size, the gather against its floors, in the same hosts and the same run: for each kind of
 * {@code bench.fleetFloors} ({@code bare,kombu}; empty for none) the hosts add n plain amqp-client nodes beside the
 * pidbox ones ({@link WireRungNode}, {@code bare}: the bare floor, {@code kombu}: kombu's wire, the last rung of
 * {@link GatherWireBenchmark}), pidbox and the floors are timed interleaved ({@link GatherComparison}:
 * {@code bench.fleetFloorWarmup} (15) gathers of each, a CPU block of 10 each, then {@code bench.fleetReps} of each,
 * rotating), and the floors' nodes are dropped again before the next size, so that the memory and counts of the
 * next size are the pidbox fleet's alone.
 *
 * <p>Controls: every host reports the node count it was told, the broker holds exactly that many node queues of the
 * namespace, and the broker's total queue and channel counts moved by the fleet alone (the broker is shared; another
 * client's queues would make the memory figure someone else's too). A row whose control fails says {@code invalid}.
 * Before the fleet starts, the broker's limits that bear on 10,000 queues and consumers are read and checked against
 * what the fleet needs; they are read again with the fleet up. Writes {@code it/target/large-fleet.md}.
 */
@RabbitMQ.Required
class LargeFleetBenchmark {
    static final int NODES = Integer.getInteger("bench.fleetNodes", 10_000);
    static final int JVMS = Integer.getInteger("bench.fleetJvms", 5);
    static final int REPS = Integer.getInteger("bench.fleetReps", 11);
    static final int WARMUP = Integer.getInteger("bench.fleetWarmup", 30);
    static final String STEPS = System.getProperty("bench.fleetSteps", "1000,2000,5000");
    static final String XMX = System.getProperty("bench.fleetXmx", "1g");
    static final String FLOORS = System.getProperty("bench.fleetFloors", "bare,kombu");
    static final int FLOOR_WARMUP = Integer.getInteger("bench.fleetFloorWarmup", 15);
    static final int FLOOR_CPU_BLOCK = 10;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Channels a pidbox host's connection holds besides one per node: the shared consume and reply channels. */
    static final int SHARED_CHANNELS = 2;

    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final String namespace = "pbt-bench-fleet-" + run;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long settleMillis = 6000;

    /** What the broker holds at one moment (exact, read with rabbitmqctl eval, not the management statistics). */
    record Broker(long queues, long nodeQueues, long connections, long channels, long processes, long rssBytes,
            long erlangBytes, long queueProcessBytes, long statsIntervalMs) {
    }

    /** One fleet size: its start-up, memory and gathers. */
    record Step(int nodes, int ready, double upSeconds, Broker broker, long heapBytes, List<Double> ms,
            List<Integer> answered, String cpu, String warmupNote, Floors floors) {
    }

    /** The gather against its floors at one size: each kind's results (pidbox's first), and the controls. */
    record Floors(Map<String, GatherComparison.Result> results, List<String> control, boolean valid) {
    }

    @Test
    void largeFleet() throws Exception {
        long started = System.nanoTime();
        TreeSet<Integer> sizes = new TreeSet<>();
        for (String s : STEPS.split(",")) {
            if (!s.isBlank() && Integer.parseInt(s.trim()) < NODES) {
                sizes.add(Integer.parseInt(s.trim()));
            }
        }
        sizes.add(NODES);
        List<Step> steps = new ArrayList<>();
        List<PidboxBenchmark.Proc> hosts = new ArrayList<>();
        try {
            limits();
            Broker empty = broker();
            notes.add("before the fleet: broker " + mb(empty.rssBytes) + " MB RSS (mem_used), "
                    + mb(empty.erlangBytes) + " MB erlang:memory(total), " + empty.queues + " queues, "
                    + empty.connections + " connections (other clients included)");
            for (int j = 0; j < JVMS; j++) {
                List<String> cmd = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + XMX, "-cp", System.getProperty("java.class.path"), BenchNodeHost.class.getName(),
                        RabbitMQ.uri());
                hosts.add(new PidboxBenchmark.Proc("fleet-host-" + j, new ProcessBuilder(cmd).start()));
            }
            for (PidboxBenchmark.Proc h : hosts) {
                h.await(l -> l.equals("READY 0"), Duration.ofSeconds(120));
            }
            CpuMeter cpu = new CpuMeter().addBroker().add("client", ProcessHandle.current().pid());
            hosts.forEach(h -> cpu.add("node JVMs", h.pid()));
            try (Connection connection = RabbitMQ.connect("pidbox-bench-fleet-client");
                    Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection)) {
                // One call first, so that the client's reply queue exists in the baseline too.
                mailbox.call(Request.builder("ping").timeout(Duration.ofMillis(100)).build(), null);
                Broker base = broker();
                long baseHeap = heap(hosts);
                notes.add(String.format(Locale.ROOT, "baseline (%d host JVMs connected with no node, the client's"
                        + " mailbox bound): broker %s MB RSS, %s MB erlang:memory(total); node JVMs' heap after a full"
                        + " GC %s MB in all", JVMS, mb(base.rssBytes), mb(base.erlangBytes), mb(baseHeap)));
                int have = 0;
                for (int n : sizes) {
                    Step s = step(hosts, connection, mailbox, cpu, have, n);
                    steps.add(s);
                    report(s, base, baseHeap, empty);
                    if (s.ready != n || s.ms.isEmpty()) {
                        break;
                    }
                    have = n;
                }
                Broker up = broker();
                notes.add(limitsNow(up, base));
                if (steps.stream().anyMatch(st -> st.answered.stream().anyMatch(a -> a < st.nodes))) {
                    for (PidboxBenchmark.Proc h : hosts) { // what a host said when replies went missing
                        notes.add(h.name + ": last output " + tail(h.lines, 5) + "; stderr " + tail(h.errors, 8));
                    }
                }
            }
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            row("fleet", "FAILED: " + e.toString().replace('\n', ' '), "-", "-", "invalid");
            for (PidboxBenchmark.Proc h : hosts) {
                notes.add(h.name + ": last output " + tail(h.lines, 5) + "; stderr " + tail(h.errors, 8));
            }
        } finally {
            long closing = System.nanoTime();
            for (PidboxBenchmark.Proc h : hosts) {
                h.close();
            }
            notes.add(String.format(Locale.ROOT, "hosts stopped in %.1f s; node queues of the namespace still on the"
                    + " broker %d s later: %d", (System.nanoTime() - closing) / 1e9, 5, settleQueues()));
            notes.add(String.format(Locale.ROOT, "whole run: %.0f s", (System.nanoTime() - started) / 1e9));
            goal(steps);
            write();
        }
    }

    /** Grows the fleet from {@code have} to {@code n} nodes, then measures it. */
    private Step step(List<PidboxBenchmark.Proc> hosts, Connection connection, Mailbox mailbox, CpuMeter cpu,
            int have, int n) throws Exception {
        int[] marks = new int[hosts.size()];
        long t0 = System.nanoTime();
        for (int j = 0; j < hosts.size(); j++) {
            int from = share(have, j);
            int count = share(n, j) - from;
            marks[j] = hosts.get(j).lines.size();
            send(hosts.get(j), "add " + namespace + ":h" + j + ":" + from + ":" + count);
        }
        int ready = 0;
        for (int j = 0; j < hosts.size(); j++) {
            PidboxBenchmark.Proc h = hosts.get(j);
            String r = awaitAfter(h, marks[j], "READY ", Duration.ofSeconds(900));
            int got = Integer.parseInt(r.substring(6).trim());
            ready += got;
            for (String l : h.lines.subList(marks[j], h.lines.size())) {
                if (l.startsWith("ERROR")) {
                    notes.add(h.name + " at " + n + " nodes: " + l + " (it reports " + got + " of " + share(n, j)
                            + " nodes up)");
                }
            }
        }
        double up = (System.nanoTime() - t0) / 1e9;
        // The new queues' and channels' first statistics (collect_statistics_interval) and the hosts' allocations.
        Thread.sleep(settleMillis);
        Broker b = broker();
        long heap = heap(hosts);
        List<Double> ms = new ArrayList<>();
        List<Integer> answered = new ArrayList<>();
        String cpuNote = "-";
        String warmupNote = "";
        if (ready == n) {
            Request request = Request.builder("ping").expect(n).timeout(TIMEOUT).build();
            int incomplete = 0;
            for (int i = 0; i < WARMUP; i++) {
                if (i == WARMUP / 2) {
                    cpu.start();
                }
                CallResult r = mailbox.call(request, null);
                incomplete = r.answered().size() < n ? incomplete + 1 : 0;
                if (incomplete == 3) {
                    warmupNote = "warm-up cut short after " + (i + 1) + " gathers: three in a row lost replies ("
                            + r.answered().size() + " of " + n + " in the last)";
                    break;
                }
            }
            if (warmupNote.isEmpty()) {
                cpuNote = cpu.perOp(WARMUP - WARMUP / 2, "gather");
            }
            for (int i = 0; i < REPS; i++) {
                CallResult r = mailbox.call(request, null);
                ms.add(r.elapsed().toNanos() / 1e6);
                answered.add(r.answered().size());
                Thread.sleep(200);
            }
        }
        Floors floors = ready == n && !ms.isEmpty() ? floors(hosts, connection, mailbox, cpu, n) : null;
        return new Step(n, ready, up, b, heap, ms, answered, cpuNote, warmupNote, floors);
    }

    /**
     * The gather against its floors at this size (see the class comment). The floors' nodes are dropped again, and
     * the broker is waited on until its queue count is back where it was, before this returns.
     */
    private Floors floors(List<PidboxBenchmark.Proc> hosts, Connection connection, Mailbox mailbox, CpuMeter cpu,
            int n) throws Exception {
        List<String> kinds = new ArrayList<>();
        for (String k : FLOORS.split(",")) {
            if (!k.isBlank()) {
                kinds.add(k.trim());
            }
        }
        if (kinds.isEmpty()) {
            return null;
        }
        long queuesBefore = broker().queues;
        List<String> control = new ArrayList<>();
        boolean valid = true;
        Map<String, GatherComparison.Gatherer> gatherers = new LinkedHashMap<>();
        gatherers.put("pidbox", GatherComparison.pidbox(mailbox, n));
        List<String> added = new ArrayList<>();
        try {
            for (String kind : kinds) {
                String nodeKind = switch (kind) {
                    case "bare" -> "wire";
                    case "kombu" -> "wire-ajhx";
                    default -> throw new IllegalArgumentException("bench.fleetFloors: unknown floor " + kind
                            + " (bare or kombu)");
                };
                String ns = namespace + "-" + kind;
                added.add(ns);
                int[] marks = new int[hosts.size()];
                for (int j = 0; j < hosts.size(); j++) {
                    marks[j] = hosts.get(j).lines.size();
                    send(hosts.get(j), "add " + ns + ":h" + j + ":0:" + share(n, j) + ":" + nodeKind);
                }
                for (int j = 0; j < hosts.size(); j++) {
                    String r = awaitAfter(hosts.get(j), marks[j], "READY ", Duration.ofSeconds(900));
                    int want = share(n, j) * (1 + added.size());
                    if (Integer.parseInt(r.substring(6).trim()) != want) {
                        valid = false;
                        control.add(hosts.get(j).name + " " + r + " (want " + want + ")");
                    }
                }
                long queues = queuesEndingWith("." + ns);
                valid &= queues == n;
                control.add(String.format(Locale.ROOT, "%s: %d node queues (want %d)", kind, queues, n));
                gatherers.put(kind, new WireRungCaller(connection, ns, kind.equals("kombu") ? "bpr" : "", n));
            }
            if (!valid) {
                return new Floors(Map.of(), control, false);
            }
            Map<String, GatherComparison.Result> results = GatherComparison.run(gatherers, FLOOR_WARMUP,
                    FLOOR_CPU_BLOCK, REPS, cpu);
            for (Map.Entry<String, GatherComparison.Result> e : results.entrySet()) {
                valid &= e.getValue().fewest == n;
                control.add(e.getKey() + " fewest replies " + e.getValue().fewest + "/" + n);
            }
            return new Floors(results, control, valid);
        } finally {
            for (Map.Entry<String, GatherComparison.Gatherer> e : gatherers.entrySet()) {
                if (!e.getKey().equals("pidbox")) { // pidbox's closes the client's mailbox
                    e.getValue().close();
                }
            }
            for (String ns : added) {
                int[] marks = new int[hosts.size()];
                for (int j = 0; j < hosts.size(); j++) {
                    marks[j] = hosts.get(j).lines.size();
                    send(hosts.get(j), "drop " + ns);
                }
                for (int j = 0; j < hosts.size(); j++) {
                    awaitAfter(hosts.get(j), marks[j], "READY ", Duration.ofSeconds(300));
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long queues = broker().queues;
            while (queues != queuesBefore && System.nanoTime() < end) {
                Thread.sleep(500);
                queues = broker().queues;
            }
            if (queues != queuesBefore) {
                notes.add(String.format(Locale.ROOT, "%,d nodes: the floors' queues were not all deleted after"
                        + " their nodes stopped (%d queues, %d before the floors)", n, queues, queuesBefore));
            }
        }
    }

    /** How many queues on the broker have a name ending in {@code suffix}. */
    private static long queuesEndingWith(String suffix) throws Exception {
        String out = BrokerCounts.rabbitmqctl("eval", "S = <<\"" + suffix + "\">>, length([Q || Q <-"
                + " rabbit_amqqueue:list(), binary:longest_common_suffix([element(4, amqqueue:get_name(Q)), S])"
                + " == byte_size(S)]).").trim();
        if (!out.matches("\\d+")) {
            throw new IllegalStateException("rabbitmqctl eval answered: " + out);
        }
        return Long.parseLong(out);
    }

    /** Host {@code j}'s share of an {@code n}-node fleet (the first {@code n % JVMS} hosts hold one more). */
    private static int share(int n, int j) {
        return n / JVMS + (j < n % JVMS ? 1 : 0);
    }

    private void report(Step s, Broker base, long baseHeap, Broker empty) {
        String size = String.format(Locale.ROOT, "%,d nodes in %d JVMs", s.nodes, JVMS);
        boolean fleetOk = s.ready == s.nodes && s.broker.nodeQueues == s.nodes;
        String fleetControl = s.ready + " nodes READY, " + s.broker.nodeQueues + " node queues on the broker (want "
                + s.nodes + ")";
        row("start-up, " + size + " (the added nodes, hosts in parallel)", String.format(Locale.ROOT,
                "%.1f s", s.upSeconds), fleetControl, "-", fleetOk ? "-" : "invalid");
        long otherQueues = s.broker.queues - base.queues - s.nodes;
        // Each host opens its shared consume and reply channels when its first node listens.
        long sharedChannels = s.broker.channels - base.channels - s.nodes;
        boolean brokerOk = fleetOk && otherQueues == 0 && s.broker.connections == base.connections
                && sharedChannels >= 0 && sharedChannels <= SHARED_CHANNELS * JVMS
                && s.broker.rssBytes > base.rssBytes;
        double per1000 = 1000.0 / Math.max(1, s.nodes);
        row("broker memory per 1000 nodes, " + size, String.format(Locale.ROOT, "%.1f MB RSS (mem_used), %.1f MB"
                + " erlang:memory(total)", (s.broker.rssBytes - base.rssBytes) / 1e6 * per1000,
                (s.broker.erlangBytes - base.erlangBytes) / 1e6 * per1000) + String.format(Locale.ROOT, "; the"
                + " node queues' own processes alone %.1f MB", s.broker.queueProcessBytes / 1e6 * per1000),
                "RSS grew, broker queues +" + (s.broker.queues - base.queues) + " (want +" + s.nodes
                        + "), channels +" + (s.broker.channels - base.channels) + " (want +" + s.nodes + " and up to "
                        + SHARED_CHANNELS * JVMS + " shared), connections "
                        + base.connections + " -> " + s.broker.connections, "-", brokerOk ? "-" : "invalid");
        row("node JVMs' heap per 1000 nodes (after a full GC), " + size, String.format(Locale.ROOT, "%.1f MB",
                (s.heapBytes - baseHeap) / 1e6 * per1000), fleetControl, "-", fleetOk ? "-" : "invalid");
        notes.add(String.format(Locale.ROOT, "%s: broker %s MB RSS, %s MB erlang:memory(total) (%s MB RSS before"
                + " the hosts started), %d Erlang processes, %d channels, %d queues and %d connections in all,"
                + " collect_statistics_interval %d ms; node JVMs' heap %s MB after a full GC (%s MB with no node)",
                size, mb(s.broker.rssBytes), mb(s.broker.erlangBytes), mb(empty.rssBytes), s.broker.processes,
                s.broker.channels, s.broker.queues, s.broker.connections, s.broker.statsIntervalMs, mb(s.heapBytes),
                mb(baseHeap)));
        if (s.ms.isEmpty()) {
            row("gather, " + size, "not measured: the fleet did not come up", fleetControl, "< 1 s, 0 lost",
                    "invalid");
            return;
        }
        double[] v = s.ms.stream().mapToDouble(Double::doubleValue).toArray();
        double median = PidboxBenchmark.median(s.ms);
        double p99 = PidboxBenchmark.percentile(v, 99);
        double max = Collections.max(s.ms);
        int fewest = Collections.min(s.answered);
        long lost = s.answered.stream().mapToLong(a -> s.nodes - a).sum();
        row("gather, " + size + " (" + REPS + " after " + WARMUP + " warm-up" + (REPS < 100 ? "; p99 of " + REPS
                + " is the max" : "") + ")", String.format(Locale.ROOT, "median %s, p99 %s, max %s; fewest replies"
                + " %d/%d, %d lost in all", PidboxBenchmark.ms(median), PidboxBenchmark.ms(p99),
                PidboxBenchmark.ms(max), fewest, s.nodes, lost), fleetControl, "< 1 s, 0 lost",
                PidboxBenchmark.control(fleetOk, median < 1000 && lost == 0));
        row("CPU per gather, " + size, s.cpu + (s.warmupNote.isEmpty() ? " (the second half of the warm-up, back to"
                + " back)" : ""), "-", "-", "-");
        notes.add(size + ": gathers (ms) " + PidboxBenchmark.fmt(s.ms) + "; replies " + s.answered
                + (s.warmupNote.isEmpty() ? "" : "; " + s.warmupNote));
        if (s.floors != null) {
            reportFloors(s, size);
        }
    }

    private void reportFloors(Step s, String size) {
        Floors f = s.floors;
        String control = String.join(", ", f.control);
        if (f.results.isEmpty()) {
            row("gather against its floors, " + size, "not measured: the floors' nodes did not come up", control,
                    "-", "invalid");
            return;
        }
        double pidbox = PidboxBenchmark.median(f.results.get("pidbox").times);
        GatherComparison.Result bare = f.results.get("bare");
        StringBuilder value = new StringBuilder("pidbox " + PidboxBenchmark.ms(pidbox));
        List<String> cpu = new ArrayList<>();
        for (Map.Entry<String, GatherComparison.Result> e : f.results.entrySet()) {
            cpu.add(e.getKey() + ": " + e.getValue().cpu);
            notes.add(size + ", against the floors, " + e.getKey() + " (ms): " + PidboxBenchmark.fmt(e.getValue().times));
            if (e.getKey().equals("pidbox")) {
                continue;
            }
            double m = PidboxBenchmark.median(e.getValue().times);
            value.append("; ").append(e.getKey().equals("bare") ? "bare floor " : "kombu's wire in plain amqp-client ")
                    .append(PidboxBenchmark.ms(m)).append(" (pidbox ").append(PidboxBenchmark.ratio(pidbox, m))
                    .append(" of it");
            if (bare != null && e.getValue() != bare) {
                value.append("; it is ").append(PidboxBenchmark.ratio(m, PidboxBenchmark.median(bare.times)))
                        .append(" of the bare floor");
            }
            value.append(')');
        }
        row("gather against its floors, " + size + " (medians of " + REPS + ", interleaved, after " + FLOOR_WARMUP
                + " warm-up and two CPU blocks of " + FLOOR_CPU_BLOCK + " each)", value.toString(), control, "-",
                f.valid ? "-" : "invalid");
        row("CPU per gather against its floors, " + size, String.join("; ", cpu), "-", "-", "-");
    }

    /** The goal row: the largest size asked for, under 1 s median with 0 lost. */
    private void goal(List<Step> steps) {
        Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        if (last == null || last.nodes != NODES || last.ms.isEmpty()) {
            int largest = 0;
            for (Step s : steps) {
                if (!s.ms.isEmpty() && s.ready == s.nodes) {
                    largest = s.nodes;
                }
            }
            row(String.format(Locale.ROOT, "goal: %,d-node gather under 1 s with 0 lost", NODES),
                    String.format(Locale.ROOT, "not measured; largest fleet gathered: %,d nodes (see notes)", largest),
                    "-", "< 1 s, 0 lost", "no");
            return;
        }
        double median = PidboxBenchmark.median(last.ms);
        long lost = last.answered.stream().mapToLong(a -> last.nodes - a).sum();
        boolean fleetOk = last.ready == last.nodes && last.broker.nodeQueues == last.nodes;
        row(String.format(Locale.ROOT, "goal: %,d-node gather under 1 s with 0 lost", NODES), String.format(
                Locale.ROOT, "median %s, %d lost", PidboxBenchmark.ms(median), lost), fleetOk ? "fleet complete"
                        : "fleet incomplete", "< 1 s, 0 lost", PidboxBenchmark.control(fleetOk, median < 1000
                                && lost == 0));
    }

    // ------------------------------------------------------------------ the broker

    /** Reads the broker's limits that bear on a large fleet and checks them against what this fleet needs. */
    private void limits() throws Exception {
        String env = BrokerCounts.rabbitmqctl("eval", "[{process_limit, erlang:system_info(process_limit)},"
                + " {process_count, erlang:system_info(process_count)}, {port_limit, erlang:system_info(port_limit)},"
                + " {ets_limit, erlang:system_info(ets_limit)}, {atom_limit, erlang:system_info(atom_limit)},"
                + " {channel_max, application:get_env(rabbit, channel_max, undefined)},"
                + " {connection_max, application:get_env(rabbit, connection_max, undefined)},"
                + " {consumer_max_per_channel, application:get_env(rabbit, consumer_max_per_channel, undefined)},"
                + " {memory_high_watermark, vm_memory_monitor:get_vm_memory_high_watermark()},"
                + " {memory_limit, vm_memory_monitor:get_memory_limit()},"
                + " {file_handles, file_handle_cache:info()}, {ulimit_n, file_handle_cache:ulimit()},"
                + " {collect_statistics, application:get_env(rabbit, collect_statistics, undefined)},"
                + " {collect_statistics_interval, application:get_env(rabbit, collect_statistics_interval, undefined)}"
                + "].");
        String vhostLimits = BrokerCounts.rabbitmqctl("list_vhost_limits");
        String userLimits = BrokerCounts.rabbitmqctl("list_user_limits");
        String version = BrokerCounts.rabbitmqctl("eval", "rabbit_misc:version().");
        int perJvm = share(NODES, 0);
        long channelMax = number(env, "channel_max", 2047);
        long negotiated = channelMax == 0 ? ConnectionFactory.DEFAULT_CHANNEL_MAX
                : Math.min(channelMax, ConnectionFactory.DEFAULT_CHANNEL_MAX);
        String compact = env.replaceAll("\\s+", " ");
        settleMillis = Math.max(3000, number(env, "collect_statistics_interval", 5000) + 1000);
        notes.add("broker " + version + " limits read before the fleet (rabbitmqctl eval): " + compact
                + "; list_vhost_limits: " + (vhostLimits.isBlank() ? "none" : vhostLimits.replaceAll("\\s+", " "))
                + "; list_user_limits: " + (userLimits.isBlank() ? "none" : userLimits.replaceAll("\\s+", " ")));
        String channels = String.format(Locale.ROOT, "channels per connection: a pidbox host holds one channel per"
                + " node (its declares, kept for topology recovery) plus %d shared ones, so %,d nodes per JVM need %,d"
                + " channels; the connection negotiates min(broker channel_max %d, amqp-client's requested %d) = %d",
                SHARED_CHANNELS, perJvm, perJvm + SHARED_CHANNELS, channelMax, ConnectionFactory.DEFAULT_CHANNEL_MAX,
                negotiated);
        if (perJvm + SHARED_CHANNELS > negotiated) {
            notes.add(channels + ": does NOT fit; raising the broker's channel_max alone would not help (the client"
                    + " asks for " + ConnectionFactory.DEFAULT_CHANNEL_MAX + "), so use more JVMs (-Dbench.fleetJvms)");
        } else {
            notes.add(channels + ": fits");
        }
        notes.add("nothing raised before the fleet: no vhost or user limit caps queues, connections or channels;"
                + " this broker version has no limit on consumers per channel; connection_max is infinity; the"
                + " Erlang process, ETS and file-handle limits and the memory high watermark are checked against"
                + " their use with the fleet up (note 'with the fleet up')");
        System.out.println("BENCH | limits | " + compact);
    }

    /** The limits' use with the fleet up. */
    private String limitsNow(Broker up, Broker base) throws Exception {
        String now = BrokerCounts.rabbitmqctl("eval", "[{process_count, erlang:system_info(process_count)},"
                + " {process_limit, erlang:system_info(process_limit)}, {port_count, erlang:system_info(port_count)},"
                + " {ets_count, length(ets:all())}, {ets_limit, erlang:system_info(ets_limit)},"
                + " {file_handles, file_handle_cache:info()}, {memory_limit, vm_memory_monitor:get_memory_limit()},"
                + " {alarms, rabbit_alarm:get_alarms()},"
                + " {collect_statistics_interval, application:get_env(rabbit, collect_statistics_interval, undefined)}"
                + "].").replaceAll("\\s+", " ");
        System.out.println("BENCH | limits with the fleet up | " + now);
        List<String> near = new ArrayList<>();
        List<String> use = new ArrayList<>();
        for (String[] u : new String[][] {{"process_count", "process_limit"}, {"ets_count", "ets_limit"},
                {"sockets_used", "sockets_limit"}, {"total_used", "total_limit"}}) {
            long used = number(now, u[0], -1);
            long limit = number(now, u[1], -1);
            use.add(String.format(Locale.ROOT, "%s %,d of %,d", u[0], used, limit));
            if (used < 0 || limit <= 0 || used > limit / 2) {
                near.add(u[0]);
            }
        }
        long memLimit = number(now, "memory_limit", -1);
        use.add(String.format(Locale.ROOT, "memory %s MB RSS of the %s MB high watermark", mb(up.rssBytes),
                mb(memLimit)));
        if (memLimit <= 0 || up.rssBytes > memLimit / 2 || !now.contains("{alarms,[]}")) {
            near.add("memory");
        }
        return String.format(Locale.ROOT, "with the fleet up (%d node queues): %s; Erlang processes %d -> %d"
                + " (%.1f per node); use: %s; %s", up.nodeQueues, now, base.processes, up.processes,
                (up.processes - base.processes) / (double) Math.max(1, up.nodeQueues), String.join(", ", use),
                near.isEmpty() ? "every limit under half used and no alarm: nothing needed raising"
                        : "over half used or unread (raise before a larger fleet): " + near);
    }

    private Broker broker() throws Exception {
        String suffix = "." + namespace + ".pidbox";
        // Node queues end in ".NS.pidbox", and so do the client's reply queues (".reply.NS.pidbox"): both counted.
        String out = BrokerCounts.rabbitmqctl("eval", "S = <<\"" + suffix + "\">>, R = <<\".reply" + suffix
                + "\">>, E = fun(N, X) -> binary:longest_common_suffix([N, X]) == byte_size(X) end, Ns = [element(4,"
                + " amqqueue:get_name(Q)) || Q <- rabbit_amqqueue:list()], {length(Ns), length([N || N <- Ns,"
                + " E(N, S)]), length([N || N <- Ns, E(N, R)]), length(rabbit_networking:connections()),"
                + " length(rabbit_channel:list()), erlang:system_info(process_count),"
                + " vm_memory_monitor:get_process_memory(), erlang:memory(total), lists:sum([case"
                + " erlang:process_info(amqqueue:get_pid(Q), memory) of {memory, M} -> M; _ -> 0 end || Q <-"
                + " rabbit_amqqueue:list(), E(element(4, amqqueue:get_name(Q)), S)]), element(2,"
                + " application:get_env(rabbit, collect_statistics_interval))}.");
        Matcher m = Pattern.compile("\\{(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)}")
                .matcher(out.replaceAll("\\s+", ""));
        if (!m.find()) {
            throw new IllegalStateException("rabbitmqctl eval answered: " + out);
        }
        long[] v = new long[10];
        for (int i = 0; i < 10; i++) {
            v[i] = Long.parseLong(m.group(i + 1));
        }
        return new Broker(v[0], v[1] - v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    /** The namespace's node queues still on the broker 5 s after the hosts stopped (the broker deletes them). */
    private long settleQueues() {
        try {
            Thread.sleep(5000);
            return broker().nodeQueues;
        } catch (Exception e) {
            return -1;
        }
    }

    private static long number(String text, String key, long otherwise) {
        Matcher m = Pattern.compile("\\{" + key + ",\\s*(\\d+)}").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : otherwise;
    }

    // ------------------------------------------------------------------ the hosts

    /** The heap all hosts use after a full GC, in bytes. */
    private static long heap(List<PidboxBenchmark.Proc> hosts) throws Exception {
        long sum = 0;
        for (PidboxBenchmark.Proc h : hosts) {
            int mark = h.lines.size();
            send(h, "heap");
            String line = awaitAfter(h, mark, "HEAP ", Duration.ofSeconds(120));
            sum += Long.parseLong(line.split(" ")[1]);
        }
        return sum;
    }

    private static void send(PidboxBenchmark.Proc host, String line) throws IOException {
        OutputStream out = host.process.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The first line starting with {@code prefix} that {@code host} printed at or after index {@code mark}. */
    private static String awaitAfter(PidboxBenchmark.Proc host, int mark, String prefix, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            List<String> lines = host.lines;
            for (int i = mark; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return lines.get(i);
                }
            }
            if (!host.process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(host.name + ": no '" + prefix + "' line within " + timeout + " (alive: "
                + host.process.isAlive() + "); last output " + tail(host.lines, 5) + "; stderr "
                + tail(host.errors, 8));
    }

    // ------------------------------------------------------------------ output

    private static String tail(List<String> lines, int n) {
        List<String> copy = new ArrayList<>(lines);
        return copy.subList(Math.max(0, copy.size() - n), copy.size()).toString();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    private void row(String measure, String value, String control, String target, String met) {
        String line = String.join(" | ", measure, value, control, target, met);
        rows.add("| " + line + " |");
        System.out.println("BENCH | " + line);
    }

    private void write() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("| measure | value | control | target | met |\n|---|---|---|---|---|\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        sb.append(String.format(Locale.ROOT, "%nMachine: %d cores, %s %s, node JVMs -Xmx%s, %s%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), XMX, Instant.now()));
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        Path out = Paths.get("target", "large-fleet.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, sb.toString());
        System.out.println("\n===== large fleet (" + out.toAbsolutePath() + ") =====\n" + sb);
    }
}
