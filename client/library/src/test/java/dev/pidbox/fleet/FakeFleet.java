package dev.pidbox.fleet;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.ReplyListener;
import dev.pidbox.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet without a broker: nodes with a name, tags and an answer per method. It answers a request the way the
 * nodes would (by destination, else every node; patterns are not evaluated), hands each reply to the listener and
 * records every request it was sent.
 */
final class FakeFleet implements Caller {
    final List<Request> sent = new ArrayList<>();
    private final Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();

    /** Adds a node with these tags; it answers {@code runtime} with them and everything else with {@code answer}. */
    FakeFleet node(String name, Map<String, String> tags, Object answer) {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("runtime", Map.of("java_version", "17", "tags", tags));
        answers.put("*", answer);
        nodes.put(name, answers);
        return this;
    }

    /** Adds a kombu or Celery node: no tags, and no {@code runtime} command (it answers with a KeyError). */
    FakeFleet kombu(String name) {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("runtime", Map.of("error", "KeyError('runtime')"));
        answers.put("*", Map.of("ok", "pong"));
        nodes.put(name, answers);
        return this;
    }

    /** Adds a node that does not answer at all. */
    FakeFleet silent(String name) {
        nodes.put(name, null);
        return this;
    }

    @Override
    public CallResult call(Request request, ReplyListener listener) {
        sent.add(request);
        List<Reply> replies = new ArrayList<>();
        List<String> asked = request.destination() != null ? request.destination() : new ArrayList<>(nodes.keySet());
        for (String name : asked) {
            Map<String, Object> answers = nodes.get(name);
            if (answers == null) {
                continue;
            }
            Object value = answers.containsKey(request.method()) ? answers.get(request.method()) : answers.get("*");
            Reply reply = new Reply(name, value, Duration.ofMillis(2));
            replies.add(reply);
            if (listener != null) {
                listener.onReply(reply);
            }
        }
        return new CallResult("t", replies, request.destination(), request.destination() == null ? -1
                : request.destination().size(), Duration.ofMillis(5), false);
    }
}
