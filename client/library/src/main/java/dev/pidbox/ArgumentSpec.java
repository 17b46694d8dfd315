package dev.pidbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One declared argument of a handler: its name, JSON type, whether it is required, its default and
 * a short description. Nodes check declared arguments before a handler runs, so handlers see only
 * values of the declared type.
 */
public final class ArgumentSpec {
    private final String name;
    private final ArgType type;
    private final boolean required;
    private final Object defaultValue;
    private final String description;

    private ArgumentSpec(String name, ArgType type, boolean required, Object defaultValue, String description) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("argument name must not be empty");
        }
        this.name = name;
        this.type = Objects.requireNonNull(type, "type");
        this.required = required;
        this.defaultValue = defaultValue;
        this.description = description == null ? "" : description;
        if (defaultValue != null && !type.accepts(defaultValue)) {
            throw new IllegalArgumentException("default of argument '" + name + "' is a "
                    + ArgType.jsonTypeOf(defaultValue) + ", not a " + type.wireName());
        }
    }

    /** An argument the caller must give. */
    public static ArgumentSpec required(String name, ArgType type, String description) {
        return new ArgumentSpec(name, type, true, null, description);
    }

    /** An argument the caller may leave out; {@code defaultValue} (may be null) is used then. */
    public static ArgumentSpec optional(String name, ArgType type, Object defaultValue, String description) {
        return new ArgumentSpec(name, type, false, defaultValue, description);
    }

    public String name() {
        return name;
    }

    public ArgType type() {
        return type;
    }

    public boolean isRequired() {
        return required;
    }

    /** The default used when the argument is left out; null when there is none. */
    public Object defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** This argument as {@code describe} shows it. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("type", type.wireName());
        out.put("required", required);
        out.put("default", defaultValue);
        out.put("description", description);
        return out;
    }

    @Override
    public String toString() {
        return name + ":" + type.wireName() + (required ? "" : "=" + defaultValue);
    }
}
