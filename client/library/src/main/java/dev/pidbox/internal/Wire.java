package dev.pidbox.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pidbox wire format (PROTOCOL.md sections 2 and 3): message properties, header types and body
 * layout for requests and replies, shared by {@code Mailbox} and {@code Node}.
 */
public final class Wire {
    public static final String CONTENT_TYPE = "application/json";
    public static final String CONTENT_ENCODING = "utf-8";
    public static final int DELIVERY_MODE_REQUEST = 2;
    public static final int DELIVERY_MODE_REPLY = 1;

    public static final String HEADER_CLOCK = "clock";
    public static final String HEADER_EXPIRES = "expires";
    public static final String HEADER_TICKET = "ticket";

    private Wire() {
    }

    /** {@code NS.pidbox}. */
    public static String exchangeName(String namespace) {
        return namespace + ".pidbox";
    }

    /** {@code reply.NS.pidbox}. */
    public static String replyExchangeName(String namespace) {
        return "reply." + namespace + ".pidbox";
    }

    /** Whether {@code s} fits an AMQP short string (exchange, queue and routing key names): 255 bytes of UTF-8. */
    /**
     * Checks a node name: not empty, no control characters, and short enough for its queue name.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void requireNodeName(String hostname, String namespace) {
        if (hostname == null || hostname.isEmpty() || hostname.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("invalid node name '" + hostname + "'");
        }
        if (!fitsShortString(nodeQueueName(hostname, namespace))) {
            throw new IllegalArgumentException("node name '" + hostname + "' is too long: its queue name would exceed"
                    + " 255 bytes");
        }
    }

    /**
     * {@code value} when it is a positive duration.
     *
     * @throws IllegalArgumentException "{@code what} must be positive, got ..." otherwise
     */
    public static Duration requirePositive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    public static boolean fitsShortString(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length <= 255;
    }

    /** {@code HOSTNAME.NS.pidbox}. */
    public static String nodeQueueName(String hostname, String namespace) {
        return hostname + "." + namespace + ".pidbox";
    }

    /** {@code OID.reply.NS.pidbox}. */
    public static String replyQueueName(String oid, String namespace) {
        return oid + ".reply." + namespace + ".pidbox";
    }

    /**
     * The body of a request, with kombu's keys in kombu's order; ticket and reply_to only for calls.
     */
    public static Map<String, Object> requestBody(String method, Map<String, Object> arguments, List<String> destination,
            String pattern, String matcher, String ticket, String replyExchange, String replyRoutingKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("method", method);
        body.put("arguments", arguments == null ? new LinkedHashMap<>() : arguments);
        body.put("destination", destination == null || destination.isEmpty() ? null : new ArrayList<>(destination));
        body.put("pattern", pattern);
        body.put("matcher", matcher);
        if (ticket != null) {
            body.put("ticket", ticket);
            Map<String, Object> replyTo = new LinkedHashMap<>();
            replyTo.put("exchange", replyExchange);
            replyTo.put("routing_key", replyRoutingKey);
            body.put("reply_to", replyTo);
        }
        return body;
    }

    /**
     * Request properties: JSON, persistent (delivery mode 2, kombu's quirk), priority 0, headers
     * {@code clock} (int) and {@code expires} (epoch seconds as a double, or int 0 for none).
     */
    public static AMQP.BasicProperties requestProperties(long clock, double expiresEpochSeconds) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(HEADER_CLOCK, (int) clock);
        headers.put(HEADER_EXPIRES, expiresEpochSeconds > 0 ? (Object) expiresEpochSeconds : (Object) 0);
        return new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE)
                .contentEncoding(CONTENT_ENCODING)
                .deliveryMode(DELIVERY_MODE_REQUEST)
                .priority(0)
                .headers(headers)
                .build();
    }

    /**
     * Reply properties: JSON, transient (delivery mode 1), priority 0, headers {@code ticket} (string, or
     * void when the request had none) and {@code clock} (int); no {@code expires}.
     */
    public static AMQP.BasicProperties replyProperties(String ticket, long clock, Map<String, Object> extraHeaders) {
        Map<String, Object> headers = new HashMap<>();
        if (extraHeaders != null) {
            headers.putAll(extraHeaders);
        }
        headers.put(HEADER_TICKET, ticket);
        headers.put(HEADER_CLOCK, (int) clock);
        return new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE)
                .contentEncoding(CONTENT_ENCODING)
                .deliveryMode(DELIVERY_MODE_REPLY)
                .priority(0)
                .headers(headers)
                .build();
    }

    /** The body of a reply: {@code {hostname: value}}. */
    public static Map<String, Object> replyBody(String hostname, Object value) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(hostname, value);
        return body;
    }

    /** A header value as a long: numbers as they are, numeric text parsed, anything else 0 (kombu's {@code or 0}). */
    public static long headerLong(Map<String, Object> headers, String name) {
        if (headers == null) {
            return 0;
        }
        Object v = headers.get(name);
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) || d < 0 ? 0 : (long) Math.min(d, Long.MAX_VALUE);
        }
        if (v instanceof LongString || v instanceof String) {
            try {
                return Math.max(0, new BigDecimal(v.toString().trim()).longValue());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** A header value as a double, or 0 when absent or not a number. */
    public static double headerDouble(Map<String, Object> headers, String name) {
        if (headers == null) {
            return 0;
        }
        Object v = headers.get(name);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof LongString || v instanceof String) {
            try {
                return Double.parseDouble(v.toString().trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** A header value as text ({@code LongString} and {@code String}); null when absent or void. */
    public static String headerString(Map<String, Object> headers, String name) {
        if (headers == null) {
            return null;
        }
        Object v = headers.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof byte[]) {
            return new String((byte[]) v, StandardCharsets.UTF_8);
        }
        return v.toString();
    }

    /**
     * Whether a content type may be decoded as a pidbox message: JSON (parameters ignored), or absent as
     * kombu allows. Everything else, pickle above all, is refused.
     */
    public static boolean acceptsContentType(String contentType) {
        if (contentType == null || contentType.isEmpty()) {
            return true;
        }
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        String base = contentType;
        int semi = base.indexOf(';');
        if (semi >= 0) {
            base = base.substring(0, semi);
        }
        return base.replace('\t', ' ').trim().toLowerCase(Locale.ROOT).equals(CONTENT_TYPE);
    }

    /** Whether a content encoding is one JSON bodies may use: utf-8 (any spelling), or absent. */
    public static boolean acceptsContentEncoding(String encoding) {
        if (encoding == null || encoding.isEmpty()) {
            return true;
        }
        if (encoding.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        String e = encoding.trim().toLowerCase(Locale.ROOT).replace("_", "-");
        return e.equals("utf-8") || e.equals("utf8") || e.equals("binary") || e.equals("ascii")
                || e.equals("us-ascii");
    }
}
