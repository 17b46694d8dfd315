package dev.pidbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What decoding a gather's replies costs the client, per reply, as the fleet grows. A reply's one top-level key is
 * its node's name, so a gather from n nodes meets n field names, new ones on the first gather and the same ones after.
 * Two JSON factories decode the same replies with the same code ({@link Json#readDocument}), gather by gather in
 * turn: Jackson's default, which canonicalizes field names in a symbol table its parsers share (pidbox's codec before
 * issue 17's last change), and pidbox's codec as shipped, which does not. Each keeps its own table state from gather
 * to gather, as a long-lived client does. No broker and no network: the client's decoding alone, so it lives beside
 * the codec (it needs the codec's internals) and not in the {@code it} module's benchmark suite.
 *
 * <p>Command: {@code ./mvnw -B -pl client/library test -Dtest=ReplyDecodeBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (the default build does not run it: its name does not end in
 * {@code Test}); knobs {@code bench.decodeSizes} (100,1000,10000),
 * {@code bench.decodeWarmup} (20 gathers of each, and at least 200,000 replies), {@code bench.decodeReps} (21). Control: both factories decode
 * every reply of every gather to equal values, or the row says "invalid". Writes {@code client/library/target/reply-decode.md}.
 */
class ReplyDecodeBenchmark {
    private static final String SIZES = System.getProperty("bench.decodeSizes", "100,1000,10000");
    private static final int WARMUP = Integer.getInteger("bench.decodeWarmup", 20);
    private static final int REPS = Integer.getInteger("bench.decodeReps", 21);

    /** Jackson's default factory with pidbox's read limits: field names canonicalized (the codec before). */
    private static final JsonFactory CANONICALIZING = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Json.MAX_DEPTH)
                    .maxStringLength(Json.MAX_STRING_LENGTH).maxNumberLength(Json.MAX_NUMBER_LENGTH).build())
            .build();

    @Test
    void replyDecoding() throws IOException {
        assertThat(CANONICALIZING.isEnabled(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)).isTrue();
        List<String> rows = new ArrayList<>();
        boolean allValid = true;
        for (String size : SIZES.split(",")) {
            int n = Integer.parseInt(size.trim());
            List<byte[]> replies = replies(n);
            List<Double> before = new ArrayList<>();
            List<Double> after = new ArrayList<>();
            boolean equal = true;
            // at least 200,000 replies of warm-up, so that a small size's code is compiled as a large size's is
            int warmup = Math.max(WARMUP, 200_000 / n);
            for (int i = 0; i < warmup + REPS; i++) {
                // the order turns each repetition, so that neither factory always goes first
                boolean canonicalFirst = i % 2 == 0;
                double a = canonicalFirst ? gather(replies, true) : gather(replies, false);
                double b = canonicalFirst ? gather(replies, false) : gather(replies, true);
                if (i >= warmup) {
                    before.add(canonicalFirst ? a : b);
                    after.add(canonicalFirst ? b : a);
                }
            }
            for (byte[] reply : replies) {
                try (JsonParser p = CANONICALIZING.createParser(reply)) {
                    equal &= Json.readDocument(p).equals(Json.decode(reply));
                }
            }
            allValid &= equal;
            double b = median(before) * 1000 / n;
            double a = median(after) * 1000 / n;
            String row = String.format(Locale.ROOT, "| %,d nodes | %.2f µs | %.2f µs | %.3f | %s |", n, b, a, a / b,
                    equal ? "yes" : "invalid: the factories decoded different values");
            rows.add(row);
            System.out.println("BENCH " + row);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| replies per gather (distinct node names) | per reply, field names canonicalized (before) |"
                + " per reply, pidbox's codec as shipped | ratio | same values |\n|---|---|---|---|---|\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        sb.append(String.format(Locale.ROOT, "%nMedians of %d gathers after %d of warm-up (or 200,000 replies), each factory in turn;"
                + " %d cores, %s %s, %s%n", REPS, WARMUP, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), Instant.now()));
        Path out = Paths.get("target", "reply-decode.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, sb.toString());
        System.out.println("\n===== reply decoding (" + out.toAbsolutePath() + ") =====\n" + sb);
        assertThat(allValid).as("both factories decode every reply to the same value").isTrue();
    }

    private static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** A ping reply of each of {@code n} nodes, as pidbox's nodes send it. */
    private static List<byte[]> replies(int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(("{\"h" + (i % 5) + "-" + i + "@bench\": {\"ok\": \"pong\"}}").getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Decodes every reply once with the factory named; ms taken. */
    private static double gather(List<byte[]> replies, boolean canonicalizing) throws IOException {
        long t = System.nanoTime();
        int decoded = 0;
        for (byte[] reply : replies) {
            Object v;
            if (canonicalizing) {
                try (JsonParser p = CANONICALIZING.createParser(reply)) {
                    v = Json.readDocument(p);
                }
            } else {
                v = Json.decode(reply);
            }
            decoded += v == null ? 0 : 1;
        }
        double ms = (System.nanoTime() - t) / 1e6;
        assertThat(decoded).isEqualTo(replies.size());
        return ms;
    }
}
