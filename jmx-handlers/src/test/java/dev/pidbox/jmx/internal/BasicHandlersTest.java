package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.jmx.JmxHandlers;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BasicHandlersTest {
    private final Calls calls = Calls.of(new JmxHandlers());

    @Test
    void pingAnswersPongAsCeleryExpects() throws Exception {
        assertThat(calls.call("ping")).isEqualTo(Collections.singletonMap("ok", "pong"));
    }

    @Test
    void clockAnswersTheNodesClockAsAnInteger() throws Exception {
        assertThat(calls.call("clock")).isEqualTo(Collections.singletonMap("clock", 7L));
    }

    @Test
    void helloFromAnotherNodeRepliesEmptyRevokedAndTheClock() throws Exception {
        Map<String, Object> reply = calls.map("hello", args("from_node", "celery@worker1", "revoked", Collections.emptyMap()));
        assertThat(reply).containsOnlyKeys("revoked", "clock");
        assertThat(reply.get("revoked")).isEqualTo(Collections.emptyMap());
        assertThat(reply.get("clock")).isEqualTo(7L);
    }

    @Test
    void helloFromThisNodeItselfRepliesNull() throws Exception {
        assertThat(calls.call("hello", args("from_node", "test.1@host", "revoked", Collections.emptyMap()))).isNull();
    }

    @Test
    void describeListsEveryHandlerWithItsTierAndArguments() throws Exception {
        Map<String, Object> reply = calls.map("describe");
        List<Map<String, Object>> handlers = Calls.rows(reply.get("handlers"));
        assertThat(handlers).extracting(h -> h.get("name")).contains("ping", "hello", "clock", "describe", "runtime",
                "threads", "deadlocks", "memory", "histogram", "heap_dump", "sysprops", "env", "flags", "set_flag",
                "loggers", "set_logger", "reload", "mbean.query", "mbean.info", "mbean.get", "mbean.set",
                "mbean.invoke", "metrics");
        Map<String, Object> heapDump = handlers.stream().filter(h -> h.get("name").equals("heap_dump")).findFirst().get();
        assertThat(heapDump.get("tier")).isEqualTo("dangerous");
        assertThat(Calls.rows(heapDump.get("arguments"))).extracting(a -> a.get("name")).containsExactly("file", "live");
        Map<String, Object> setFlag = handlers.stream().filter(h -> h.get("name").equals("set_flag")).findFirst().get();
        assertThat(setFlag.get("tier")).isEqualTo("mutate");
        assertThat(reply.get("count")).isEqualTo(handlers.size());
    }

    @Test
    void describeFiltersByNameGlob() throws Exception {
        Map<String, Object> reply = calls.map("describe", args("name", "mbean.*"));
        assertThat(Calls.rows(reply.get("handlers"))).extracting(h -> h.get("name"))
                .containsExactly("mbean.query", "mbean.info", "mbean.get", "mbean.set", "mbean.invoke");
    }
}
