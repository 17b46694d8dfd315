package dev.pidbox.fleet;

import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Folds a fleet's answers: which nodes said the same thing, whole or at a dot path such as {@code heap.used}. */
public final class Groups {
    private Groups() {
    }

    /**
     * The value at a dot path ({@code a.b.0.c}: map keys, list indexes) inside a reply value; the value itself for
     * a null or empty path; null when the path does not exist.
     */
    public static Object valueAt(Object value, String path) {
        Object cur = value;
        if (path == null || path.isEmpty()) {
            return cur;
        }
        for (String part : path.split("\\.")) {
            if (cur instanceof Map) {
                cur = ((Map<?, ?>) cur).get(part);
            } else if (cur instanceof List && part.matches("\\d+")) {
                List<?> list = (List<?>) cur;
                int i = Integer.parseInt(part);
                cur = i < list.size() ? list.get(i) : null;
            } else {
                return null;
            }
        }
        return cur;
    }

    /**
     * Groups replies whose value at {@code path} is equal: value to node names, values in order of first
     * appearance, names in reply order. Replies without the path (errors, say) fall under the null key.
     */
    public static Map<Object, List<String>> byValueAt(List<Reply> replies, String path) {
        Map<Object, List<String>> out = new LinkedHashMap<>();
        for (Reply r : replies) {
            Object key = valueAt(r.value(), path);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(r.node());
        }
        return out;
    }
}
