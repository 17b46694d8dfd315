package dev.pidbox;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keyword arguments of a request, as decoded JSON: {@link String}, {@link Boolean}, numbers
 * ({@link Integer}, {@link Long}, {@link BigInteger}, {@link Double} or {@link BigDecimal}),
 * {@link List}, {@link Map} and null. Declared arguments were checked and their defaults filled in
 * before the handler runs. The typed getters throw {@link ArgumentException} on a value of the
 * wrong type, which the node turns into a {@code TypeError} reply.
 */
public final class Arguments {
    private static final Arguments EMPTY = new Arguments(Collections.emptyMap());

    private final Map<String, Object> values;

    private Arguments(Map<String, Object> values) {
        this.values = values;
    }

    /** Wraps a map of decoded JSON values; the map is copied. */
    public static Arguments of(Map<String, ?> values) {
        if (values == null || values.isEmpty()) {
            return EMPTY;
        }
        return new Arguments(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    public static Arguments empty() {
        return EMPTY;
    }

    /**
     * Checks {@code raw} against the declared arguments of {@code definition} and fills in defaults.
     *
     * @throws ArgumentException when a required argument is missing, a value has the wrong type, or an
     *     undeclared argument is given to a strict handler
     */
    public static Arguments validate(HandlerDefinition definition, Map<String, ?> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (raw != null) {
            out.putAll(raw);
        }
        for (ArgumentSpec spec : definition.arguments()) {
            Object value = out.get(spec.name());
            if (value == null) {
                if (spec.isRequired()) {
                    throw new ArgumentException(definition.name() + "() missing required argument '" + spec.name()
                            + "' (" + spec.type().wireName() + ")");
                }
                out.put(spec.name(), spec.defaultValue());
                continue;
            }
            if (spec.type() == ArgType.NUMBER && value instanceof Number) {
                continue;
            }
            if (!spec.type().accepts(value)) {
                throw new ArgumentException(definition.name() + "() argument '" + spec.name() + "' must be "
                        + article(spec.type().wireName()) + ", got " + ArgType.jsonTypeOf(value));
            }
        }
        if (definition.strictArguments()) {
            for (String key : out.keySet()) {
                boolean declared = definition.arguments().stream().anyMatch(s -> s.name().equals(key));
                if (!declared) {
                    throw new ArgumentException(definition.name() + "() got an unexpected argument '" + key + "'");
                }
            }
        }
        return new Arguments(Collections.unmodifiableMap(out));
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    /** Whether the argument is present with a non-null value. */
    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** The raw value, or null. */
    public Object get(String name) {
        return values.get(name);
    }

    public String getString(String name) {
        Object v = values.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType(name, "a string", v);
    }

    public String getString(String name, String fallback) {
        String v = getString(name);
        return v == null ? fallback : v;
    }

    /** An integer argument; null when absent. Accepts JSON numbers without a fraction. */
    public Long getLong(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger && ((BigInteger) v).bitLength() < 64) {
            return ((BigInteger) v).longValue();
        }
        if ((v instanceof Double || v instanceof Float) && ((Number) v).doubleValue() == Math.rint(((Number) v).doubleValue())
                && Math.abs(((Number) v).doubleValue()) < 9.0e15) {
            return ((Number) v).longValue();
        }
        throw wrongType(name, "an integer", v);
    }

    public long getLong(String name, long fallback) {
        Long v = getLong(name);
        return v == null ? fallback : v;
    }

    public int getInt(String name, int fallback) {
        Long v = getLong(name);
        if (v == null) {
            return fallback;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ArgumentException("argument '" + name + "' is out of range: " + v);
        }
        return v.intValue();
    }

    public Double getDouble(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        throw wrongType(name, "a number", v);
    }

    public double getDouble(String name, double fallback) {
        Double v = getDouble(name);
        return v == null ? fallback : v;
    }

    public Boolean getBoolean(String name) {
        Object v = values.get(name);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw wrongType(name, "a boolean", v);
    }

    public boolean getBoolean(String name, boolean fallback) {
        Boolean v = getBoolean(name);
        return v == null ? fallback : v;
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String name) {
        Object v = values.get(name);
        if (v == null || v instanceof List) {
            return (List<Object>) v;
        }
        throw wrongType(name, "a list", v);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String name) {
        Object v = values.get(name);
        if (v == null || v instanceof Map) {
            return (Map<String, Object>) v;
        }
        throw wrongType(name, "an object", v);
    }

    /** All arguments, unmodifiable. */
    public Map<String, Object> asMap() {
        return values;
    }

    private static ArgumentException wrongType(String name, String expected, Object value) {
        return new ArgumentException("argument '" + name + "' must be " + expected + ", got " + ArgType.jsonTypeOf(value));
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
