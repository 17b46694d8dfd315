package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.jmx.JmxHandlers;
import dev.pidbox.spi.JsonValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyCapTest {
    @Test
    void aReplyOverTheCapIsCutAndMarkedTruncatedWithCounts() throws Exception {
        Calls calls = Calls.of(new JmxHandlers(), Collections.singletonMap("reply.max_bytes", "2048"));
        Map<String, Object> reply = calls.map("sysprops");
        assertThat(JsonValues.encode(reply).length).isLessThanOrEqualTo(2048);
        assertThat(reply.get("truncated")).isEqualTo(true);
        Map<String, Object> truncation = Calls.asMap(reply.get("truncation"));
        assertThat(truncation.get("max_bytes")).isEqualTo(2048);
        assertThat(((Number) truncation.get("original_bytes")).intValue()).isGreaterThan(2048);
        Map<String, Object> cut = Calls.asMap(Calls.asMap(truncation.get("lists")).get("properties"));
        int total = System.getProperties().stringPropertyNames().size();
        assertThat(cut.get("total")).isEqualTo(total);
        assertThat((Integer) cut.get("kept")).isLessThan(total)
                .isEqualTo(Calls.asMap(reply.get("properties")).size());
        assertThat(reply.get("count")).isEqualTo(total);
    }

    @Test
    void aReplyUnderTheCapIsReturnedUntouched() throws Exception {
        Calls calls = Calls.of(new JmxHandlers(), Collections.singletonMap("reply.max_bytes", "2048"));
        Map<String, Object> reply = calls.map("sysprops", args("name", "java.version"));
        assertThat(reply).doesNotContainKey("truncated");
        assertThat(Calls.asMap(reply.get("properties"))).containsEntry("java.version", System.getProperty("java.version"));
    }

    @Test
    void longStringsAreCutWithTheirLengthSaid() {
        Map<String, Object> value = new LinkedHashMap<>();
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            big.append('x');
        }
        value.put("text", big.toString());
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add(i);
        }
        value.put("numbers", many);
        Map<String, Object> out = Calls.asMap(new ReplyCap(1024).apply(value));
        assertThat(JsonValues.encode(out).length).isLessThanOrEqualTo(1024);
        assertThat((String) out.get("text")).startsWith("xxx").contains("more chars]");
        assertThat(out.get("truncated")).isEqualTo(true);
        assertThat(Calls.asMap(out.get("truncation")).get("strings_cut")).isEqualTo(1);
    }
}
