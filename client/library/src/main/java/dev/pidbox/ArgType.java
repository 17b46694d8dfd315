package dev.pidbox;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON type of a declared handler argument. */
public enum ArgType {
    STRING,
    /** A JSON number without a fraction. */
    INTEGER,
    /** Any JSON number. */
    NUMBER,
    BOOLEAN,
    /** A JSON array. */
    LIST,
    /** A JSON object. */
    OBJECT,
    /** Any JSON value, null included. */
    ANY;

    /** The lower-case name shown by {@code describe}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a decoded JSON value (see {@link Arguments}) is of this type. Null is never accepted here. */
    public boolean accepts(Object value) {
        switch (this) {
            case STRING:
                return value instanceof String;
            case INTEGER:
                return value instanceof Integer || value instanceof Long || value instanceof BigInteger
                        || value instanceof Short || value instanceof Byte;
            case NUMBER:
                return value instanceof Number;
            case BOOLEAN:
                return value instanceof Boolean;
            case LIST:
                return value instanceof List;
            case OBJECT:
                return value instanceof Map;
            case ANY:
            default:
                return true;
        }
    }

    /** The JSON name of a decoded value's type, for error messages. */
    public static String jsonTypeOf(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (INTEGER.accepts(value)) {
            return "integer";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof List) {
            return "list";
        }
        if (value instanceof Map) {
            return "object";
        }
        return value.getClass().getSimpleName();
    }
}
