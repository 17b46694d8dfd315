package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pidbox top}'s screen, rendered with {@link Style#PLAIN} from {@code vitals} replies recorded from real JVMs
 * with the agent attached ({@code golden/top/*.json}, made by {@code record.py} there), compared exactly with the
 * {@code .txt} next to each. The clock is the end of the last recorded round, the zone UTC. Run with
 * {@code -Dgolden.update=true} to rewrite the {@code .txt} files after a deliberate change, and read the diff.
 */
class TopGoldenTest {
    private static final Path DIR = Paths.get("src", "test", "resources", "golden", "top");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    /** Each fixture with the sort it is drawn in, and the name of its expected screen. */
    static Stream<Arguments> screens() {
        return Stream.of(
                Arguments.of("several-nodes", TopView.Sort.CPU, "several-nodes"),
                Arguments.of("several-nodes", TopView.Sort.HEAP, "several-nodes-by-heap"),
                Arguments.of("one-node", TopView.Sort.CPU, "one-node"),
                Arguments.of("error-reply", TopView.Sort.CPU, "error-reply"),
                Arguments.of("missing-node", TopView.Sort.CPU, "missing-node"),
                Arguments.of("missing-node", TopView.Sort.NAME, "missing-node-by-name"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("screens")
    void theScreenFromRecordedRepliesMatchesItsGoldenFile(String fixture, TopView.Sort sort, String expected)
            throws IOException {
        Recorded rec = Recorded.load(DIR.resolve(fixture + ".json"));
        String screen = TopView.render(rec.previous, rec.current, new TopView.Layout(sort, Style.PLAIN, rec.now,
                ZoneId.of("UTC"), Duration.ofSeconds(2), true, 0));

        Path golden = DIR.resolve(expected + ".txt");
        if (UPDATE) {
            Files.writeString(golden, screen, StandardCharsets.UTF_8);
        }
        assertThat(golden).as("golden file; run with -Dgolden.update=true to write it").exists();
        assertThat(screen).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    /** A fixture folded into snapshots the way {@code top} folds its gathers. */
    static final class Recorded {
        TopSnapshot previous;
        TopSnapshot current;
        Instant now;

        @SuppressWarnings("unchecked")
        static Recorded load(Path file) throws IOException {
            Map<String, Object> doc = (Map<String, Object>) JsonValues.decode(Files.readString(file));
            Recorded rec = new Recorded();
            rec.current = TopSnapshot.empty((String) doc.get("namespace"));
            for (Object o : (List<Object>) doc.get("rounds")) {
                Map<String, Object> round = (Map<String, Object>) o;
                Map<String, Object> result = (Map<String, Object>) round.get("result");
                Instant sent = Instant.parse((String) round.get("sent_at"));
                Map<String, Object> replies = (Map<String, Object>) result.get("replies");
                Map<String, Object> replyMs = (Map<String, Object>) result.get("reply_ms");
                Map<String, Instant> arrivals = new LinkedHashMap<>();
                replyMs.forEach((node, ms) -> arrivals.put(node, sent.plusMillis(((Number) ms).longValue())));
                long elapsed = ((Number) result.get("elapsed_ms")).longValue();
                rec.previous = rec.current;
                rec.current = rec.current.next(sent, Duration.ofMillis(elapsed), replies, arrivals,
                        new ArrayList<>((List<String>) result.get("missing")));
                rec.now = sent.plusMillis(elapsed);
            }
            return rec;
        }
    }
}
