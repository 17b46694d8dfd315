package dev.pidbox.jmx.internal;

import dev.pidbox.spi.JsonValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stacks of one profile, aggregated: each distinct stack (frames root first) with its count in the profile's
 * unit (samples, or bytes for {@code alloc}) and its number of samples. {@link #reply} lists them widest first and
 * cuts the list where the reply would pass its byte budget, so the thinnest stacks are the ones dropped, and says
 * how many stacks, samples and units were dropped.
 */
final class StackCounts {
    /** A pseudo-frame at the root of a stack whose deepest frames were cut (by max_depth or JFR's stack depth). */
    static final String TRUNCATED = "[truncated]";
    /** Kept back from the budget for the truncation note. */
    private static final int NOTE_BYTES = 400;

    private final Map<List<String>, long[]> stacks = new HashMap<>();
    private long samples;
    private long ownSamples;

    /** Adds one sample of {@code rootFirst} weighing {@code count} units. */
    void add(List<String> rootFirst, long count) {
        long[] c = stacks.computeIfAbsent(Collections.unmodifiableList(new ArrayList<>(rootFirst)), k -> new long[2]);
        c[0] += count;
        c[1]++;
        samples++;
    }

    /** Counts a sample of one of pidbox's own threads, which is left out. */
    void own() {
        ownSamples++;
    }

    long samples() {
        return samples;
    }

    int distinct() {
        return stacks.size();
    }

    /**
     * The frames of a stack, root first, at most {@code maxDepth} of them: a deeper stack keeps its leaf-most frames
     * under a {@link #TRUNCATED} root, as a sampler that walks from the leaf sees it.
     *
     * @param leafFirst frames as a sampler returns them, the running method first
     * @param cut whether the sampler already left frames out
     */
    static List<String> rootFirst(List<String> leafFirst, int maxDepth, boolean cut) {
        int n = Math.min(leafFirst.size(), maxDepth);
        List<String> out = new ArrayList<>(n + 2);
        if (cut || leafFirst.size() > maxDepth) {
            out.add(TRUNCATED);
        }
        for (int i = n - 1; i >= 0; i--) {
            out.add(leafFirst.get(i));
        }
        return out;
    }

    /**
     * {@code header} followed by {@code samples}, {@code total}, {@code own_samples}, {@code stacks} (widest first)
     * and, when stacks did not fit in {@code maxBytes}, {@code truncated} and {@code truncation}.
     */
    Map<String, Object> reply(Map<String, Object> header, long maxBytes) {
        List<Map.Entry<List<String>, long[]>> sorted = new ArrayList<>(stacks.entrySet());
        sorted.sort((a, b) -> {
            int byCount = Long.compare(b.getValue()[0], a.getValue()[0]);
            return byCount != 0 ? byCount : String.join(";", a.getKey()).compareTo(String.join(";", b.getKey()));
        });
        long total = 0;
        for (Map.Entry<List<String>, long[]> e : sorted) {
            total += e.getValue()[0];
        }
        Map<String, Object> out = new LinkedHashMap<>(header);
        out.put("samples", samples);
        out.put("total", total);
        out.put("own_samples", ownSamples);
        long budget = maxBytes - JsonValues.encode(out).length - NOTE_BYTES;
        List<Object> listed = new ArrayList<>();
        long droppedStacks = 0;
        long droppedSamples = 0;
        long droppedCount = 0;
        for (Map.Entry<List<String>, long[]> e : sorted) {
            long size = size(e.getKey());
            if (droppedStacks == 0 && size <= budget) {
                budget -= size;
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("frames", e.getKey());
                s.put("count", e.getValue()[0]);
                listed.add(s);
            } else {
                droppedStacks++;
                droppedCount += e.getValue()[0];
                droppedSamples += e.getValue()[1];
            }
        }
        out.put("stacks", listed);
        if (droppedStacks > 0) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("max_bytes", maxBytes);
            t.put("stacks_dropped", droppedStacks);
            t.put("samples_dropped", droppedSamples);
            t.put("count_dropped", droppedCount);
            t.put("reason", "the widest stacks that fit in the reply are listed, the thinnest dropped; max_depth or a"
                    + " thread name filter make a profile smaller");
            out.put("truncated", true);
            out.put("truncation", t);
        }
        return out;
    }

    /** A generous bound on a stack's encoded JSON size: every character as if escaped to {@code \\uXXXX}-ish. */
    static long size(List<String> frames) {
        long size = 40;
        for (String f : frames) {
            size += 3;
            for (int i = 0; i < f.length(); i++) {
                char c = f.charAt(i);
                size += c < 0x20 || c == '"' || c == '\\' ? 6 : c < 0x80 ? 1 : 3;
            }
        }
        return size;
    }
}
