package dev.pidbox.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON codec of pidbox: decodes into plain Java values (Map, List, String, numbers, Boolean,
 * null) and encodes them back. Reads are bounded (nesting depth, string and number length), so a
 * hostile body cannot exhaust the stack or the heap.
 */
public final class Json {
    /** Deepest nesting accepted in a message body. */
    public static final int MAX_DEPTH = 100;
    /** Longest JSON string accepted in a message body, in characters. */
    public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;
    /** Longest JSON number accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 100;

    private static final ObjectMapper MAPPER = newMapper();

    private Json() {
    }

    private static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH * 10).build())
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }

    /** The shared mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Decodes a JSON document into plain Java values.
     *
     * @throws IOException when the bytes are not one well-formed JSON value within the read limits
     */
    public static Object decode(byte[] bytes) throws IOException {
        return MAPPER.readValue(bytes, Object.class);
    }

    public static Object decode(String text) throws IOException {
        return MAPPER.readValue(text, Object.class);
    }

    /** Encodes a JSON-able value as UTF-8 bytes. */
    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not JSON-able: " + e.getOriginalMessage(), e);
        }
    }

    public static String encodeToString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not JSON-able: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Turns any JSON-able value into plain Java values (Map, List, String, Number, Boolean, null), as a
     * peer would decode it. Beans and arrays are converted through the codec.
     */
    public static Object toPlain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double) {
            return value;
        }
        return MAPPER.convertValue(value, Object.class);
    }

    /**
     * Rewrites objects whose keys are exactly {@code __type__} and {@code __value__}: kombu 5.3 and later
     * would decode them as tagged values (datetime, decimal, uuid, bytes). A third key,
     * {@code __pidbox_plain__}, keeps them plain objects for every reader. Returns the input when nothing
     * needed rewriting.
     */
    @SuppressWarnings("unchecked")
    public static Object escapeKombuTags(Object value) {
        if (value instanceof Map) {
            Map<String, Object> map = (Map<String, Object>) value;
            Map<String, Object> out = null;
            for (Map.Entry<String, Object> e : map.entrySet()) {
                Object escaped = escapeKombuTags(e.getValue());
                if (escaped != e.getValue()) {
                    if (out == null) {
                        out = new LinkedHashMap<>(map);
                    }
                    out.put(e.getKey(), escaped);
                }
            }
            Map<String, Object> result = out == null ? map : out;
            if (result.size() == 2 && result.containsKey("__type__") && result.containsKey("__value__")) {
                Map<String, Object> plain = new LinkedHashMap<>(result);
                plain.put("__pidbox_plain__", true);
                return plain;
            }
            return result;
        }
        if (value instanceof List) {
            List<Object> list = (List<Object>) value;
            List<Object> out = null;
            for (int i = 0; i < list.size(); i++) {
                Object escaped = escapeKombuTags(list.get(i));
                if (escaped != list.get(i)) {
                    if (out == null) {
                        out = new ArrayList<>(list);
                    }
                    out.set(i, escaped);
                }
            }
            return out == null ? list : out;
        }
        return value;
    }

    /**
     * Decodes kombu 5.3+ tagged values ({@code {"__type__": t, "__value__": v}}) into plain values: the
     * ISO text of datetime, date and time; a {@link java.math.BigDecimal} for decimal; the UUID text for
     * uuid; the text for bytes and base64. Unknown tags are left as they are.
     */
    @SuppressWarnings("unchecked")
    public static Object decodeKombuTags(Object value) {
        if (value instanceof Map) {
            Map<String, Object> map = (Map<String, Object>) value;
            if (map.size() == 2 && map.containsKey("__type__") && map.containsKey("__value__")) {
                Object tag = map.get("__type__");
                Object v = map.get("__value__");
                if ("datetime".equals(tag) || "date".equals(tag) || "time".equals(tag) || "bytes".equals(tag)
                        || "base64".equals(tag)) {
                    return v;
                }
                if ("decimal".equals(tag) && v instanceof String) {
                    try {
                        return new java.math.BigDecimal((String) v);
                    } catch (NumberFormatException e) {
                        return v;
                    }
                }
                if ("uuid".equals(tag)) {
                    if (v instanceof Map && ((Map<String, Object>) v).get("hex") instanceof String) {
                        String hex = (String) ((Map<String, Object>) v).get("hex");
                        if (hex.length() == 32) {
                            return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                                    + hex.substring(16, 20) + "-" + hex.substring(20);
                        }
                        return hex;
                    }
                    return v;
                }
                return map;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                out.put(e.getKey(), decodeKombuTags(e.getValue()));
            }
            return out;
        }
        if (value instanceof Collection) {
            List<Object> out = new ArrayList<>();
            for (Object o : (Collection<Object>) value) {
                out.add(decodeKombuTags(o));
            }
            return out;
        }
        return value;
    }
}
