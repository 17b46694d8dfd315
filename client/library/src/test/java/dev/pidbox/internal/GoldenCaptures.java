package dev.pidbox.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw messages captured from real kombu 5.2.4 / Celery 5.2.6 peers ({@code src/test/resources/golden},
 * copied from {@code shared/golden}), read from the classpath.
 *
 * <p>A wire line holds exchange, routing key, py-amqp's view of the basic properties and the body exactly as
 * it crossed the broker. Most lines say {@code "kind": "wire"}; the single line of
 * {@code capture_worker_startup.jsonl} has no {@code kind} but the same shape, so a line counts as a wire
 * message when it has a body, an exchange and properties.
 */
final class GoldenCaptures {
    static final List<String> FILES = List.of("capture_direct.jsonl", "capture_fanout.jsonl",
            "capture_worker.jsonl", "capture_worker_startup.jsonl");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<WireMessage> ALL = load();
    private static final List<CallerResult> RESULTS = loadResults();

    private GoldenCaptures() {
    }

    /** One captured message. */
    static final class WireMessage {
        final String file;
        final int line;
        final String label;
        final String exchange;
        final String routingKey;
        final JsonNode properties;
        final String rawBody;

        WireMessage(String file, int line, JsonNode node) {
            this.file = file;
            this.line = line;
            this.label = node.path("label").asText("(no label)");
            this.exchange = node.get("exchange").asText();
            this.routingKey = node.get("routing_key").asText();
            this.properties = node.get("properties");
            this.rawBody = node.get("body").asText();
        }

        boolean isReply() {
            return exchange.startsWith("reply.");
        }

        boolean isHexBody() {
            return rawBody.startsWith("HEX:");
        }

        boolean isJson() {
            return "application/json".equals(properties.path("content_type").asText(null));
        }

        /** The body bytes as they crossed the broker (hex-decoded for the pickle capture). */
        byte[] body() {
            if (isHexBody()) {
                String hex = rawBody.substring(4);
                byte[] out = new byte[hex.length() / 2];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
                }
                return out;
            }
            return rawBody.getBytes(StandardCharsets.UTF_8);
        }

        /** The body as kombu's JSON, decoded by our codec. */
        @SuppressWarnings("unchecked")
        Map<String, Object> jsonBody() {
            try {
                return (Map<String, Object>) Json.decode(body());
            } catch (IOException e) {
                throw new UncheckedIOException(this + " has a body that is not JSON", e);
            }
        }

        /** The body parsed independently of our codec (plain Jackson tree), as the reference. */
        JsonNode bodyTree() {
            try {
                return MAPPER.readTree(rawBody);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The captured application headers with the Java types amqp-client uses for kombu's field types. */
        Map<String, Object> headers() {
            Map<String, Object> headers = new LinkedHashMap<>();
            JsonNode h = properties.path("application_headers");
            Iterator<Map.Entry<String, JsonNode>> it = h.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                Object value;
                if (v.isIntegralNumber()) {
                    value = v.intValue(); // py-amqp writes a Python int below 2^31 as 'I'
                } else if (v.isFloatingPointNumber()) {
                    value = v.doubleValue(); // a Python float as 'd'
                } else if (v.isTextual()) {
                    value = v.asText(); // a Python str as 'S'
                } else if (v.isNull()) {
                    value = null;
                } else {
                    throw new IllegalStateException("unexpected header value " + v + " in " + this);
                }
                headers.put(e.getKey(), value);
            }
            return headers;
        }

        /** The basic properties as the publisher set them. */
        AMQP.BasicProperties publishedProperties() {
            AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder().headers(headers());
            if (properties.has("content_type")) {
                b.contentType(properties.get("content_type").asText());
            }
            if (properties.has("content_encoding")) {
                b.contentEncoding(properties.get("content_encoding").asText());
            }
            if (properties.has("delivery_mode")) {
                b.deliveryMode(properties.get("delivery_mode").intValue());
            }
            if (properties.has("priority")) {
                b.priority(properties.get("priority").intValue());
            }
            return b.build();
        }

        /**
         * The basic properties as a Java consumer receives them: written into an AMQP content header frame
         * and read back by amqp-client (so a ticket header arrives as a {@code LongString}, as it does live).
         */
        AMQP.BasicProperties deliveredProperties() {
            return throughTheWire(publishedProperties(), body().length);
        }

        @Override
        public String toString() {
            return file + ":" + line + " [" + label + "] " + (isReply() ? "reply" : "request");
        }
    }

    /** A {@code kind: result} line: what the Python caller returned for a labelled step. */
    static final class CallerResult {
        final String file;
        final String label;
        final JsonNode result;

        CallerResult(String file, String label, JsonNode result) {
            this.file = file;
            this.label = label;
            this.result = result;
        }

        @Override
        public String toString() {
            return file + " [" + label + "] result";
        }
    }

    /** Result lines whose value is a non-empty list of reply bodies (what call / multi_call returned). */
    static List<CallerResult> replyListResults() {
        List<CallerResult> out = new ArrayList<>();
        for (CallerResult r : RESULTS) {
            if (r.result.isArray() && r.result.size() > 0) {
                out.add(r);
            }
        }
        return out;
    }

    /** Writes properties as amqp-client would put them on the wire and reads them back. */
    static AMQP.BasicProperties throughTheWire(AMQP.BasicProperties props, long bodySize) {
        try {
            Frame frame = props.toFrame(1, bodySize);
            return (AMQP.BasicProperties) AMQImpl.readContentHeaderFrom(frame.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<WireMessage> all() {
        return ALL;
    }

    static List<WireMessage> requests() {
        List<WireMessage> out = new ArrayList<>();
        for (WireMessage m : ALL) {
            if (!m.isReply()) {
                out.add(m);
            }
        }
        return out;
    }

    static List<WireMessage> jsonRequests() {
        List<WireMessage> out = new ArrayList<>();
        for (WireMessage m : requests()) {
            if (m.isJson()) {
                out.add(m);
            }
        }
        return out;
    }

    static List<WireMessage> replies() {
        List<WireMessage> out = new ArrayList<>();
        for (WireMessage m : ALL) {
            if (m.isReply()) {
                out.add(m);
            }
        }
        return out;
    }

    /** The first wire message with this label in this file. */
    static WireMessage find(String file, String label, boolean reply) {
        for (WireMessage m : ALL) {
            if (m.file.equals(file) && m.label.equals(label) && m.isReply() == reply) {
                return m;
            }
        }
        throw new IllegalArgumentException("no " + (reply ? "reply" : "request") + " '" + label + "' in " + file);
    }

    private static List<CallerResult> loadResults() {
        List<CallerResult> out = new ArrayList<>();
        for (String file : FILES) {
            for (JsonNode node : lines(file)) {
                if (node.path("kind").asText("").equals("result")) {
                    out.add(new CallerResult(file, node.path("label").asText(), node.get("result")));
                }
            }
        }
        return out;
    }

    private static List<JsonNode> lines(String file) {
        List<JsonNode> out = new ArrayList<>();
        InputStream in = GoldenCaptures.class.getResourceAsStream("/golden/" + file);
        if (in == null) {
            throw new IllegalStateException("golden capture /golden/" + file + " is not on the test classpath");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String text;
            while ((text = r.readLine()) != null) {
                if (!text.isBlank()) {
                    out.add(MAPPER.readTree(text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<WireMessage> load() {
        List<WireMessage> out = new ArrayList<>();
        for (String file : FILES) {
            InputStream in = GoldenCaptures.class.getResourceAsStream("/golden/" + file);
            if (in == null) {
                throw new IllegalStateException("golden capture /golden/" + file + " is not on the test classpath");
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String text;
                int line = 0;
                while ((text = r.readLine()) != null) {
                    line++;
                    if (text.isBlank()) {
                        continue;
                    }
                    JsonNode node = MAPPER.readTree(text);
                    String kind = node.path("kind").asText("");
                    boolean wireShaped = node.has("body") && node.has("exchange") && node.has("properties");
                    if (kind.equals("wire") || (kind.isEmpty() && wireShaped)) {
                        out.add(new WireMessage(file, line, node));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
