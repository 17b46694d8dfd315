package dev.pidbox.jmx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.spi.JsonValues;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackCountsTest {
    @Test
    void stacksAreListedWidestFirstWithTheirCounts() {
        StackCounts c = new StackCounts();
        c.add(Arrays.asList("main", "a"), 1);
        c.add(Arrays.asList("main", "b"), 1);
        c.add(Arrays.asList("main", "b"), 1);
        Map<String, Object> reply = c.reply(Collections.emptyMap(), 1 << 20);
        List<Map<String, Object>> stacks = Calls.rows(reply.get("stacks"));
        assertThat(stacks).extracting(s -> s.get("frames")).containsExactly(Arrays.asList("main", "b"),
                Arrays.asList("main", "a"));
        assertThat(stacks).extracting(s -> s.get("count")).containsExactly(2L, 1L);
        assertThat(reply.get("samples")).isEqualTo(3L);
        assertThat(reply).doesNotContainKey("truncated");
    }

    @Test
    void theThinnestStacksAreDroppedFirstAndTheDropIsCounted() {
        StackCounts c = new StackCounts();
        for (int i = 0; i < 200; i++) {
            for (int n = 0; n <= i; n++) {
                c.add(Arrays.asList("main", "method" + i + "_with_a_rather_long_name_to_fill_the_reply"), 1);
            }
        }
        Map<String, Object> reply = c.reply(Collections.emptyMap(), 4096);
        assertThat(JsonValues.encode(reply).length).isLessThanOrEqualTo(4096);
        List<Map<String, Object>> stacks = Calls.rows(reply.get("stacks"));
        assertThat(stacks).isNotEmpty();
        assertThat(stacks.get(0).get("frames")).isEqualTo(Arrays.asList("main",
                "method199_with_a_rather_long_name_to_fill_the_reply"));
        Map<String, Object> t = Calls.asMap(reply.get("truncation"));
        assertThat(reply.get("truncated")).isEqualTo(true);
        assertThat((Long) t.get("stacks_dropped")).isEqualTo(200L - stacks.size());
        long listedSamples = stacks.stream().mapToLong(s -> (Long) s.get("count")).sum();
        assertThat(listedSamples + (Long) t.get("samples_dropped")).isEqualTo(200L * 201 / 2);
        long thinnestListed = (Long) stacks.get(stacks.size() - 1).get("count");
        assertThat(thinnestListed).isEqualTo(200L - stacks.size() + 1);
    }

    @Test
    void aDeepStackKeepsItsLeafMostFramesUnderATruncatedRoot() {
        List<String> leafFirst = Arrays.asList("leaf", "middle", "upper", "root");
        assertThat(StackCounts.rootFirst(leafFirst, 2, false)).containsExactly("[truncated]", "middle", "leaf");
        assertThat(StackCounts.rootFirst(leafFirst, 4, false)).containsExactly("root", "upper", "middle", "leaf");
        assertThat(StackCounts.rootFirst(leafFirst, 10, true)).containsExactly("[truncated]", "root", "upper",
                "middle", "leaf");
    }

    @Test
    void sizeBoundsTheEncodedStack() {
        List<String> frames = Arrays.asList("a\"b", "caf\u00e9", "x\\y", "plain.Class.method");
        int encoded = JsonValues.encode(Collections.singletonMap("frames", frames)).length;
        assertThat(StackCounts.size(frames)).isGreaterThanOrEqualTo(encoded);
    }

    @Test
    void lambdaProxiesAreLeftOutAndHiddenClassesLoseTheirAddress() {
        assertThat(JfrSampler.frame("app.Hot$$Lambda$17+0x00007fa860002c20.1804094807", "run")).isNull();
        assertThat(JfrSampler.frame("app.Hot$$Lambda$17/0x0000000800c03000", "run")).isNull();
        assertThat(JfrSampler.frame("java.lang.invoke.LambdaForm$DMH/0x0000000800c04000", "invokeStatic"))
                .isEqualTo("java.lang.invoke.LambdaForm$DMH.invokeStatic");
        assertThat(JfrSampler.frame("app.Hot", "spin")).isEqualTo("app.Hot.spin");
    }

    @Test
    void arrayClassNamesReadAsJava() {
        assertThat(JfrSampler.javaName("[B")).isEqualTo("byte[]");
        assertThat(JfrSampler.javaName("[[Ljava/lang/String;")).isEqualTo("java.lang.String[][]");
        assertThat(JfrSampler.javaName("java.lang.String")).isEqualTo("java.lang.String");
    }
}
