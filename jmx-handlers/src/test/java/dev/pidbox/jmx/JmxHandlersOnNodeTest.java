package dev.pidbox.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The handlers registered on a real Node; requests run through Node.handleCall, so no broker is needed. */
class JmxHandlersOnNodeTest {
    private static final JmxHandlers JMX = new JmxHandlers();
    private static final Node NODE = node();

    /** A node of an unbound mailbox: requests handed to it in-process run through its pipeline, no broker. */
    private static Node node() {
        return Mailbox.builder("jvm").build().node("jmx.1@test")
                .handlers(JMX.handlers(key -> null))
                .observer(JMX.metrics())
                .build();
    }

    @Test
    void theProviderIsFoundThroughServiceLoader() {
        List<String> providers = StreamSupport.stream(ServiceLoader.load(HandlerProvider.class).spliterator(), false)
                .map(p -> p.getClass().getName()).collect(Collectors.toList());
        assertThat(providers).contains(JmxHandlers.class.getName());
    }

    @Test
    void pingOnTheNodeRepliesPong() {
        assertThat(NODE.handleCall("ping", Collections.emptyMap())).isEqualTo(Collections.singletonMap("ok", "pong"));
    }

    @Test
    void helloFromAnotherNodeCarriesTheMailboxClock() {
        Object reply = NODE.handleCall("hello", Map.of("from_node", "celery@w1", "revoked", Map.of()));
        assertThat(reply).isEqualTo(Map.of("revoked", Map.of(), "clock", NODE.mailbox().clock().value()));
        assertThat(NODE.handleCall("hello", Map.of("from_node", "jmx.1@test", "revoked", Map.of()))).isNull();
    }

    @Test
    void aDeniedMBeanComesBackAsAnErrorReply() {
        Object reply = NODE.handleCall("mbean.get", Map.of("name", "com.sun.management:type=DiagnosticCommand"));
        assertThat(reply).isInstanceOf(Map.class);
        assertThat((String) ((Map<?, ?>) reply).get("error")).startsWith("SecurityException(")
                .contains("always denied");
    }

    static List<String> handlerNames() {
        return JMX.handlers(key -> null).stream().map(HandlerDefinition::name)
                .filter(n -> !n.equals("ping") && !n.equals("clock") && !n.equals("hello"))
                .collect(Collectors.toList());
    }

    @ParameterizedTest
    @MethodSource("handlerNames")
    void aBadArgumentIsATypeErrorReplyNeverAnException(String method) {
        Map<String, Object> args = new HashMap<>();
        args.put("no_such_argument", 1);
        Object reply = NODE.handleCall(method, args);
        assertThat(reply).isInstanceOf(Map.class);
        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) reply).keySet())).containsExactly((Object) "error");
        assertThat((String) ((Map<?, ?>) reply).get("error")).startsWith("TypeError(\"" + method + "() ")
                .containsAnyOf("got an unexpected argument 'no_such_argument'", "missing required argument");
    }

    @Test
    void argumentsOfTheWrongTypeOrValueAreClearErrorReplies() {
        assertThat(NODE.handleCall("threads", Map.of("max_depth", "deep")))
                .isEqualTo(Map.of("error", "TypeError(\"threads() argument 'max_depth' must be an integer, got string\")"));
        assertThat(NODE.handleCall("threads", Map.of("max_depth", -5)))
                .isEqualTo(Map.of("error", "TypeError(\"threads() argument 'max_depth' must be in 0..1024, got -5\")"));
        Object missing = NODE.handleCall("mbean.get", Map.of());
        assertThat((String) ((Map<?, ?>) missing).get("error")).startsWith("TypeError(").contains("'name'");
        Object wrongType = NODE.handleCall("mbean.set", Map.of("name", "java.lang:type=Memory", "attribute", "Verbose",
                "value", "loud"));
        assertThat((String) ((Map<?, ?>) wrongType).get("error")).startsWith("TypeError(")
                .contains("cannot convert string 'loud' to boolean");
    }

    @Test
    void theNodesCallsShowInTheMetricsCommand() {
        NODE.handleCall("ping", Collections.emptyMap());
        NODE.handleCall("threads", Map.of("max_depth", "deep"));
        Map<?, ?> reply = (Map<?, ?>) NODE.handleCall("metrics", Map.of("method", "ping"));
        List<?> calls = (List<?>) reply.get("calls");
        assertThat(calls).isNotEmpty();
        Map<?, ?> ping = (Map<?, ?>) calls.get(0);
        assertThat(ping.get("method")).isEqualTo("ping");
        assertThat(ping.get("outcome")).isEqualTo("ok");
        assertThat(((Number) ping.get("count")).longValue()).isGreaterThanOrEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Long> byOutcome = (Map<String, Long>) reply.get("by_outcome");
        assertThat(byOutcome.get("rejected")).isGreaterThanOrEqualTo(1L);
    }
}
