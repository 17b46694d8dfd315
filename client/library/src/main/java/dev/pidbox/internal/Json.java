package dev.pidbox.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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

    /*
     * Field names are not canonicalized. Jackson's default keeps every field name it has read in a symbol table that
     * all parsers of a factory share, copied by each parser that meets a name the table lacks. A reply's key is its
     * node's name, so a client gathering from many nodes met a new name in nearly every reply and copied a table that
     * grew with the fleet; past about 6,000 names Jackson empties the table and it fills again. The gather's decoding
     * grew with the square of the fleet: at 10,000 nodes two thirds of the client's CPU went to copying that table.
     * Without it a name costs one small String; a request's dozen names cost nothing measurable.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH * 10).build())
            .build();

    private Json() {
    }

    /**
     * The data-binding mapper, built on first use only: plain values (everything on the wire) go through
     * the streaming codec below, so a node that never meets a bean never pays for jackson-databind
     * (about 150 ms of class loading in a cold JVM, and its classes and caches in the host's heap).
     */
    private static final class Mapper {
        static final ObjectMapper MAPPER = newMapper();
    }

    private static ObjectMapper newMapper() {
        ObjectMapper mapper = new ObjectMapper(FACTORY);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }

    /** The shared mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    /** The shared streaming factory (with the read limits); do not reconfigure it. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /**
     * Decodes a JSON document into plain Java values.
     *
     * @throws IOException when the bytes are not one well-formed JSON value within the read limits
     */
    public static Object decode(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            return readDocument(p);
        }
    }

    public static Object decode(String text) throws IOException {
        try (JsonParser p = FACTORY.createParser(text)) {
            return readDocument(p);
        }
    }

    /**
     * Decodes the one JSON document {@code p} holds, as {@link #decode(byte[])} does (for a parser of another factory:
     * {@code ReplyDecodeBenchmark} compares factories with it). As {@code ObjectMapper.readValue(.., Object.class)}
     * with FAIL_ON_TRAILING_TOKENS, without databind.
     */
    static Object readDocument(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonParseException(p, "No content to map due to end-of-input");
        }
        Object value = readValue(p, t);
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after value (bound as"
                    + " `java.lang.Object`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`");
        }
        return value;
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String key = p.currentName();
                    map.put(key, readValue(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    list.add(readValue(p, e));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonParseException(p, "Unexpected token (" + t + ")");
        }
    }

    /** Encodes a JSON-able value as UTF-8 bytes. */
    /** As {@link #encode}, or no bytes when {@code value} is not JSON-able. */
    public static byte[] encodeOrEmpty(Object value) {
        try {
            return encode(value);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    public static byte[] encode(Object value) {
        if (isPlain(value, 0)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            try (JsonGenerator g = FACTORY.createGenerator(out)) {
                write(g, value);
            } catch (IOException e) {
                throw new IllegalArgumentException("value is not JSON-able: " + e.getMessage(), e);
            }
            return out.toByteArray();
        }
        try {
            return mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not JSON-able: " + e.getOriginalMessage(), e);
        }
    }

    public static String encodeToString(Object value) {
        if (isPlain(value, 0)) {
            return new String(encode(value), StandardCharsets.UTF_8);
        }
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not JSON-able: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Whether {@code value} holds only what the streaming codec writes exactly as the mapper would: null,
     * String, Boolean, Integer, Long, Double, and Maps with String keys and Collections of those, not too deep
     * (deeper values go to the mapper, which reports the nesting limit).
     */
    private static boolean isPlain(Object value, int depth) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double) {
            return true;
        }
        if (depth >= MAX_DEPTH) {
            return false;
        }
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!(e.getKey() instanceof String) || !isPlain(e.getValue(), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Collection) {
            for (Object o : (Collection<?>) value) {
                if (!isPlain(o, depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String) {
            g.writeString((String) value);
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else if (value instanceof Integer) {
            g.writeNumber((Integer) value);
        } else if (value instanceof Long) {
            g.writeNumber((Long) value);
        } else if (value instanceof Double) {
            g.writeNumber((Double) value);
        } else if (value instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                g.writeFieldName((String) e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeStartArray();
            for (Object o : (Collection<?>) value) {
                write(g, o);
            }
            g.writeEndArray();
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
        if (isPlain(value, 0)) {
            return copyPlain(value);
        }
        return mapper().convertValue(value, Object.class);
    }

    private static Object copyPlain(Object value) {
        if (value instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                out.put((String) e.getKey(), copyPlain(e.getValue()));
            }
            return out;
        }
        if (value instanceof Collection) {
            List<Object> out = new ArrayList<>();
            for (Object o : (Collection<?>) value) {
                out.add(copyPlain(o));
            }
            return out;
        }
        return value;
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
                        return new BigDecimal((String) v);
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
