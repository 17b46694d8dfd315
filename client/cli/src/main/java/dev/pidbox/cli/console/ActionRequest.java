package dev.pidbox.cli.console;

import dev.pidbox.cli.Durations;
import dev.pidbox.fleet.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /api/call} and {@code POST /api/rollout}, checked: method, arguments, selection
 * ({@code to}, {@code glob}, {@code regex}, {@code where}), {@code timeout} (text like the CLI's, or milliseconds),
 * {@code expect}, {@code limit}, {@code namespace}, and for a rollout {@code canary}, {@code batch},
 * {@code max_failures}. Unknown keys are refused, so that a misspelt option is not silently ignored.
 */
record ActionRequest(String method, Map<String, Object> arguments, List<String> to, String glob, String regex,
        Map<String, String> where, Duration timeout, Integer expect, Integer limit, String namespace, Integer canary,
        Integer batch, int maxFailures) {

    private static final Set<String> CALL_KEYS = Set.of("method", "arguments", "to", "glob", "regex", "where",
            "timeout", "expect", "limit", "namespace");
    private static final Set<String> ROLLOUT_KEYS = Set.of("canary", "batch", "max_failures");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration LONGEST = Duration.ofMinutes(10);

    @SuppressWarnings("unchecked")
    static ActionRequest parse(Object json, boolean rollout) {
        if (!(json instanceof Map)) {
            throw new ApiError(400, "the body must be a JSON object");
        }
        Map<String, Object> body = (Map<String, Object>) json;
        for (String k : body.keySet()) {
            if (!CALL_KEYS.contains(k) && !(rollout && ROLLOUT_KEYS.contains(k))) {
                throw new ApiError(400, "unknown key '" + k + "'; expected one of "
                        + (rollout ? union() : CALL_KEYS.stream().sorted().toList()));
            }
        }
        Object method = body.get("method");
        if (!(method instanceof String) || ((String) method).isBlank()) {
            throw new ApiError(400, "'method' must be a non-empty string");
        }
        Object args = body.getOrDefault("arguments", Map.of());
        if (args != null && !(args instanceof Map)) {
            throw new ApiError(400, "'arguments' must be a JSON object");
        }
        Integer maxFailures = integer(body, "max_failures", 0);
        return new ActionRequest((String) method, args == null ? Map.of() : new LinkedHashMap<>((Map<String, Object>) args),
                names(body.get("to")), text(body, "glob"), text(body, "regex"), where(body.get("where")),
                timeout(body.get("timeout")), integer(body, "expect", 1), integer(body, "limit", 1),
                text(body, "namespace"), integer(body, "canary", 1), integer(body, "batch", 1),
                maxFailures == null ? 0 : maxFailures);
    }

    private static List<String> union() {
        List<String> all = new ArrayList<>(CALL_KEYS);
        all.addAll(ROLLOUT_KEYS);
        return all.stream().sorted().toList();
    }

    /** The selection as the library's selector; a bad pattern is a 400. */
    Selector selector() {
        try {
            Selector s = Selector.all();
            if (!to.isEmpty()) {
                s = s.names(to);
            }
            if (glob != null) {
                s = s.glob(glob);
            }
            if (regex != null) {
                s = s.regex(regex);
            }
            return where.isEmpty() ? s : s.where(where);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    /** The selection in words, for the journal and the audit line. */
    String selection() {
        List<String> parts = new ArrayList<>();
        if (!to.isEmpty()) {
            parts.add(String.join(",", to));
        }
        if (glob != null) {
            parts.add("glob " + glob);
        }
        if (regex != null) {
            parts.add("regex " + regex);
        }
        if (!where.isEmpty()) {
            parts.add("where " + where);
        }
        return parts.isEmpty() ? "all nodes" : String.join(" ", parts);
    }

    private static List<String> names(Object to) {
        List<String> out = new ArrayList<>();
        if (to == null) {
            return out;
        }
        if (to instanceof String) {
            for (String s : ((String) to).split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return out;
        }
        if (to instanceof List) {
            for (Object o : (List<?>) to) {
                if (!(o instanceof String) || ((String) o).isBlank()) {
                    throw new ApiError(400, "'to' must list node names as strings");
                }
                out.add((String) o);
            }
            return out;
        }
        throw new ApiError(400, "'to' must be a list of node names or a comma-separated string");
    }

    private static Map<String, String> where(Object where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (where == null) {
            return out;
        }
        if (!(where instanceof Map)) {
            throw new ApiError(400, "'where' must be an object of tag names to values");
        }
        ((Map<?, ?>) where).forEach((k, v) -> {
            if (v == null || v instanceof Map || v instanceof List) {
                throw new ApiError(400, "'where' values must be text, got " + v + " for '" + k + "'");
            }
            out.put(k.toString(), v.toString());
        });
        return out;
    }

    private static Duration timeout(Object t) {
        if (t == null) {
            return DEFAULT_TIMEOUT;
        }
        Duration d;
        try {
            d = t instanceof Number ? Duration.ofMillis(((Number) t).longValue()) : Durations.parse(t.toString());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "'timeout': " + e.getMessage());
        }
        if (d.isNegative() || d.isZero() || d.compareTo(LONGEST) > 0) {
            throw new ApiError(400, "'timeout' must be above 0 and at most 10 minutes, got " + t);
        }
        return d;
    }

    private static String text(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null || v instanceof String && ((String) v).isEmpty()) {
            return null;
        }
        if (!(v instanceof String)) {
            throw new ApiError(400, "'" + key + "' must be a string");
        }
        return (String) v;
    }

    private static Integer integer(Map<String, Object> body, String key, int least) {
        Object v = body.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue())
                || ((Number) v).longValue() < least || ((Number) v).longValue() > Integer.MAX_VALUE) {
            throw new ApiError(400, "'" + key + "' must be a whole number of at least " + least + ", got " + v);
        }
        return ((Number) v).intValue();
    }
}
