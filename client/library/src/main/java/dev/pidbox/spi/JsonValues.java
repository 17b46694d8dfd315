package dev.pidbox.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pidbox.internal.Json;
import java.io.IOException;

/**
 * JSON as pidbox reads and writes it on the wire: decoding gives plain Java values ({@code Map}, {@code List},
 * {@code String}, numbers, {@code Boolean}, {@code null}) within the wire's read limits (nesting depth, string and
 * number length), and encoding takes them (and beans, through Jackson) back. For handler authors, the command-line
 * tool and the other pidbox modules, so that every module speaks the same JSON.
 */
public final class JsonValues {
    private JsonValues() {
    }

    /**
     * Encodes a JSON-able value as UTF-8 bytes.
     *
     * @throws IllegalArgumentException when the value is not JSON-able
     */
    public static byte[] encode(Object value) {
        return Json.encode(value);
    }

    /**
     * Encodes a JSON-able value as compact JSON text.
     *
     * @throws IllegalArgumentException when the value is not JSON-able
     */
    public static String encodeToString(Object value) {
        return Json.encodeToString(value);
    }

    /**
     * Encodes a JSON-able value as indented JSON text, for people to read.
     *
     * @throws IllegalArgumentException when the value is not JSON-able
     */
    public static String pretty(Object value) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not JSON-able: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Decodes one JSON document into plain Java values.
     *
     * @throws IOException when the bytes are not one well-formed JSON value within the read limits
     */
    public static Object decode(byte[] json) throws IOException {
        return Json.decode(json);
    }

    /**
     * Decodes one JSON document into plain Java values.
     *
     * @throws IOException when the text is not one well-formed JSON value within the read limits
     */
    public static Object decode(String json) throws IOException {
        return Json.decode(json);
    }

    /**
     * Any JSON-able value as plain Java values, as a peer would decode it after a round trip (beans and arrays
     * are converted).
     *
     * @throws IllegalArgumentException when the value is not JSON-able
     */
    public static Object toPlain(Object value) {
        return Json.toPlain(value);
    }
}
