package dev.pidbox.cli.console;

import dev.pidbox.CallResult;
import dev.pidbox.PidboxException;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Fleet;
import dev.pidbox.fleet.Selector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The console's refresh loop. Every interval it gathers {@code vitals} in each pidbox namespace and Celery's
 * {@code stats} in each Celery namespace; nodes that answer that with an error are asked the other one by name
 * (a Java node in a Celery namespace, a kombu node in a pidbox one). Between discoveries a gather returns as soon
 * as every node that answered last time has answered again ({@code expect}); every fifth refresh, and after any
 * refresh that could not judge a silent node, it waits its whole deadline to find new nodes and to tell the silent
 * ones missing. The interval adapts to the fleet's size ({@link #base}); a refresh waits at most 3/4 of it.
 */
final class FleetWatch implements AutoCloseable {
    /** A namespace watched through {@code fleet}; {@code celery} when its nodes are Celery workers. */
    record Watched(String namespace, Fleet fleet, boolean celery) {
    }

    private static final int DISCOVER_EVERY = 5;
    private static final Duration LONGEST = Duration.ofSeconds(30);

    private final List<Watched> watched;
    private final FleetState state;
    private final Tiers tiers;
    private final Duration fixedInterval;
    private final Duration fixedTimeout;
    private final Clock clock;
    private final Runnable afterRefresh;
    private final Journal journal;
    private final Map<String, long[]> celeryStarts = new ConcurrentHashMap<>();
    private final ExecutorService helpers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "pidbox-console-gather");
        t.setDaemon(true);
        return t;
    });
    private volatile Thread thread;
    private volatile boolean closed;
    private boolean judgeNext = true;
    private volatile long lastRefreshMillis;
    /** Guards {@link #trouble}: namespaces are gathered on threads of their own. */
    private final Object troubleLock = new Object();
    private String trouble;

    FleetWatch(List<Watched> watched, FleetState state, Tiers tiers, Journal journal, Duration fixedInterval,
            Duration fixedTimeout, Clock clock, Runnable afterRefresh) {
        this.watched = List.copyOf(watched);
        this.state = state;
        this.tiers = tiers;
        this.journal = journal;
        this.fixedInterval = fixedInterval;
        this.fixedTimeout = fixedTimeout;
        this.clock = clock;
        this.afterRefresh = Objects.requireNonNull(afterRefresh);
    }

    /** Starts refreshing on a daemon thread of its own. */
    void start() {
        Thread t = new Thread(this::loop, "pidbox-console-refresh");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop() {
        while (!closed) {
            long started = System.nanoTime();
            Duration every = interval();
            try {
                refresh(every);
            } catch (RuntimeException e) {
                note("refresh failed: " + e);
            }
            long rest = started + every.toNanos() - System.nanoTime();
            if (rest > 0) {
                try {
                    Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * The interval for the fleet's size: {@code --interval}, else 2 s, 1 s more per 500 nodes, at most 30 s. A
     * refresh's deadline derives from this, never from how long refreshes took, so that slow answers cannot stretch
     * the deadline and the deadline the interval (a loop that once took a loaded machine to the 30 s cap).
     */
    Duration base() {
        if (fixedInterval != null) {
            return fixedInterval;
        }
        int nodes = ((Number) state.summary().get("nodes")).intValue();
        return Duration.ofMillis(Math.min(Math.max(2000, 1000L * ((nodes + 499) / 500)), LONGEST.toMillis()));
    }

    /**
     * The time between refreshes now: the base interval, or the last refresh's duration plus a quarter of the base
     * when the refresh took longer than that leaves (its folding and publishing on a slow machine), so that the
     * console always rests between refreshes. Bounded: a refresh lasts at most its deadline plus its folding.
     */
    Duration interval() {
        Duration base = base();
        if (fixedInterval != null) {
            return base;
        }
        long ms = Math.max(base.toMillis(), lastRefreshMillis + base.toMillis() / 4);
        return Duration.ofMillis(Math.min(ms, LONGEST.toMillis()));
    }

    /** How long a refresh's gather waits: {@code --timeout}, else 3/4 of the base interval. */
    Duration timeout() {
        return fixedTimeout != null ? fixedTimeout : base().multipliedBy(3).dividedBy(4);
    }

    /** One refresh of every namespace, then the listener. Also used by the benchmark to drive refreshes. */
    synchronized void refresh(Duration every) {
        Instant sent = clock.instant();
        long t0 = System.nanoTime();
        boolean discover = judgeNext || state.refreshes() % DISCOVER_EVERY == 0;
        boolean judged = true;
        List<FleetState.Part> parts = new ArrayList<>();
        // Namespaces are gathered side by side, so that a refresh of several lasts as long as the slowest one.
        List<CompletableFuture<FleetState.Part>> pending = new ArrayList<>();
        for (Watched w : watched.subList(1, watched.size())) {
            pending.add(CompletableFuture.supplyAsync(() -> gather(w, timeout(), discover, sent), helpers));
        }
        List<FleetState.Part> gathered = new ArrayList<>();
        gathered.add(gather(watched.get(0), timeout(), discover, sent));
        for (CompletableFuture<FleetState.Part> f : pending) {
            gathered.add(f.join());
        }
        for (FleetState.Part part : gathered) {
            if (part != null) {
                parts.add(part);
                judged &= part.conclusive();
            } else {
                judged = false;
            }
        }
        judgeNext = !judged;
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        lastRefreshMillis = elapsed.toMillis();
        state.apply(sent, elapsed, every, parts);
        afterRefresh.run();
        describeNewNodes(every);
    }

    /** One namespace's gather; null when the broker failed it or blocked it (then nobody is judged). */
    private FleetState.Part gather(Watched w, Duration timeout, boolean discover, Instant sent) {
        String primary = w.celery() ? "stats" : "vitals";
        List<String> known = state.answering(w.namespace());
        Integer expect = discover || known.isEmpty() ? null : known.size();
        CallResult r;
        try {
            r = w.fleet().gather(primary).timeout(timeout).expect(expect).prepare().run(null);
        } catch (PidboxException e) {
            note("the " + primary + " gather in namespace '" + w.namespace() + "' failed: " + e.getMessage());
            return null;
        }
        if (r.brokerBlocked() != null && r.replies().isEmpty()) {
            note("the broker blocks publishing (" + r.brokerBlocked() + "); namespace '" + w.namespace()
                    + "' was not necessarily asked");
            return null;
        }
        note(null);
        Map<String, Object> answers = new LinkedHashMap<>();
        Map<String, Instant> arrivals = new HashMap<>();
        Map<String, Long> replyMillis = new HashMap<>();
        Map<String, String> kinds = new HashMap<>();
        List<String> refused = new ArrayList<>();
        for (Reply reply : r.replies()) {
            if (answers.containsKey(reply.node())) {
                continue;
            }
            Instant at = sent.plus(reply.elapsed());
            arrivals.put(reply.node(), at);
            replyMillis.put(reply.node(), reply.elapsed().toMillis());
            answers.put(reply.node(), reply.isError() ? reply.value() : normal(w, reply.node(), reply.value(), at,
                    w.celery()));
            kinds.put(reply.node(), w.celery() ? "celery" : "java");
            // Only a node not known to answer this namespace's usual question is asked the other one: an error
            // from a known node (busy, refused by its policy) is its answer, not a sign of another kind.
            String seenAs = state.kindIfKnown(w.namespace(), reply.node());
            if (reply.isError() && (seenAs == null || !seenAs.equals(w.celery() ? "celery" : "java"))) {
                refused.add(reply.node());
                if (seenAs != null) {
                    kinds.put(reply.node(), seenAs);
                }
            }
        }
        if (!refused.isEmpty()) {
            askTheOtherWay(w, refused, timeout, sent, answers, arrivals, replyMillis, kinds);
        }
        boolean conclusive = r.deadlineReached() || answers.keySet().containsAll(known);
        return new FleetState.Part(w.namespace(), r.elapsed(), answers, arrivals, replyMillis, kinds,
                r.missing(), conclusive);
    }

    /** Nodes that refused the namespace's usual question get the other kind's, by name. */
    private void askTheOtherWay(Watched w, List<String> nodes, Duration timeout, Instant sent,
            Map<String, Object> answers, Map<String, Instant> arrivals, Map<String, Long> replyMillis,
            Map<String, String> kinds) {
        String other = w.celery() ? "vitals" : "stats";
        CallResult r;
        try {
            r = w.fleet().gather(other).select(Selector.all().names(nodes)).timeout(timeout).prepare().run(null);
        } catch (PidboxException e) {
            return;
        }
        for (Reply reply : r.replies()) {
            if (reply.isError() || !(reply.value() instanceof Map)) {
                continue;
            }
            Instant at = sent.plus(reply.elapsed());
            answers.put(reply.node(), normal(w, reply.node(), reply.value(), at, !w.celery()));
            arrivals.put(reply.node(), at);
            kinds.put(reply.node(), w.celery() ? "java" : "celery");
        }
    }

    @SuppressWarnings("unchecked")
    private Object normal(Watched w, String node, Object value, Instant at, boolean celery) {
        if (!celery || !(value instanceof Map)) {
            return value;
        }
        return CeleryStats.asVitals((Map<String, Object>) value, at,
                celeryStarts.computeIfAbsent(FleetState.key(w.namespace(), node), k -> new long[2]));
    }

    /** Asks each Java node seen for the first time to describe its handlers, so calls can be told read-only. */
    private void describeNewNodes(Duration every) {
        for (Watched w : watched) {
            List<String> fresh = new ArrayList<>();
            state.kinds(w.namespace()).forEach((node, kind) -> {
                if (kind.equals("java") && !tiers.described(w.namespace(), node)) {
                    fresh.add(node);
                }
            });
            if (fresh.isEmpty()) {
                continue;
            }
            // At most 50 a refresh, so that a large fleet's first refreshes stay light; each node is asked once.
            List<String> batch = new ArrayList<>(fresh.subList(0, Math.min(50, fresh.size())));
            tiers.asked(w.namespace(), batch);
            try {
                CallResult r = w.fleet().gather("describe").select(Selector.all().names(batch))
                        .timeout(timeout()).prepare().run(null);
                for (Reply reply : r.ok()) {
                    tiers.learn(w.namespace(), reply.node(), reply.value());
                }
            } catch (PidboxException e) {
                // asked again after the next refresh
            }
        }
    }

    /** Journals a refresh trouble once, and its end. */
    private void note(String text) {
        synchronized (troubleLock) {
            if (Objects.equals(text, trouble)) {
                return;
            }
            journal.add("trouble", null, null, text != null ? text : "refreshes work again", null);
            trouble = text;
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        helpers.shutdownNow();
    }
}
