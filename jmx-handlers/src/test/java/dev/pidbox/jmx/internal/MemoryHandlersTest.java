package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.ArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryHandlersTest {
    /** Allocated in bulk so the class histogram must list it. */
    static final class HistogramProbe {
        final long value;

        HistogramProbe(long value) {
            this.value = value;
        }
    }

    @Test
    void memoryReportsHeapPoolsBuffersAndCollectors() throws Exception {
        Map<String, Object> reply = Calls.of(new MemoryHandlers()).map("memory");
        Map<String, Object> heap = Calls.asMap(reply.get("heap"));
        assertThat(((Number) heap.get("used")).longValue()).isPositive();
        assertThat(((Number) heap.get("committed")).longValue()).isGreaterThanOrEqualTo(((Number) heap.get("used")).longValue());
        assertThat(Calls.rows(reply.get("pools"))).extracting(p -> p.get("type")).contains("HEAP", "NON_HEAP");
        assertThat(Calls.rows(reply.get("buffer_pools"))).extracting(p -> p.get("name")).contains("direct", "mapped");
        List<Map<String, Object>> collectors = Calls.rows(reply.get("collectors"));
        assertThat(collectors).isNotEmpty();
        assertThat(collectors.get(0)).containsKeys("name", "count", "time_ms", "pools");
    }

    @Test
    void histogramListsTheClassTheTestAllocatedManyInstancesOf() throws Exception {
        List<HistogramProbe> keep = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            keep.add(new HistogramProbe(i));
        }
        Map<String, Object> reply = Calls.of(new MemoryHandlers()).map("histogram", args("name", "*HistogramProbe"));
        List<Map<String, Object>> rows = Calls.rows(reply.get("rows"));
        assertThat(rows).hasSize(1);
        Map<String, Object> row = rows.get(0);
        assertThat(row.get("class")).isEqualTo(HistogramProbe.class.getName());
        assertThat(((Number) row.get("instances")).longValue()).isGreaterThanOrEqualTo(50_000);
        assertThat(((Number) row.get("bytes")).longValue()).isGreaterThanOrEqualTo(50_000L * 16);
        assertThat(((Number) reply.get("classes")).intValue()).isGreaterThan(100);
        assertThat(((Number) reply.get("total_bytes")).longValue()).isGreaterThan(((Number) row.get("bytes")).longValue());
        assertThat(keep).hasSize(50_000);
    }

    @Test
    void histogramReturnsTheTopRowsByBytes() throws Exception {
        Map<String, Object> reply = Calls.of(new MemoryHandlers(), Collections.singletonMap("histogram.top", "5"))
                .map("histogram");
        List<Map<String, Object>> rows = Calls.rows(reply.get("rows"));
        assertThat(rows).hasSize(5);
        assertThat(rows).extracting(r -> ((Number) r.get("bytes")).longValue()).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(rows.get(0).get("rank")).isEqualTo(1);
    }

    @Test
    void heapDumpWritesAnHprofAndRepliesItsSizeAndSha256(@TempDir Path dir) throws Exception {
        Calls calls = Calls.of(new MemoryHandlers(), Collections.singletonMap("heap_dump.dir", dir.toString()));
        Map<String, Object> reply = calls.map("heap_dump", args("file", "test.hprof"));
        Path file = dir.resolve("test.hprof");
        assertThat(reply.get("path")).isEqualTo(file.toAbsolutePath().toString());
        assertThat(reply.get("size_bytes")).isEqualTo(Files.size(file));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        StringBuilder hex = new StringBuilder();
        for (byte b : digest) {
            hex.append(String.format("%02x", b));
        }
        assertThat(reply.get("sha256")).isEqualTo(hex.toString());
        assertThat(new String(Files.readAllBytes(file), 0, 12, "US-ASCII")).isEqualTo("JAVA PROFILE");
    }

    @Test
    void heapDumpRefusesAPathOutsideItsDirectory(@TempDir Path dir) {
        Calls calls = Calls.of(new MemoryHandlers(), Collections.singletonMap("heap_dump.dir", dir.toString()));
        assertThatThrownBy(() -> calls.call("heap_dump", args("file", "../../etc/evil.hprof")))
                .isInstanceOf(ArgumentException.class)
                .hasMessageContaining("must be a plain file name ending in .hprof");
    }
}
