package dev.pidbox.cli.console;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which methods are read-only, as the nodes themselves describe them: a pidbox node's {@code describe} gives each
 * handler's tier. A method is read-only for a Java node when every node that described it gave it the {@code read}
 * tier; a method no node described is not. Celery workers cannot describe themselves; for them the read-only
 * methods are Celery's inspect commands.
 */
final class Tiers {
    /** Celery's inspect commands: they report and change nothing. */
    static final Set<String> CELERY_READ = Set.of("ping", "stats", "active", "scheduled", "reserved", "revoked",
            "registered", "report", "conf", "clock", "active_queues", "query_task");

    private final Map<String, Set<String>> tiersByMethod = new HashMap<>();
    private final Set<String> asked = new HashSet<>();

    synchronized boolean described(String namespace, String node) {
        return asked.contains(FleetState.key(namespace, node));
    }

    synchronized void asked(String namespace, Collection<String> nodes) {
        for (String n : nodes) {
            asked.add(FleetState.key(namespace, n));
        }
    }

    /** Learns the tiers from one node's {@code describe} answer. */
    synchronized void learn(String namespace, String node, Object describe) {
        asked.add(FleetState.key(namespace, node));
        if (!(describe instanceof Map) || !(((Map<?, ?>) describe).get("handlers") instanceof List)) {
            return;
        }
        for (Object h : (List<?>) ((Map<?, ?>) describe).get("handlers")) {
            if (h instanceof Map && ((Map<?, ?>) h).get("name") instanceof String) {
                Object tier = ((Map<?, ?>) h).get("tier");
                tiersByMethod.computeIfAbsent((String) ((Map<?, ?>) h).get("name"), k -> new HashSet<>())
                        .add(tier == null ? "unknown" : tier.toString());
            }
        }
    }

    /**
     * Whether {@code method} only reads, on nodes of the kinds present: Java nodes by their described tiers,
     * Celery workers by the inspect list.
     */
    synchronized boolean isRead(String method, boolean javaNodes, boolean celeryNodes) {
        Set<String> seen = tiersByMethod.get(method);
        boolean javaRead = seen != null && seen.equals(Set.of("read"));
        boolean celeryRead = CELERY_READ.contains(method);
        if (!javaNodes && !celeryNodes) {
            return javaRead || celeryRead;
        }
        return (!javaNodes || javaRead) && (!celeryNodes || celeryRead);
    }

    /** Every method described so far, with its tier(s). */
    synchronized Map<String, Set<String>> known() {
        Map<String, Set<String>> out = new HashMap<>();
        tiersByMethod.forEach((m, t) -> out.put(m, Set.copyOf(t)));
        return out;
    }
}
