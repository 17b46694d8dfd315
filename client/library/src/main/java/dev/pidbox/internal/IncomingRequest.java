package dev.pidbox.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.rabbitmq.client.AMQP;
import java.io.IOException;
import java.util.Map;

/**
 * A request as a node reads it off the wire: the body's fields as decoded JSON, the header clock, and
 * when the message could not be decoded, the problem, plus whatever {@code reply_to} and {@code ticket}
 * could still be read so that the sender gets an error reply.
 */
public final class IncomingRequest {
    /** Where a reply goes: {@code reply_to.exchange} and {@code reply_to.routing_key}. */
    public static final class ReplyTo {
        private final String exchange;
        private final String routingKey;

        ReplyTo(String exchange, String routingKey) {
            this.exchange = exchange;
            this.routingKey = routingKey;
        }

        /** A reply target; null when either part is null (no reply wanted). */
        public static ReplyTo of(String exchange, String routingKey) {
            return exchange == null || routingKey == null ? null : new ReplyTo(exchange, routingKey);
        }

        public String exchange() {
            return exchange;
        }

        public String routingKey() {
            return routingKey;
        }
    }

    private Object method;
    private Object arguments;
    private Object destination;
    private Object pattern;
    private Object matcher;
    private String ticket;
    private ReplyTo replyTo;
    private long clock;
    private boolean fromPeer;
    private String problem;
    private Throwable cause;

    private IncomingRequest() {
    }

    /** Decodes a delivery, checking size, content type and encoding before parsing. */
    public static IncomingRequest parse(AMQP.BasicProperties props, byte[] body, int maxSize) {
        IncomingRequest in = new IncomingRequest();
        in.fromPeer = true;
        Map<String, Object> headers = props == null ? null : props.getHeaders();
        in.clock = Wire.headerLong(headers, Wire.HEADER_CLOCK);
        String contentType = props == null ? null : props.getContentType();
        if (!Wire.acceptsContentType(contentType)) {
            in.problem = "refused a message of content type '" + contentType
                    + "' (only application/json is accepted; pickle never is)";
            return in;
        }
        String encoding = props == null ? null : props.getContentEncoding();
        if (!Wire.acceptsContentEncoding(encoding)) {
            in.problem = "refused a message of content encoding '" + encoding + "' (only utf-8 is accepted)";
            return in;
        }
        if (body == null || body.length == 0) {
            in.problem = "message body is empty";
            return in;
        }
        if (body.length > maxSize) {
            in.problem = "message of " + body.length + " bytes exceeds the limit of " + maxSize + " bytes";
            in.scanReplyTo(body);
            return in;
        }
        Object decoded;
        try {
            decoded = Json.decode(body);
        } catch (IOException e) {
            in.problem = "message body is not valid JSON: " + firstLine(e.getMessage());
            in.cause = null;
            in.scanReplyTo(body);
            return in;
        } catch (RuntimeException | StackOverflowError e) {
            in.problem = "message body could not be decoded: " + e.getClass().getSimpleName();
            return in;
        }
        if (!(decoded instanceof Map)) {
            in.problem = "message body is not a JSON object";
            return in;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) decoded;
        in.readBody(map);
        return in;
    }

    /** Reads an already decoded body (kombu's {@code handle_message} path). */
    public static IncomingRequest fromBody(Map<String, Object> body, AMQP.BasicProperties props) {
        IncomingRequest in = new IncomingRequest();
        in.fromPeer = true;
        in.clock = Wire.headerLong(props == null ? null : props.getHeaders(), Wire.HEADER_CLOCK);
        in.readBody(body);
        return in;
    }

    /** A request made in-process (kombu's {@code dispatch}, {@code handle_call}): no selector, no clock. */
    public static IncomingRequest of(String method, Map<String, ?> arguments, String ticket, ReplyTo replyTo) {
        IncomingRequest in = new IncomingRequest();
        in.method = method;
        in.arguments = arguments;
        in.ticket = ticket;
        in.replyTo = replyTo;
        return in;
    }

    private void readBody(Map<String, Object> body) {
        method = body.get("method");
        arguments = body.get("arguments");
        destination = body.get("destination");
        pattern = body.get("pattern");
        matcher = body.get("matcher");
        Object t = body.get("ticket");
        if (t instanceof String || t instanceof Number) {
            ticket = t.toString();
        }
        Object rt = body.get("reply_to");
        if (rt instanceof Map) {
            Object ex = ((Map<?, ?>) rt).get("exchange");
            Object rk = ((Map<?, ?>) rt).get("routing_key");
            if (ex instanceof String && rk instanceof String) {
                replyTo = new ReplyTo((String) ex, (String) rk);
            } else {
                problem = "reply_to must be {\"exchange\": str, \"routing_key\": str}";
            }
        } else if (rt != null && !Boolean.FALSE.equals(rt) && !"".equals(rt)) {
            problem = "reply_to must be {\"exchange\": str, \"routing_key\": str}";
        }
    }

    /**
     * Looks for top-level {@code ticket} and {@code reply_to} in a body that cannot be decoded whole
     * (oversized or malformed), streaming without building the document. Stops at the first error.
     */
    private void scanReplyTo(byte[] body) {
        String exchange = null;
        String routingKey = null;
        try (JsonParser p = Json.factory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("ticket".equals(field) && value == JsonToken.VALUE_STRING) {
                    ticket = p.getText();
                } else if ("reply_to".equals(field) && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        JsonToken v = p.nextToken();
                        if ("exchange".equals(inner) && v == JsonToken.VALUE_STRING) {
                            exchange = p.getText();
                        } else if ("routing_key".equals(inner) && v == JsonToken.VALUE_STRING) {
                            routingKey = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (exchange != null && routingKey != null) {
                        replyTo = new ReplyTo(exchange, routingKey);
                    }
                } else {
                    p.skipChildren();
                }
                if (replyTo != null && ticket != null) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep what was found before the error
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public Object method() {
        return method;
    }

    public Object arguments() {
        return arguments;
    }

    public Object destination() {
        return destination;
    }

    public Object pattern() {
        return pattern;
    }

    public Object matcher() {
        return matcher;
    }

    public String ticket() {
        return ticket;
    }

    public ReplyTo replyTo() {
        return replyTo;
    }

    public long clock() {
        return clock;
    }

    /** Whether the request came as a message from a peer (its clock then advances the node's), not from a method call. */
    public boolean fromPeer() {
        return fromPeer;
    }

    /** Why the message cannot be run, or null when it can. */
    public String problem() {
        return problem;
    }

    public Throwable cause() {
        return cause;
    }
}
