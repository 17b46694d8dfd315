package dev.pidbox.cli.console;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The console's event journal: nodes appearing, going missing, coming back and being forgotten, every action sent
 * and its outcome. Bounded: past {@code capacity} entries the oldest go first. Each entry is handed to a listener
 * (the event stream) as it is added.
 */
public final class Journal {
    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Map<String, Object>> entries = new ArrayDeque<>();
    private volatile Consumer<Map<String, Object>> listener = e -> { };
    private long seq;
    private long dropped;

    public Journal(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("journal capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    void listener(Consumer<Map<String, Object>> listener) {
        this.listener = listener;
    }

    /**
     * Adds an entry: {@code seq}, {@code at}, {@code kind}, {@code namespace}, {@code node} (either may be null),
     * {@code text}, then {@code extra}'s keys.
     */
    public Map<String, Object> add(String kind, String namespace, String node, String text, Map<String, ?> extra) {
        Map<String, Object> e = new LinkedHashMap<>();
        synchronized (this) {
            e.put("seq", ++seq);
            e.put("at", clock.instant().toString());
            e.put("kind", kind);
            e.put("namespace", namespace);
            e.put("node", node);
            e.put("text", text);
            if (extra != null) {
                e.putAll(extra);
            }
            entries.addLast(e);
            while (entries.size() > capacity) {
                entries.removeFirst();
                dropped++;
            }
        }
        listener.accept(e);
        return e;
    }

    /** Every entry kept, oldest first. */
    public synchronized List<Map<String, Object>> entries() {
        return new ArrayList<>(entries);
    }

    public synchronized int size() {
        return entries.size();
    }

    /** How many entries were let go because the journal was full. */
    public synchronized long dropped() {
        return dropped;
    }
}
