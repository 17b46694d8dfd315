package dev.pidbox.cli;

import java.util.List;
import java.util.Map;

/** Lenient reads of decoded JSON: a wrong or missing shape gives an empty map or list, or null, never an exception. */
final class Fields {
    private Fields() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    static Map<String, Object> map(Object value, String key) {
        return map(map(value).get(key));
    }

    static List<?> list(Object value) {
        return value instanceof List ? (List<?>) value : List.of();
    }

    static List<?> list(Object value, String key) {
        return list(map(value).get(key));
    }

    /** The number at {@code key}, or null. */
    static Number number(Object value, String key) {
        Object v = map(value).get(key);
        return v instanceof Number ? (Number) v : null;
    }

    static long longValue(Object value, String key, long otherwise) {
        Number n = number(value, key);
        return n == null ? otherwise : n.longValue();
    }

    /** The text at {@code key}, or null when absent or null. */
    static String string(Object value, String key) {
        Object v = map(value).get(key);
        return v == null ? null : String.valueOf(v);
    }

    static boolean isTrue(Object value, String key) {
        return Boolean.TRUE.equals(map(value).get(key));
    }
}
