package dev.pidbox.jmx.internal;

import dev.pidbox.Handler;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.spi.JsonValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds a reply to a number of encoded JSON bytes. A reply that fits is returned as it is; a larger
 * one is cut down (lists and objects keep their first entries, long strings their beginning) until it
 * fits, and says so: {@code "truncated": true} and a {@code "truncation"} object with the limit, the
 * original size and, per cut list, how many entries it had and kept.
 */
public final class ReplyCap {
    /** The default cap: 1 MiB, well under the mailbox's reply limit. */
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    private static final int MIN_STRING = 32;
    private static final int MAX_NOTES = 20;

    private final int maxBytes;

    public ReplyCap(int maxBytes) {
        if (maxBytes < 256) {
            throw new IllegalArgumentException("reply cap must be at least 256 bytes, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** The same handler, its replies bounded by this cap. */
    public HandlerDefinition wrap(HandlerDefinition d) {
        Handler inner = d.handler();
        return d.toBuilder().handler((ctx, args) -> apply(inner.handle(ctx, args))).build();
    }

    /** The value itself when it fits, else a truncated copy carrying the truncation marker. */
    public Object apply(Object value) {
        Object plain = JsonValues.toPlain(value);
        int size = JsonValues.encode(plain).length;
        if (size <= maxBytes) {
            return value;
        }
        final int original = size;
        int[] longest = new int[2];
        measure(plain, longest);
        int listLimit = longest[0];
        int stringLimit = Math.max(MIN_STRING, longest[1]);
        for (int attempt = 0; attempt < 64; attempt++) {
            double ratio = Math.min(0.9, (double) maxBytes / size * 0.9);
            listLimit = Math.min(listLimit - 1, (int) (listLimit * ratio));
            listLimit = Math.max(0, listLimit);
            stringLimit = Math.max(MIN_STRING, (int) (stringLimit * ratio));
            Notes notes = new Notes();
            Object copy = bound(plain, listLimit, stringLimit, "", notes, true);
            Map<String, Object> marked = mark(copy, original, notes);
            int newSize = JsonValues.encode(marked).length;
            if (newSize <= maxBytes) {
                return marked;
            }
            if (listLimit == 0 && stringLimit == MIN_STRING) {
                break;
            }
            size = Math.max(newSize, maxBytes + 1);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("truncated", true);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("max_bytes", maxBytes);
        t.put("reason", "the reply does not fit even with every list emptied");
        out.put("truncation", t);
        return out;
    }

    private Map<String, Object> mark(Object copy, int originalSize, Notes notes) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (copy instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) copy;
            out.putAll(m);
        } else {
            out.put("value", copy);
        }
        out.put("truncated", true);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("max_bytes", maxBytes);
        t.put("original_bytes", originalSize);
        t.put("lists_cut", notes.listsCut);
        t.put("strings_cut", notes.stringsCut);
        t.put("lists", notes.lists);
        out.put("truncation", t);
        return out;
    }

    private static void measure(Object v, int[] longest) {
        if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            longest[0] = Math.max(longest[0], m.size());
            for (Object e : m.values()) {
                measure(e, longest);
            }
        } else if (v instanceof Collection) {
            Collection<?> c = (Collection<?>) v;
            longest[0] = Math.max(longest[0], c.size());
            for (Object e : c) {
                measure(e, longest);
            }
        } else if (v instanceof String) {
            longest[1] = Math.max(longest[1], ((String) v).length());
        }
    }

    private static Object bound(Object v, int listLimit, int stringLimit, String path, Notes notes, boolean top) {
        if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            Map<String, Object> out = new LinkedHashMap<>();
            int kept = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!top && kept >= listLimit) {
                    break;
                }
                String key = String.valueOf(e.getKey());
                out.put(key, bound(e.getValue(), listLimit, stringLimit, path.isEmpty() ? key : path + "." + key, notes,
                        false));
                kept++;
            }
            if (out.size() < m.size()) {
                notes.list(path, m.size(), out.size());
            }
            return out;
        }
        if (v instanceof Collection) {
            Collection<?> c = (Collection<?>) v;
            List<Object> out = new ArrayList<>(Math.min(c.size(), listLimit));
            int i = 0;
            for (Object e : c) {
                if (i >= listLimit) {
                    break;
                }
                out.add(bound(e, listLimit, stringLimit, path + "[" + i + "]", notes, false));
                i++;
            }
            if (out.size() < c.size()) {
                notes.list(path, c.size(), out.size());
            }
            return out;
        }
        if (v instanceof String && ((String) v).length() > stringLimit) {
            String s = (String) v;
            notes.stringsCut++;
            return s.substring(0, stringLimit) + "...[" + (s.length() - stringLimit) + " more chars]";
        }
        return v;
    }

    private static final class Notes {
        final Map<String, Object> lists = new LinkedHashMap<>();
        int listsCut;
        int stringsCut;

        void list(String path, int total, int kept) {
            listsCut++;
            if (lists.size() < MAX_NOTES) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("total", total);
                n.put("kept", kept);
                lists.put(path.isEmpty() ? "$" : path, n);
            }
        }
    }
}
