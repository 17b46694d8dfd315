package dev.pidbox.cli.console;

import com.sun.net.httpserver.HttpExchange;
import dev.pidbox.CallResult;
import dev.pidbox.MatchType;
import dev.pidbox.PidboxException;
import dev.pidbox.Reply;
import dev.pidbox.cli.TopSnapshot;
import dev.pidbox.fleet.Fleet;
import dev.pidbox.fleet.Selector;
import dev.pidbox.spi.NamePattern;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/** The console's JSON API and event stream over its parts (see docs/console.md for the shapes). */
final class Api {
    private static final Duration MEMORY_TIMEOUT = Duration.ofSeconds(3);

    private final FleetState state;
    private final Journal journal;
    private final Actions actions;
    private final Profiles profiles;
    private final Events events;
    private final PoolHistory pools;
    private final Map<String, Fleet> fleets;
    private final Supplier<String> fleetFrame;
    private final Supplier<Map<String, Object>> session;
    private final Clock clock;

    Api(FleetState state, Journal journal, Actions actions, Events events, PoolHistory pools,
            Map<String, Fleet> fleets, Supplier<String> fleetFrame, Supplier<Map<String, Object>> session,
            Clock clock) {
        this.state = state;
        this.journal = journal;
        this.actions = actions;
        this.profiles = new Profiles(fleets, actions, journal, clock);
        this.events = events;
        this.pools = pools;
        this.fleets = fleets;
        this.fleetFrame = fleetFrame;
        this.session = session;
        this.clock = clock;
    }

    String metrics() {
        return Metrics.render(state.nodes(clock.instant()), state.summary());
    }

    Object call(Object body, String who) {
        return actions.call(ActionRequest.parse(body, false), who);
    }

    Object rollout(Object body, String who) {
        return actions.rollout(ActionRequest.parse(body, true), who);
    }

    Object profile(Object body, String who) {
        return profiles.run(ProfileRequest.parse(body), who);
    }

    /** The GET endpoints; {@code path} already percent-decoded. */
    Object get(String path, Map<String, List<String>> query, Access.Grant grant) {
        switch (path) {
            case "/api/session" -> {
                Map<String, Object> s = new LinkedHashMap<>(session.get());
                s.put("csrf", grant.csrf());
                s.put("auth", grant.kind().name().toLowerCase(Locale.ROOT));
                return s;
            }
            case "/api/nodes" -> {
                return state.document(true, filter(query), clock.instant());
            }
            case "/api/journal" -> {
                return journal.entries();
            }
            case "/api/rollouts" -> {
                return Map.of("rollouts", actions.rolloutIds());
            }
            default -> {
                // below
            }
        }
        if (path.startsWith("/api/rollouts/")) {
            return actions.rolloutDocument(path.substring("/api/rollouts/".length()));
        }
        if (path.startsWith("/api/history/")) {
            String node = path.substring("/api/history/".length());
            String ns = namespace(node, query);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("node", node);
            out.put("namespace", ns);
            out.put("points", state.history(ns, node));
            return out;
        }
        if (path.startsWith("/api/memory/")) {
            return memory(path.substring("/api/memory/".length()), query);
        }
        throw new ApiError(404, "no such endpoint: " + path);
    }

    private String namespace(String node, Map<String, List<String>> query) {
        String ns = ConsoleServer.first(query, "namespace");
        if (ns == null) {
            ns = state.namespaceOf(node);
        }
        if (ns == null || !state.knows(ns, node)) {
            throw new ApiError(404, "no node " + node + (ns == null ? "" : " in namespace '" + ns + "'")
                    + " has answered this console");
        }
        return ns;
    }

    private Object memory(String node, Map<String, List<String>> query) {
        String ns = namespace(node, query);
        CallResult r;
        try {
            r = fleets.get(ns).gather("memory").select(Selector.all().names(node)).timeout(MEMORY_TIMEOUT).prepare()
                    .run(null);
        } catch (PidboxException e) {
            throw new ApiError(502, e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", node);
        out.put("namespace", ns);
        Reply reply = r.replies().stream().filter(x -> x.node().equals(node)).findFirst().orElse(null);
        if (reply == null) {
            out.put("memory", null);
            out.put("error", node + " did not answer within " + MEMORY_TIMEOUT.toSeconds() + " s");
            out.put("pools", pools.add(FleetState.key(ns, node), clock.millis(), null));
        } else if (reply.isError()) {
            out.put("memory", null);
            out.put("error", reply.error());
            out.put("pools", pools.add(FleetState.key(ns, node), clock.millis(), null));
        } else {
            out.put("memory", reply.value());
            out.put("pools", pools.add(FleetState.key(ns, node), clock.millis(), reply.value()));
        }
        return out;
    }

    /** The filter of {@code GET /api/nodes}: {@code to}, {@code glob}, {@code regex}, {@code where=key=value}. */
    static BiPredicate<String, TopSnapshot.Row> filter(Map<String, List<String>> query) {
        List<String> to = query.getOrDefault("to", List.of()).stream()
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(v -> !v.isEmpty())
                .toList();
        String glob = ConsoleServer.first(query, "glob");
        String regex = ConsoleServer.first(query, "regex");
        Selector tags = Selector.all();
        for (String w : query.getOrDefault("where", List.of())) {
            int eq = w.indexOf('=');
            if (eq < 1) {
                throw new ApiError(400, "where must be KEY=VALUE, got '" + w + "'");
            }
            tags = tags.where(w.substring(0, eq), w.substring(eq + 1));
        }
        NamePattern g;
        NamePattern re;
        try {
            g = glob == null || glob.isEmpty() ? null : NamePattern.compile(MatchType.GLOB, glob);
            re = regex == null || regex.isEmpty() ? null : NamePattern.compile(MatchType.PCRE, regex);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
        Selector t = tags;
        return (ns, row) -> (to.isEmpty() || to.contains(row.node)) && (g == null || g.matches(row.node))
                && (re == null || re.matches(row.node)) && (!t.hasTags() || t.matchesTags(row.vitals));
    }

    /**
     * The event stream: the latest fleet document at once, then every journal and rollout event and the newest
     * fleet document after each refresh (one a slow reader has not taken yet is replaced), a comment every 15 s.
     */
    void stream(HttpExchange ex) throws IOException {
        Events.Client c = events.join();
        if (c == null) {
            throw new ApiError(503, "too many event streams open on this console");
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ConsoleServer.securityHeaders(ex.getResponseHeaders());
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            String first = fleetFrame.get();
            out.write((first != null ? first : ": no refresh yet\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!c.dropped) {
                List<String> frames = c.next(15_000);
                if (frames.isEmpty()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                }
                for (String frame : frames) {
                    out.write(frame.getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            events.leave(c);
        }
    }
}
