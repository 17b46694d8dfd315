package dev.pidbox.cli.console;

import dev.pidbox.CallResult;
import dev.pidbox.PidboxException;
import dev.pidbox.Reply;
import dev.pidbox.cli.Render;
import dev.pidbox.cli.RolloutView;
import dev.pidbox.fleet.Fleet;
import dev.pidbox.fleet.NodeOutcome;
import dev.pidbox.fleet.Rollout;
import dev.pidbox.fleet.RolloutResult;
import dev.pidbox.fleet.Selector;
import dev.pidbox.spi.JsonValues;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What the console sends: calls and rollouts, through the same library fleet operations as the CLI, with the same
 * JSON documents as {@code pidbox call -o json} and {@code --rollout -o json}. Refuses a method that is not known
 * to be read-only unless mutations are allowed; journals every action and its outcome, and writes one audit line
 * per action to stderr. One rollout runs at a time; the last 20 are kept.
 */
final class Actions {
    private static final int KEPT_ROLLOUTS = 20;
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(3);

    private final Map<String, Fleet> fleets;
    private final String defaultNamespace;
    private final boolean allowMutations;
    private final Tiers tiers;
    private final FleetState state;
    private final Journal journal;
    private final PrintWriter audit;
    private final Consumer<Map<String, Object>> rolloutListener;
    private final LinkedHashMap<String, Map<String, Object>> rollouts = new LinkedHashMap<>();
    private String running;

    Actions(Map<String, Fleet> fleets, String defaultNamespace, boolean allowMutations, Tiers tiers, FleetState state,
            Journal journal, PrintWriter audit, Consumer<Map<String, Object>> rolloutListener) {
        this.fleets = fleets;
        this.defaultNamespace = defaultNamespace;
        this.allowMutations = allowMutations;
        this.tiers = tiers;
        this.state = state;
        this.journal = journal;
        this.audit = audit;
        this.rolloutListener = rolloutListener;
    }

    boolean readOnly() {
        return !allowMutations;
    }

    private String namespace(ActionRequest req) {
        return namespace(req.namespace());
    }

    /** The namespace a request names, or the default one; one the console does not watch is a 400. */
    String namespace(String named) {
        String ns = named == null ? defaultNamespace : named;
        if (!fleets.containsKey(ns)) {
            throw new ApiError(400, "namespace '" + ns + "' is not watched by this console; watched: "
                    + fleets.keySet());
        }
        return ns;
    }

    /** Refuses a method that may change something when the console is read-only. */
    private void checkAllowed(String ns, ActionRequest req, String who) {
        checkAllowed(ns, req.method(), req.selection(), who);
    }

    /** Refuses {@code method} to {@code selection} (in words) on a read-only console unless it is a read. */
    void checkAllowed(String ns, String method, String selection, String who) {
        if (allowMutations) {
            return;
        }
        Map<String, String> kinds = state.kinds(ns);
        boolean java = kinds.containsValue("java");
        boolean celery = kinds.containsValue("celery");
        if (!tiers.isRead(method, java, celery)) {
            describeNow(ns, kinds);
        }
        if (!tiers.isRead(method, java, celery)) {
            String what = "refused " + method + " to " + selection + " in " + ns + ": read-only console";
            journal.add("refused", ns, null, who + ": " + what, Map.of("method", method));
            log(who, what);
            throw new ApiError(403, "this console is read-only and '" + method + "' is not known to be a read"
                    + " (tier read on every node that describes it); start pidbox console with --allow-mutations"
                    + " to send it");
        }
    }

    /**
     * Asks the Java nodes of {@code ns} that have not described their handlers yet (a console just started, a node
     * just appeared) to do it now, so that a read is not refused only because the refresh loop has not got to them.
     */
    private void describeNow(String ns, Map<String, String> kinds) {
        List<String> fresh = new ArrayList<>();
        kinds.forEach((node, kind) -> {
            if (kind.equals("java") && !tiers.described(ns, node) && fresh.size() < 200) {
                fresh.add(node);
            }
        });
        if (fresh.isEmpty()) {
            return;
        }
        tiers.asked(ns, fresh);
        try {
            CallResult r = fleets.get(ns).gather("describe").select(Selector.all().names(fresh))
                    .timeout(DESCRIBE_TIMEOUT).prepare().run(null);
            for (Reply reply : r.ok()) {
                tiers.learn(ns, reply.node(), reply.value());
            }
        } catch (PidboxException e) {
            // judged on what is known
        }
    }

    /** A call: the {@code pidbox call -o json} document. */
    Map<String, Object> call(ActionRequest req, String who) {
        String ns = namespace(req);
        checkAllowed(ns, req, who);
        String what = "call " + req.method() + " " + JsonValues.encodeToString(req.arguments()) + " to "
                + req.selection() + " in " + ns;
        journal.add("action", ns, null, who + ": " + what, Map.of("method", req.method()));
        log(who, what);
        CallResult result;
        try {
            result = fleets.get(ns).gather(req.method()).select(req.selector()).arguments(req.arguments())
                    .timeout(req.timeout()).limit(req.limit()).expect(req.expect()).prepare().run(null);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        } catch (PidboxException e) {
            journal.add("outcome", ns, null, what + ": failed: " + e.getMessage(), null);
            throw new ApiError(502, e.getMessage());
        }
        String outcome = result.ok().size() + " answered, " + result.errors().size() + " errors, "
                + result.missingCount() + " missing";
        journal.add("outcome", ns, null, what + ": " + outcome, Map.of("method", req.method(),
                "errors", errorTexts(result)));
        log(who, what + " -> " + outcome);
        return Render.document(req.method(), ns, result, null);
    }

    private static Map<String, Object> errorTexts(CallResult result) {
        Map<String, Object> out = new LinkedHashMap<>();
        result.errors().forEach(r -> out.putIfAbsent(r.node(), r.error()));
        return out;
    }

    /** Starts a rollout on a thread of its own; its document as it stands (state {@code running}). */
    Map<String, Object> rollout(ActionRequest req, String who) {
        String ns = namespace(req);
        checkAllowed(ns, req, who);
        Rollout plan;
        try {
            plan = Rollout.of(req.canary(), req.batch(), req.maxFailures());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        synchronized (this) {
            if (running != null) {
                throw new ApiError(409, "rollout " + running + " is still running; one at a time");
            }
            running = id;
        }
        String what = "rollout " + req.method() + " " + JsonValues.encodeToString(req.arguments()) + " to "
                + req.selection() + " in " + ns + " (canary " + req.canary() + ", batch " + req.batch()
                + ", max failures " + req.maxFailures() + ")";
        journal.add("action", ns, null, who + ": " + what, Map.of("method", req.method(), "rollout", id));
        log(who, what + " [" + id + "]");
        Map<String, Object> doc = document(id, req, List.of(), null, "planning");
        Thread t = new Thread(() -> run(id, ns, req, plan, what, who), "pidbox-console-rollout-" + id);
        t.setDaemon(true);
        t.start();
        return doc;
    }

    private void run(String id, String ns, ActionRequest req, Rollout plan, String what, String who) {
        try {
            Fleet fleet = fleets.get(ns);
            List<String> nodes = fleet.discover(req.selector(), req.timeout());
            List<List<String>> steps = plan.plan(nodes);
            publish(document(id, req, steps, null, "running"));
            int[] seen = {0};
            RolloutResult result = plan.run(nodes, fleet.step(req.method(), req.arguments(), req.timeout()), r -> {
                List<NodeOutcome> all = r.outcomes();
                for (NodeOutcome o : all.subList(seen[0], all.size())) {
                    journal.add("outcome", ns, o.node(), "rollout " + id + ": " + o.node() + " " + o.outcome().label(),
                            Map.of("rollout", id));
                }
                seen[0] = all.size();
                publish(document(id, req, steps, r, "running"));
            });
            publish(document(id, req, steps, result, "done"));
            String outcome = (result.stopped() ? "stopped: failure budget reached, " : "done, ")
                    + result.failures() + " failed of " + nodes.size();
            journal.add("outcome", ns, null, what + ": " + outcome, Map.of("rollout", id));
            log(who, "rollout " + id + " -> " + outcome);
        } catch (RuntimeException | Error e) {
            // An Error too (a console short of memory, a stack overflow in a fleet's code): the rollout's document
            // must not say "running" for ever. The Error still ends the thread, after its outcome is recorded.
            String reason = e.getMessage() != null ? e.getMessage() : e.toString();
            Map<String, Object> failed = document(id, req, List.of(), null, "failed");
            failed.put("reason", reason);
            publish(failed);
            journal.add("outcome", ns, null, what + ": failed: " + reason, Map.of("rollout", id));
            log(who, "rollout " + id + " failed: " + reason);
            if (e instanceof Error) {
                throw (Error) e;
            }
        } finally {
            synchronized (this) {
                running = null;
            }
        }
    }

    private Map<String, Object> document(String id, ActionRequest req, List<List<String>> steps, RolloutResult r,
            String stage) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("state", stage);
        doc.put("plan", steps);
        if (r != null) {
            doc.putAll(RolloutView.document(req.method(), r));
        } else {
            doc.put("method", req.method());
            doc.put("outcomes", List.of());
            doc.put("changed", List.of());
            doc.put("failures", 0);
            doc.put("stopped", false);
            doc.put("reason", null);
        }
        doc.put("canary", req.canary());
        doc.put("batch", req.batch());
        doc.put("max_failures", req.maxFailures());
        synchronized (this) {
            rollouts.put(id, doc);
            while (rollouts.size() > KEPT_ROLLOUTS) {
                rollouts.remove(rollouts.keySet().iterator().next());
            }
        }
        return doc;
    }

    private void publish(Map<String, Object> doc) {
        rolloutListener.accept(doc);
    }

    synchronized Map<String, Object> rolloutDocument(String id) {
        Map<String, Object> doc = rollouts.get(id);
        if (doc == null) {
            throw new ApiError(404, "no rollout " + id + " (the console keeps the last " + KEPT_ROLLOUTS + ")");
        }
        return doc;
    }

    synchronized List<Object> rolloutIds() {
        return new ArrayList<>(rollouts.keySet());
    }

    void log(String who, String text) {
        synchronized (audit) {
            audit.println("pidbox console audit: " + who + ": " + text);
            audit.flush();
        }
    }
}
