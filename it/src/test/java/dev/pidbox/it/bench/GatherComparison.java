package dev.pidbox.it.bench;

import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.Request;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A gather and its floors measured alike, in one run: every gatherer is warmed up in turn (so that the JIT of the
 * JVMs they share, amqp-client's code above all, favours none), then each runs one unmeasured block of back-to-back
 * gathers, then its CPU is read over a second such block, then the timed repetitions rotate among them gather by
 * gather, 200 ms apart, so that the machine's drifts fall on all of them alike.
 */
final class GatherComparison {
    /** One way to gather every node of a fleet. */
    interface Gatherer extends AutoCloseable {
        /** One gather: its wall time in ms until every node answered (or the deadline). */
        double gather() throws Exception;

        /** How many replies the last gather counted. */
        int replies();

        @Override
        void close() throws IOException, TimeoutException;
    }

    /** The times and fewest replies of one gatherer, and its CPU per gather. */
    static final class Result {
        final List<Double> times = new ArrayList<>();
        int fewest = Integer.MAX_VALUE;
        String cpu = "";
    }

    private GatherComparison() {
    }

    /**
     * Runs the comparison: {@code warmup} gathers each, in turn; {@code cpuBlock} back-to-back gathers each under
     * {@code cpu} (half in order, half in reverse order); then {@code reps} timed gathers each, rotating.
     */
    static Map<String, Result> run(Map<String, Gatherer> gatherers, int warmup, int cpuBlock, int reps, CpuMeter cpu)
            throws Exception {
        List<String> names = new ArrayList<>(gatherers.keySet());
        Map<String, Result> results = new LinkedHashMap<>();
        for (String name : names) {
            results.put(name, new Result());
        }
        for (int i = 0; i < warmup; i++) {
            for (String name : names) {
                gatherers.get(name).gather();
            }
        }
        // One unmeasured block each first: the node JVMs' compilers still work through the warm-up's backlog for a
        // while (the first measured block, pidbox's, showed about 0.8 ms of JIT per gather per host in a profile).
        for (String name : names) {
            for (int i = 0; i < cpuBlock; i++) {
                gatherers.get(name).gather();
            }
        }
        // The measured blocks: half of each in the gatherers' order, then half in the reverse order, so that a drift
        // of the broker's CPU over the run (it grew by a third from the first block to the last in one run) falls on
        // every gatherer alike instead of on the last.
        Map<String, Map<String, Long>> ticks = new LinkedHashMap<>();
        List<String> back = new ArrayList<>(names);
        Collections.reverse(back);
        for (List<String> order : List.of(names, back)) {
            int n = order == names ? cpuBlock / 2 : cpuBlock - cpuBlock / 2;
            for (String name : order) {
                cpu.start();
                for (int i = 0; i < n; i++) {
                    gatherers.get(name).gather();
                }
                cpu.elapsed().forEach((k, v) -> ticks.computeIfAbsent(name, x -> new LinkedHashMap<>()).merge(k, v,
                        Long::sum));
            }
        }
        if (cpuBlock > 0) {
            for (String name : names) {
                results.get(name).cpu = CpuMeter.format(ticks.get(name), cpuBlock, "gather");
            }
        }
        for (int i = 0; i < reps; i++) {
            for (int turn = 0; turn < names.size(); turn++) {
                String name = names.get((i + turn) % names.size());
                Gatherer g = gatherers.get(name);
                Result r = results.get(name);
                r.times.add(g.gather());
                r.fewest = Math.min(r.fewest, g.replies());
                Thread.sleep(200);
            }
        }
        return results;
    }

    /** pidbox: {@code Mailbox.call} with {@code expect(n)}. */
    static Gatherer pidbox(Mailbox mailbox, int n) {
        Request request = Request.builder("ping").expect(n).timeout(Duration.ofSeconds(5)).build();
        return new Gatherer() {
            private int replies;

            @Override
            public double gather() {
                CallResult r = mailbox.call(request, null);
                replies = r.answered().size();
                return r.elapsed().toNanos() / 1e6;
            }

            @Override
            public int replies() {
                return replies;
            }

            @Override
            public void close() {
                mailbox.close();
            }
        };
    }

    /** {@link PlainCaller} against {@link EchoNode}s: pidbox's queues and reply route, no pidbox code. */
    static Gatherer echo(PlainCaller caller, int n) {
        return new Gatherer() {
            @Override
            public double gather() throws Exception {
                double ms = caller.gather(n);
                return ms < 0 ? 5000 : ms;
            }

            @Override
            public int replies() {
                return caller.replies();
            }

            @Override
            public void close() throws IOException, TimeoutException {
                caller.close();
            }
        };
    }
}
