package dev.pidbox.cli.console;

import dev.pidbox.fleet.Fleet;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A running console: the refresh loop, the state it keeps and the HTTP server. Made by {@code pidbox console}, and
 * by the benchmark, which drives refreshes itself ({@link #refreshNow}) with a clock of its own.
 */
public final class Console implements AutoCloseable {
    /**
     * What a console is started with.
     *
     * @param bind the address to listen on
     * @param port the port, 0 for any free one
     * @param token the access token (at least 16 characters)
     * @param allowMutations whether methods that are not read-only may be sent
     * @param interval a fixed refresh interval, or null to adapt it to the fleet
     * @param timeout how long a refresh waits, or null for 3/4 of the interval
     * @param slow the reply time from which a node is shown slow
     * @param forgetAfter how long a silent node stays shown as missing
     * @param historyPoints the points of history kept per node
     * @param journalEntries the entries the journal keeps
     * @param version the tool's version, shown in the page
     */
    public record Config(String bind, int port, String token, boolean allowMutations, Duration interval,
            Duration timeout, Duration slow, Duration forgetAfter, int historyPoints, int journalEntries,
            String version) {
        public Config {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(token, "token");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
            }
        }
    }

    private final Config config;
    private final FleetState state;
    private final FleetWatch watch;
    private final Events events;
    private final Journal journal;
    private final ConsoleServer server;
    private final Clock clock;
    private final boolean signing;
    private final List<String> namespaces;

    private Console(Config config, Map<String, Fleet> fleets, Set<String> celery, String primary, boolean signing,
            PrintWriter audit, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.signing = signing;
        this.namespaces = new ArrayList<>(fleets.keySet());
        this.events = new Events(32);
        this.journal = new Journal(config.journalEntries(), clock);
        journal.listener(e -> events.publish("journal", JsonValues.encodeToString(e)));
        this.state = new FleetState(namespaces, new History(config.historyPoints()), journal, config.slow(),
                config.forgetAfter());
        Tiers tiers = new Tiers();
        List<FleetWatch.Watched> watched = new ArrayList<>();
        fleets.forEach((ns, fleet) -> watched.add(new FleetWatch.Watched(ns, fleet, celery.contains(ns))));
        this.watch = new FleetWatch(watched, state, tiers, journal, config.interval(), config.timeout(), clock,
                this::published);
        Actions actions = new Actions(fleets, primary, config.allowMutations(), tiers, state, journal, audit,
                doc -> events.publish("rollout", JsonValues.encodeToString(doc)));
        Api api = new Api(state, journal, actions, events, new PoolHistory(config.historyPoints(), 16), fleets,
                this::fleetFrame, this::session, clock);
        InetAddress address = InetAddress.getByName(config.bind());
        this.server = new ConsoleServer(new InetSocketAddress(address, config.port()), api);
        int port = server.address().getPort();
        server.access(new Access(config.token(), loopbackHosts(address, port)));
    }

    /**
     * Starts a console over {@code fleets} (namespace to fleet, in the order shown): the server at once, the
     * refresh loop when {@code refreshLoop} (else the caller drives {@link #refreshNow}).
     *
     * @param celery the namespaces whose nodes are Celery workers
     * @param primary the namespace calls go to when they name none
     * @param signing whether requests are signed (shown in the page)
     * @param audit where the audit lines go (stderr)
     * @throws IOException when the address cannot be bound
     */
    public static Console start(Config config, Map<String, Fleet> fleets, Set<String> celery, String primary,
            boolean signing, PrintWriter audit, Clock clock, boolean refreshLoop) throws IOException {
        if (fleets.isEmpty()) {
            throw new IllegalArgumentException("a console watches at least one namespace");
        }
        Console c = new Console(config, new LinkedHashMap<>(fleets), Set.copyOf(celery), primary, signing, audit,
                clock);
        c.server.start();
        if (refreshLoop) {
            c.watch.start();
        }
        return c;
    }

    /** A random access token: 32 bytes from a strong source, base64url. */
    public static String randomToken() {
        return Access.randomToken();
    }

    /** Where the console listens, with the token, as printed at start. */
    public URI url() {
        InetSocketAddress a = server.address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + "/?token=" + config.token());
    }

    public int port() {
        return server.address().getPort();
    }

    /** One refresh now, on the caller's thread, as if the interval were {@code every}. */
    public void refreshNow(Duration every) {
        watch.refresh(every);
    }

    /** How many nodes the console knows, entries its journal holds, and event streams are open. */
    public Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>(state.summary());
        m.put("journal_entries", journal.size());
        m.put("event_streams", events.size());
        return m;
    }

    @Override
    public void close() {
        watch.close();
        server.close();
    }

    /**
     * After each refresh: the fleet document for the open event streams, encoded once for all of them; with no
     * stream open nothing is encoded (a new stream builds its first frame itself, {@link #fleetFrame()}).
     */
    private void published() {
        if (events.size() > 0) {
            events.publishFleet(fleetFrame());
        }
    }

    /** The latest fleet document as an event frame, or null before the first refresh. */
    private String fleetFrame() {
        if (state.refreshes() == 0) {
            return null;
        }
        return Events.frame("fleet", JsonValues.encodeToString(
                state.document(false, (ns, row) -> true, clock.instant())));
    }

    private Map<String, Object> session() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("read_only", !config.allowMutations());
        s.put("namespaces", namespaces);
        s.put("interval_ms", watch.interval().toMillis());
        s.put("signing", signing);
        s.put("version", config.version());
        return s;
    }

    /** The hosts a loopback-bound console answers to; null (any) when bound elsewhere. */
    static Set<String> loopbackHosts(InetAddress address, int port) {
        if (!address.isLoopbackAddress()) {
            return null;
        }
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add("127.0.0.1:" + port);
        hosts.add("localhost:" + port);
        hosts.add("[::1]:" + port);
        String literal = address.getHostAddress();
        hosts.add((literal.contains(":") ? "[" + literal + "]" : literal) + ":" + port);
        return hosts;
    }
}
