package dev.pidbox.jmx;

import dev.pidbox.CallObserver;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The node's own call metrics as Micrometer meters: one timer {@value #CALLS} per method and outcome
 * ({@code ok}, {@code error}, {@code rejected}, {@code busy}), which gives the count, the latency and,
 * through the outcome tag, errors and refusals.
 *
 * <p>Register it on a node as a {@link CallObserver} and bind it to any registry (the agent binds it to a
 * JMX registry so JConsole shows it); it also keeps a registry of its own, so the {@code metrics} command
 * can reply a snapshot without one.
 *
 * <pre>{@code
 * PidboxMetrics metrics = new PidboxMetrics();
 * node.addObserver(metrics);
 * metrics.bindTo(jmxMeterRegistry);
 * }</pre>
 */
public final class PidboxMetrics implements CallObserver, MeterBinder {
    /** The timer's name. */
    public static final String CALLS = "pidbox.calls";
    /** Distinct method tags kept; further (e.g. unknown, caller-chosen) names are counted as {@value #OTHER}. */
    public static final int MAX_METHODS = 200;
    /** The method tag used past {@link #MAX_METHODS}. */
    public static final String OTHER = "other";

    private static final String DESCRIPTION = "pidbox commands handled by this node, by method and outcome";

    /** Made on first use: Micrometer's classes then load after the node is up, not before it answers. */
    private volatile SimpleMeterRegistry local;
    private final Set<String> methods = ConcurrentHashMap.newKeySet();
    private final Set<Meter.Id> timers = ConcurrentHashMap.newKeySet();
    private final List<MeterRegistry> bound = new CopyOnWriteArrayList<>();

    private SimpleMeterRegistry local() {
        SimpleMeterRegistry r = local;
        if (r == null) {
            synchronized (this) {
                r = local;
                if (r == null) {
                    r = new SimpleMeterRegistry();
                    local = r;
                }
            }
        }
        return r;
    }

    @Override
    public void onCall(String method, String outcome, long nanos) {
        String tag = method == null ? "null" : method;
        if (!methods.contains(tag)) {
            if (methods.size() >= MAX_METHODS) {
                tag = OTHER;
            } else {
                methods.add(tag);
            }
        }
        Timer timer = Timer.builder(CALLS)
                .description(DESCRIPTION)
                .tag("method", tag)
                .tag("outcome", outcome == null ? "unknown" : outcome)
                .register(local());
        timer.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        if (timers.add(timer.getId())) {
            for (MeterRegistry registry : bound) {
                publish(timer, registry);
            }
        }
    }

    /**
     * Publishes the meters to {@code registry}, with the calls recorded so far: each method and outcome
     * appears there as a function timer (count and total time) reading this binder's own timer.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        bound.add(registry);
        for (Timer timer : local().find(CALLS).timers()) {
            publish(timer, registry);
        }
    }

    private static void publish(Timer timer, MeterRegistry registry) {
        FunctionTimer.builder(CALLS, timer, Timer::count, t -> t.totalTime(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS)
                .description(DESCRIPTION)
                .tags(timer.getId().getTags())
                .register(registry);
    }

    /**
     * The meters now: per method and outcome the count, total, mean and max latency in milliseconds, and
     * the counts per outcome.
     */
    public Map<String, Object> snapshot() {
        List<Map<String, Object>> calls = new ArrayList<>();
        Map<String, Long> totals = new TreeMap<>();
        long all = 0;
        for (Timer t : local().find(CALLS).timers()) {
            String method = t.getId().getTag("method");
            String outcome = t.getId().getTag("outcome");
            long count = t.count();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("method", method);
            row.put("outcome", outcome);
            row.put("count", count);
            row.put("total_ms", round(t.totalTime(TimeUnit.NANOSECONDS) / 1e6));
            row.put("mean_ms", round(t.mean(TimeUnit.NANOSECONDS) / 1e6));
            row.put("max_ms", round(t.max(TimeUnit.NANOSECONDS) / 1e6));
            calls.add(row);
            totals.merge(outcome, count, Long::sum);
            all += count;
        }
        calls.sort(Comparator.comparing((Map<String, Object> r) -> (String) r.get("method"))
                .thenComparing(r -> (String) r.get("outcome")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("meter", CALLS);
        out.put("total", all);
        out.put("by_outcome", totals);
        out.put("calls", calls);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
