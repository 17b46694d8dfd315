package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A '/'-separated path into a JSON value ({@code HeapMemoryUsage/used}, {@code 0/name}), for {@code mbean.get}. */
final class JsonPath {
    private JsonPath() {
    }

    /** Follows a '/'-separated path of object keys and list indexes into a JSON value. */
    static Object navigate(Object value, String path) {
        Object cur = value;
        StringBuilder walked = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (cur instanceof Map) {
                Map<?, ?> m = (Map<?, ?>) cur;
                if (!m.containsKey(segment)) {
                    throw new ArgumentException("path '" + path + "': no key '" + segment + "' at '" + walked
                            + "' (keys: " + new TreeSet<>(stringKeys(m)) + ")");
                }
                cur = m.get(segment);
            } else if (cur instanceof List) {
                List<?> l = (List<?>) cur;
                int i;
                try {
                    i = Integer.parseInt(segment);
                } catch (NumberFormatException e) {
                    throw new ArgumentException("path '" + path + "': '" + segment + "' is not an index into the list at '"
                            + walked + "'");
                }
                if (i < 0 || i >= l.size()) {
                    throw new ArgumentException("path '" + path + "': index " + i + " is out of range 0.." + (l.size() - 1)
                            + " at '" + walked + "'");
                }
                cur = l.get(i);
            } else {
                throw new ArgumentException("path '" + path + "': '" + walked + "' is a " + ArgType.jsonTypeOf(cur)
                        + ", nothing to go into");
            }
            walked.append(walked.length() == 0 ? "" : "/").append(segment);
        }
        return cur;
    }

    private static List<String> stringKeys(Map<?, ?> m) {
        List<String> out = new ArrayList<>();
        for (Object k : m.keySet()) {
            out.add(String.valueOf(k));
        }
        return out;
    }
}
