package dev.pidbox.cli.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /api/profile}, checked: {@code mode}, {@code duration_ms} (at most a minute),
 * {@code interval_ms}, {@code name}, {@code max_depth}, the selection as {@code /api/call} takes it ({@code to},
 * {@code glob}, {@code regex}, {@code where}, {@code expect}), {@code compare} (a second selection of the same four
 * keys, profiled in the same window), {@code timeout} (how long to wait after the sampling for the samples) and
 * {@code namespace}. Unknown keys are refused, here and in {@code compare}.
 */
record ProfileRequest(String namespace, Map<String, Object> arguments, long durationMs, ActionRequest selection,
        ActionRequest compare, Integer expect, Duration grace) {

    static final long LONGEST_MS = 60_000;
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    static final Duration LONGEST_GRACE = Duration.ofSeconds(60);
    private static final Set<String> KEYS = Set.of("namespace", "mode", "duration_ms", "interval_ms", "name",
            "max_depth", "to", "glob", "regex", "where", "expect", "compare", "timeout");
    private static final Set<String> SELECTION_KEYS = Set.of("to", "glob", "regex", "where");
    private static final Set<String> MODES = Set.of("cpu", "wall", "alloc");

    @SuppressWarnings("unchecked")
    static ProfileRequest parse(Object json) {
        if (!(json instanceof Map)) {
            throw new ApiError(400, "the body must be a JSON object");
        }
        Map<String, Object> body = (Map<String, Object>) json;
        known(body, KEYS, "");
        Object mode = body.getOrDefault("mode", "cpu");
        if (!(mode instanceof String) || !MODES.contains(mode)) {
            throw new ApiError(400, "'mode' must be cpu, wall or alloc, got " + mode);
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        Long duration = whole(body, "duration_ms", 100, LONGEST_MS);
        if (duration == null) {
            throw new ApiError(400, "'duration_ms' is required: how long each node samples, 100 to " + LONGEST_MS);
        }
        args.put("duration_ms", duration);
        Long interval = whole(body, "interval_ms", 10, 1000);
        if (interval != null) {
            args.put("interval_ms", interval);
        }
        Object name = body.get("name");
        if (name != null && !(name instanceof String)) {
            throw new ApiError(400, "'name' must be a thread-name glob as a string");
        }
        if (name != null && !((String) name).isEmpty()) {
            args.put("name", name);
        }
        Long depth = whole(body, "max_depth", 1, 2048);
        if (depth != null) {
            args.put("max_depth", depth);
        }
        Long expect = whole(body, "expect", 1, Integer.MAX_VALUE);
        ActionRequest selection = selection(body);
        ActionRequest compare = null;
        Object c = body.get("compare");
        if (c != null) {
            if (!(c instanceof Map)) {
                throw new ApiError(400, "'compare' must be an object with to, glob, regex or where");
            }
            Map<String, Object> cm = (Map<String, Object>) c;
            known(cm, SELECTION_KEYS, "compare.");
            compare = selection(cm);
            if (isAll(compare)) {
                throw new ApiError(400, "'compare' must select some nodes: to, glob, regex or where");
            }
        }
        Duration grace = DEFAULT_GRACE;
        if (body.get("timeout") != null) {
            Long t = whole(body, "timeout", 1, LONGEST_GRACE.toMillis());
            grace = Duration.ofMillis(t);
        }
        String ns = body.get("namespace") instanceof String s && !s.isEmpty() ? s : null;
        if (body.get("namespace") != null && ns == null) {
            throw new ApiError(400, "'namespace' must be a non-empty string");
        }
        return new ProfileRequest(ns, args, duration, selection, compare, expect == null ? null : expect.intValue(),
                grace);
    }

    private static boolean isAll(ActionRequest r) {
        return r.to().isEmpty() && r.glob() == null && r.regex() == null && r.where().isEmpty();
    }

    /** The selection keys of {@code body} as an {@link ActionRequest}'s, parsed by the same rules. */
    private static ActionRequest selection(Map<String, Object> body) {
        Map<String, Object> sel = new LinkedHashMap<>();
        sel.put("method", "profile");
        for (String k : SELECTION_KEYS) {
            if (body.get(k) != null) {
                sel.put(k, body.get(k));
            }
        }
        ActionRequest r = ActionRequest.parse(sel, false);
        r.selector();
        return r;
    }

    private static void known(Map<String, Object> body, Set<String> keys, String prefix) {
        for (String k : body.keySet()) {
            if (!keys.contains(k)) {
                throw new ApiError(400, "unknown key '" + prefix + k + "'; expected one of "
                        + keys.stream().sorted().toList());
            }
        }
    }

    private static Long whole(Map<String, Object> body, String key, long least, long most) {
        Object v = body.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < least
                || n.longValue() > most) {
            throw new ApiError(400, "'" + key + "' must be a whole number from " + least + " to " + most + ", got "
                    + v);
        }
        return n.longValue();
    }

    /** Everything that selects, in words, for the journal and the audit line. */
    String what() {
        List<String> parts = new ArrayList<>();
        parts.add("profile " + arguments.get("mode") + " for " + durationMs + " ms of " + selection.selection());
        if (compare != null) {
            parts.add("compared with " + compare.selection());
        }
        return String.join(", ", parts);
    }
}
