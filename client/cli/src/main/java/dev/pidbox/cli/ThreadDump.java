package dev.pidbox.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One node's {@code threads} reply in the layout of {@code jstack}: counts per state, deadlocks first, then every
 * thread with its state, frames and locks, threads with identical stacks printed once.
 */
final class ThreadDump {
    static final List<String> ORDER = List.of("RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "NEW", "TERMINATED");

    private ThreadDump() {
    }

    /**
     * The whole dump: the counts, the deadlock (if any), then the threads, folded.
     *
     * @param filtered whether the request named threads by name or state (the counts per state are then of those)
     */
    static String render(Object reply, boolean filtered, Style style) {
        StringBuilder sb = new StringBuilder();
        sb.append(counts(reply, filtered));
        List<Map<String, Object>> threads = threads(reply);
        Set<Long> deadlocked = deadlocked(reply);
        List<Map<String, Object>> cycle = new ArrayList<>();
        List<Map<String, Object>> rest = new ArrayList<>();
        for (Map<String, Object> t : threads) {
            Number id = Fields.number(t, "id");
            (id != null && deadlocked.contains(id.longValue()) ? cycle : rest).add(t);
        }
        if (!deadlocked.isEmpty()) {
            sb.append('\n').append(deadlock(deadlocked, cycle, style));
        }
        for (Map<String, Object> t : cycle) {
            sb.append('\n').append(thread(t, null));
        }
        for (List<Map<String, Object>> group : fold(rest)) {
            sb.append('\n').append(thread(group.get(0), group.size() > 1 ? group : null));
        }
        return sb.toString();
    }

    /**
     * The head of a dump: {@code 25 threads (18 daemon, peak 25): 3 RUNNABLE, ...}, the note on pidbox's own threads
     * left out, and what a filter or the reply's size left out.
     */
    static String counts(Object reply, boolean filtered) {
        StringBuilder sb = new StringBuilder();
        sb.append(Units.count(Fields.number(reply, "thread_count"))).append(" threads (")
                .append(Units.count(Fields.number(reply, "daemon_count"))).append(" daemon, peak ")
                .append(Units.count(Fields.number(reply, "peak_count"))).append(")");
        if (filtered) {
            long matching = 0;
            for (Object n : Fields.map(reply, "states").values()) {
                matching += n instanceof Number ? ((Number) n).longValue() : 0;
            }
            sb.append("; ").append(matching).append(" match --name/--state");
        }
        List<String> states = new ArrayList<>();
        Map<String, Object> counts = new TreeMap<>((a, b) -> Integer.compare(rank(a), rank(b)) != 0
                ? Integer.compare(rank(a), rank(b)) : a.compareTo(b));
        counts.putAll(Fields.map(reply, "states"));
        counts.forEach((state, n) -> states.add(n + " " + state));
        if (!states.isEmpty()) {
            sb.append(": ").append(String.join(", ", states));
        }
        sb.append('\n');
        long own = Fields.longValue(reply, "own_threads", 0);
        if (own > 0 && !Fields.isTrue(reply, "own_included")) {
            sb.append("(").append(own).append(own == 1 ? " pidbox thread" : " pidbox threads")
                    .append(" left out; --own shows them)\n");
        }
        if (Fields.isTrue(reply, "truncated")) {
            Map<String, Object> cut = Fields.map(Fields.map(Fields.map(reply, "truncation"), "lists"), "threads");
            sb.append("(listed ").append(Units.count(cut.get("kept"))).append(" of ").append(Units.count(cut.get("total")))
                    .append(" threads: the rest would not fit in the node's reply; --name, --state or --max-depth make"
                            + " a dump smaller)\n");
        }
        return sb.toString();
    }

    /** The order jstack readers scan states in: running, then blocked, then waiting, then the rest. */
    static int rank(String state) {
        int i = ORDER.indexOf(state);
        return i < 0 ? ORDER.size() : i;
    }

    static List<Map<String, Object>> threads(Object reply) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object t : Fields.list(reply, "threads")) {
            out.add(Fields.map(t));
        }
        return out;
    }

    static Set<Long> deadlocked(Object reply) {
        Set<Long> out = new LinkedHashSet<>();
        for (Object id : Fields.list(reply, "deadlocked")) {
            if (id instanceof Number) {
                out.add(((Number) id).longValue());
            }
        }
        return out;
    }

    /** Who waits for whom, one line per thread of the cycle, in red. */
    static String deadlock(Set<Long> ids, List<Map<String, Object>> listed, Style style) {
        StringBuilder sb = new StringBuilder();
        sb.append(style.red(style.bold("DEADLOCK: " + ids.size() + " threads each wait for a lock that another of them"
                + " holds; none of them can go on"))).append('\n');
        for (Map<String, Object> t : listed) {
            String[] lock = lock(Fields.string(t, "lock"));
            sb.append("  \"").append(Fields.string(t, "name")).append("\" #").append(Units.count(t.get("id")))
                    .append(" waits for ").append(lock == null ? "a lock" : "<0x" + lock[1] + "> (a " + lock[0] + ")")
                    .append(", held by \"").append(Fields.string(t, "lock_owner_name")).append("\" #")
                    .append(Units.count(t.get("lock_owner_id"))).append('\n');
        }
        if (listed.size() < ids.size()) {
            sb.append("  (threads ").append(ids).append(" are in the cycle; a --name or --state filter left some out)\n");
        }
        return sb.toString();
    }

    /**
     * Threads with the same state, frames, lock class and held monitor classes, in groups in the order of their
     * first member (identity hashes differ from thread to thread and are not compared).
     */
    static List<List<Map<String, Object>>> fold(List<Map<String, Object>> threads) {
        Map<List<Object>, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Map<String, Object> t : threads) {
            List<Object> key = new ArrayList<>();
            key.add(t.get("state"));
            String[] lock = lock(Fields.string(t, "lock"));
            key.add(lock == null ? null : lock[0]);
            key.add(t.get("frames"));
            for (Object m : Fields.list(t, "locked_monitors")) {
                key.add(Fields.string(m, "class") + "@" + Fields.string(m, "frame_depth"));
            }
            for (Object s : Fields.list(t, "locked_synchronizers")) {
                key.add(Fields.string(s, "class"));
            }
            if (t.containsKey("count")) {
                key.add(t);
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        return new ArrayList<>(groups.values());
    }

    /** One thread, or a group of threads with the same stack (then {@code group} holds them all). */
    static String thread(Map<String, Object> t, List<Map<String, Object>> group) {
        StringBuilder sb = new StringBuilder();
        List<String> names = new ArrayList<>();
        if (group != null) {
            for (Map<String, Object> member : group) {
                names.add(String.valueOf(Fields.string(member, "name")));
            }
        } else if (t.containsKey("names")) {
            // folded by the node (fold=true)
            for (Object n : Fields.list(t, "names")) {
                names.add(String.valueOf(n));
            }
        }
        if (names.size() > 1) {
            sb.append(names.size()).append(" threads with this stack: ").append(pattern(names)).append('\n');
        }
        sb.append('"').append(Fields.string(t, "name")).append("\" #").append(Units.count(t.get("id")));
        if (Fields.isTrue(t, "daemon")) {
            sb.append(" daemon");
        }
        sb.append(" prio=").append(Units.count(t.get("priority")));
        if (t.get("cpu_time_ms") instanceof Number) {
            sb.append(" cpu=").append(Units.cpuMillis(t.get("cpu_time_ms")));
        }
        if (Fields.isTrue(t, "in_native")) {
            sb.append(" in native");
        }
        if (Fields.isTrue(t, "suspended")) {
            sb.append(" suspended");
        }
        sb.append('\n');
        String state = String.valueOf(Fields.string(t, "state"));
        List<?> frames = Fields.list(t, "frames");
        sb.append("   java.lang.Thread.State: ").append(state).append(stateDetail(state, frames)).append('\n');
        Map<Integer, List<String>> monitors = new LinkedHashMap<>();
        for (Object m : Fields.list(t, "locked_monitors")) {
            Number depth = Fields.number(m, "frame_depth");
            monitors.computeIfAbsent(depth == null ? -1 : depth.intValue(), d -> new ArrayList<>())
                    .add("\t- locked <0x" + Fields.string(m, "identity_hash") + "> (a " + Fields.string(m, "class") + ")");
        }
        for (int i = 0; i < frames.size(); i++) {
            sb.append("\tat ").append(frames.get(i)).append('\n');
            if (i == 0) {
                String waiting = waiting(t, state, String.valueOf(frames.get(0)));
                if (waiting != null) {
                    sb.append(waiting).append('\n');
                }
            }
            for (String line : monitors.getOrDefault(i, List.of())) {
                sb.append(line).append('\n');
            }
        }
        if (frames.isEmpty()) {
            String waiting = waiting(t, state, "");
            if (waiting != null) {
                sb.append(waiting).append('\n');
            }
        }
        for (Map.Entry<Integer, List<String>> held : monitors.entrySet()) {
            if (held.getKey() < 0 || held.getKey() >= frames.size()) {
                // locked in native code (JNI), or below the frames the reply kept
                for (String line : held.getValue()) {
                    sb.append(line).append(held.getKey() < 0 ? " (by native code)" : " (in a frame not shown)").append('\n');
                }
            }
        }
        List<?> synchronizers = Fields.list(t, "locked_synchronizers");
        if (!synchronizers.isEmpty()) {
            sb.append("\n   Locked ownable synchronizers:\n");
            for (Object s : synchronizers) {
                sb.append("\t- <0x").append(Fields.string(s, "identity_hash")).append("> (a ").append(Fields.string(s, "class"))
                        .append(")\n");
            }
        }
        return sb.toString();
    }

    /** {@code (sleeping)}, {@code (parking)}, {@code (on object monitor)} after the state, as jstack adds them. */
    private static String stateDetail(String state, List<?> frames) {
        if (frames.isEmpty() || !state.contains("WAITING")) {
            return "";
        }
        String top = String.valueOf(frames.get(0));
        if (top.contains(".sleep")) {
            return " (sleeping)";
        }
        if (top.contains(".park(")) {
            return " (parking)";
        }
        if (top.contains("Object.wait")) {
            return " (on object monitor)";
        }
        return "";
    }

    /** The line under the top frame naming the lock the thread waits for, or null when it waits for none. */
    private static String waiting(Map<String, Object> t, String state, String topFrame) {
        String[] lock = lock(Fields.string(t, "lock"));
        if (lock == null) {
            return null;
        }
        String what = "<0x" + lock[1] + "> (a " + lock[0] + ")";
        String owner = Fields.string(t, "lock_owner_name");
        String held = owner == null ? "" : " held by \"" + owner + "\" #" + Units.count(t.get("lock_owner_id"));
        if ("BLOCKED".equals(state)) {
            return "\t- waiting to lock " + what + held;
        }
        if (topFrame.contains(".park(")) {
            return "\t- parking to wait for  " + what + held;
        }
        return "\t- waiting on " + what + held;
    }

    /** {@code class@hash} (LockInfo's text) as {class, hash}; null when there is no lock. */
    static String[] lock(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int at = text.lastIndexOf('@');
        return at < 0 ? new String[] {text, "?"} : new String[] {text.substring(0, at), text.substring(at + 1)};
    }

    /**
     * A name pattern for a group: the names' common beginning and end around a {@code *} ({@code pool-3-thread-*}),
     * the name when all are the same, else the names themselves.
     */
    static String pattern(List<String> names) {
        String first = names.get(0);
        int prefix = first.length();
        int suffix = first.length();
        boolean same = true;
        for (String n : names) {
            same &= n.equals(first);
            prefix = Math.min(prefix, commonPrefix(first, n));
            suffix = Math.min(suffix, commonSuffix(first, n));
        }
        if (same) {
            return first;
        }
        int shortest = Integer.MAX_VALUE;
        for (String n : names) {
            shortest = Math.min(shortest, n.length());
        }
        suffix = Math.min(suffix, shortest - prefix);
        if (prefix >= 3 || prefix + suffix >= 4) {
            // end the prefix before a run of digits, so that thread-1, thread-12 read thread-*
            while (prefix > 0 && Character.isDigit(first.charAt(prefix - 1))) {
                prefix--;
            }
            while (suffix > 0 && Character.isDigit(first.charAt(first.length() - suffix))) {
                suffix--;
            }
            return first.substring(0, prefix) + "*" + first.substring(first.length() - suffix);
        }
        return String.join(", ", names);
    }

    private static int commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static int commonSuffix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
            i++;
        }
        return i;
    }

    /** CPU over the interval, for the top table: {@code 97.5%}. */
    static String cpuPercent(Object value) {
        return value instanceof Number ? String.format(Locale.ROOT, "%.1f%%", ((Number) value).doubleValue()) : Units.NONE;
    }
}
