package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * JMX values to JSON and back. To JSON: {@link CompositeData} as an object, {@link TabularData} as an
 * object when it is an MXBean map (columns {@code key}/{@code value}) and as a list of rows otherwise,
 * arrays and collections as lists, {@link ObjectName} as its canonical name, {@link Date} as ISO-8601,
 * enums by name, numbers and booleans as they are, and anything else as {@code {"type", "string"}}.
 * From JSON: the value converted to a declared JMX type name ({@code int}, {@code java.lang.String},
 * {@code [J}, an enum class ...), with a score used to choose between overloaded operations.
 */
public final class JmxJson {
    private static final int MAX_DEPTH = 32;

    private JmxJson() {
    }

    /** A JMX value as plain JSON values. */
    public static Object toJson(Object v) {
        return toJson(v, 0);
    }

    private static Object toJson(Object v, int depth) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (depth > MAX_DEPTH) {
            return typed(v);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? String.valueOf(d) : v;
        }
        if (v instanceof Number) {
            return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                    || v instanceof BigInteger || v instanceof BigDecimal ? v : typed(v);
        }
        if (v instanceof Character) {
            return v.toString();
        }
        if (v instanceof ObjectName) {
            return ((ObjectName) v).getCanonicalName();
        }
        if (v instanceof Date) {
            return ((Date) v).toInstant().toString();
        }
        if (v instanceof Enum) {
            return ((Enum<?>) v).name();
        }
        if (v instanceof Class) {
            return ((Class<?>) v).getName();
        }
        if (v instanceof CompositeData) {
            CompositeData cd = (CompositeData) v;
            Map<String, Object> out = new LinkedHashMap<>();
            for (String key : cd.getCompositeType().keySet()) {
                out.put(key, toJson(cd.get(key), depth + 1));
            }
            return out;
        }
        if (v instanceof TabularData) {
            TabularData td = (TabularData) v;
            List<String> index = td.getTabularType().getIndexNames();
            boolean isMap = index.size() == 1 && "key".equals(index.get(0))
                    && td.getTabularType().getRowType().keySet().size() == 2
                    && td.getTabularType().getRowType().containsKey("value");
            if (isMap) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Object row : td.values()) {
                    CompositeData cd = (CompositeData) row;
                    out.put(String.valueOf(toJson(cd.get("key"), depth + 1)), toJson(cd.get("value"), depth + 1));
                }
                return out;
            }
            List<Object> rows = new ArrayList<>();
            for (Object row : td.values()) {
                rows.add(toJson(row, depth + 1));
            }
            return rows;
        }
        if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(toJson(Array.get(v, i), depth + 1));
            }
            return out;
        }
        if (v instanceof Collection) {
            List<Object> out = new ArrayList<>();
            for (Object e : (Collection<?>) v) {
                out.add(toJson(e, depth + 1));
            }
            return out;
        }
        if (v instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                out.put(String.valueOf(toJson(e.getKey(), depth + 1)), toJson(e.getValue(), depth + 1));
            }
            return out;
        }
        return typed(v);
    }

    private static Map<String, Object> typed(Object v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", v.getClass().getName());
        String s;
        try {
            s = String.valueOf(v);
        } catch (RuntimeException e) {
            s = "<toString failed: " + e + ">";
        }
        out.put("string", s);
        return out;
    }

    // ---------------------------------------------------------------- JSON to JMX

    /**
     * Converts a decoded JSON value to the JMX type named {@code type}.
     *
     * @param loader loads enum classes named by {@code type}; may be null
     * @throws ArgumentException when the value does not fit the type
     */
    public static Object fromJson(Object v, String type, ClassLoader loader) {
        switch (type) {
            case "java.lang.Object":
            case "java.io.Serializable":
                return v;
            case "boolean":
            case "java.lang.Boolean":
                return toBoolean(v, type);
            case "int":
            case "java.lang.Integer":
                return v == null && type.startsWith("java") ? null : (int) integral(v, type, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "long":
            case "java.lang.Long":
                return v == null && type.startsWith("java") ? null : integral(v, type, Long.MIN_VALUE, Long.MAX_VALUE);
            case "short":
            case "java.lang.Short":
                return v == null && type.startsWith("java") ? null : (short) integral(v, type, Short.MIN_VALUE, Short.MAX_VALUE);
            case "byte":
            case "java.lang.Byte":
                return v == null && type.startsWith("java") ? null : (byte) integral(v, type, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case "double":
            case "java.lang.Double":
                return v == null && type.startsWith("java") ? null : floating(v, type);
            case "float":
            case "java.lang.Float":
                return v == null && type.startsWith("java") ? null : (float) floating(v, type);
            case "char":
            case "java.lang.Character":
                if (v instanceof String && ((String) v).length() == 1) {
                    return ((String) v).charAt(0);
                }
                if (v == null && type.startsWith("java")) {
                    return null;
                }
                throw mismatch(v, type);
            case "java.lang.String":
                if (v == null || v instanceof String) {
                    return v;
                }
                if (v instanceof Number || v instanceof Boolean) {
                    return v.toString();
                }
                throw mismatch(v, type);
            case "java.math.BigDecimal":
                if (v == null) {
                    return null;
                }
                try {
                    return new BigDecimal(v.toString());
                } catch (NumberFormatException e) {
                    throw mismatch(v, type);
                }
            case "java.math.BigInteger":
                if (v == null) {
                    return null;
                }
                try {
                    return new BigInteger(v.toString());
                } catch (NumberFormatException e) {
                    throw mismatch(v, type);
                }
            case "javax.management.ObjectName":
                if (v == null) {
                    return null;
                }
                if (v instanceof String) {
                    try {
                        return new ObjectName((String) v);
                    } catch (MalformedObjectNameException e) {
                        throw new ArgumentException("'" + v + "' is not an ObjectName: " + e.getMessage());
                    }
                }
                throw mismatch(v, type);
            case "java.util.Date":
                if (v == null) {
                    return null;
                }
                if (isIntegral(v)) {
                    return new Date(((Number) v).longValue());
                }
                if (v instanceof String) {
                    try {
                        return Date.from(Instant.parse((String) v));
                    } catch (DateTimeParseException e) {
                        throw new ArgumentException("'" + v + "' is not an ISO-8601 instant (e.g. 2024-01-31T12:00:00Z)");
                    }
                }
                throw mismatch(v, type);
            case "java.util.List":
            case "java.util.Collection":
                if (v == null || v instanceof List) {
                    return v;
                }
                throw mismatch(v, type);
            case "java.util.Map":
                if (v == null || v instanceof Map) {
                    return v;
                }
                throw mismatch(v, type);
            default:
                break;
        }
        if (type.startsWith("[")) {
            if (v == null) {
                return null;
            }
            if (!(v instanceof List)) {
                throw mismatch(v, type);
            }
            String elementType = arrayElementType(type);
            Class<?> elementClass = classFor(elementType, loader);
            List<?> list = (List<?>) v;
            Object array = Array.newInstance(elementClass, list.size());
            for (int i = 0; i < list.size(); i++) {
                Array.set(array, i, fromJson(list.get(i), elementType, loader));
            }
            return array;
        }
        Class<?> cls = classFor(type, loader);
        if (cls.isEnum()) {
            if (v == null) {
                return null;
            }
            if (v instanceof String) {
                for (Object c : cls.getEnumConstants()) {
                    if (((Enum<?>) c).name().equals(v)) {
                        return c;
                    }
                }
                List<String> names = new ArrayList<>();
                for (Object c : cls.getEnumConstants()) {
                    names.add(((Enum<?>) c).name());
                }
                throw new ArgumentException("'" + v + "' is not one of " + names);
            }
            throw mismatch(v, type);
        }
        if (v != null && cls.isInstance(v)) {
            return v;
        }
        throw new ArgumentException("cannot convert JSON to " + type + " (supported: primitives, their wrappers, String,"
                + " BigDecimal, BigInteger, ObjectName, Date, enums, List, Map and arrays of those)");
    }

    /**
     * How well a JSON value fits a JMX type, for choosing an overload: -1 when it cannot be converted,
     * higher for a closer fit (a JSON integer fits {@code long} better than {@code double} or {@code String}).
     */
    public static int score(Object v, String type, ClassLoader loader) {
        try {
            fromJson(v, type, loader);
        } catch (RuntimeException e) {
            return -1;
        }
        if (v == null) {
            return 1;
        }
        if ("java.lang.Object".equals(type) || "java.io.Serializable".equals(type)) {
            return 1;
        }
        if (v instanceof Boolean) {
            return type.endsWith("oolean") ? 4 : 0;
        }
        if (isIntegral(v)) {
            switch (type) {
                case "int": case "java.lang.Integer": case "long": case "java.lang.Long":
                    return 4;
                case "short": case "java.lang.Short": case "byte": case "java.lang.Byte": case "java.math.BigInteger":
                    return 3;
                case "double": case "java.lang.Double": case "float": case "java.lang.Float": case "java.math.BigDecimal":
                    return 2;
                case "java.util.Date":
                    return 1;
                default:
                    return 0;
            }
        }
        if (v instanceof Number) {
            switch (type) {
                case "double": case "java.lang.Double":
                    return 4;
                case "float": case "java.lang.Float": case "java.math.BigDecimal":
                    return 3;
                default:
                    return 0;
            }
        }
        if (v instanceof String) {
            if ("java.lang.String".equals(type)) {
                return 4;
            }
            if ("char".equals(type) || "java.lang.Character".equals(type) || "javax.management.ObjectName".equals(type)
                    || "java.util.Date".equals(type)) {
                return 3;
            }
            Class<?> cls = safeClass(type, loader);
            return cls != null && cls.isEnum() ? 3 : 1;
        }
        if (v instanceof List) {
            return type.startsWith("[") ? 4 : 2;
        }
        return 2;
    }

    private static boolean toBoolean(Object v, String type) {
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if ("true".equals(v) || "false".equals(v)) {
            return Boolean.parseBoolean((String) v);
        }
        throw mismatch(v, type);
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger;
    }

    private static long integral(Object v, String type, long min, long max) {
        long n;
        if (v instanceof BigInteger) {
            if (((BigInteger) v).bitLength() >= 64) {
                throw new ArgumentException(v + " is out of range for " + type);
            }
            n = ((BigInteger) v).longValue();
        } else if (isIntegral(v)) {
            n = ((Number) v).longValue();
        } else if (v instanceof Number && ((Number) v).doubleValue() == Math.rint(((Number) v).doubleValue())
                && Math.abs(((Number) v).doubleValue()) < 9.0e15) {
            n = ((Number) v).longValue();
        } else if (v instanceof String) {
            try {
                n = Long.parseLong(((String) v).trim());
            } catch (NumberFormatException e) {
                throw mismatch(v, type);
            }
        } else {
            throw mismatch(v, type);
        }
        if (n < min || n > max) {
            throw new ArgumentException(n + " is out of range for " + type + " (" + min + ".." + max + ")");
        }
        return n;
    }

    private static double floating(Object v, String type) {
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof String) {
            try {
                return Double.parseDouble(((String) v).trim());
            } catch (NumberFormatException e) {
                throw mismatch(v, type);
            }
        }
        throw mismatch(v, type);
    }

    private static String arrayElementType(String type) {
        String rest = type.substring(1);
        switch (rest) {
            case "Z": return "boolean";
            case "I": return "int";
            case "J": return "long";
            case "S": return "short";
            case "B": return "byte";
            case "D": return "double";
            case "F": return "float";
            case "C": return "char";
            default:
                break;
        }
        if (rest.startsWith("L") && rest.endsWith(";")) {
            return rest.substring(1, rest.length() - 1);
        }
        return rest;
    }

    private static Class<?> safeClass(String type, ClassLoader loader) {
        try {
            return classFor(type, loader);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static Class<?> classFor(String type, ClassLoader loader) {
        switch (type) {
            case "boolean": return boolean.class;
            case "int": return int.class;
            case "long": return long.class;
            case "short": return short.class;
            case "byte": return byte.class;
            case "double": return double.class;
            case "float": return float.class;
            case "char": return char.class;
            default:
                break;
        }
        try {
            return Class.forName(type, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ArgumentException("type " + type + " is not known here");
        }
    }

    private static ArgumentException mismatch(Object v, String type) {
        String shown = v instanceof String ? "'" + v + "'" : String.valueOf(v);
        if (shown.length() > 80) {
            shown = shown.substring(0, 80) + "...";
        }
        return new ArgumentException("cannot convert " + ArgType.jsonTypeOf(v) + " " + shown + " to " + type);
    }
}
