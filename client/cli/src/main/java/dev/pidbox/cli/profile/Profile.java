package dev.pidbox.cli.profile;

import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The {@code profile} replies of a selection, merged: every node's stacks tagged with the node and its group (one
 * group, or a baseline and a compared group), each node's header (source, samples, fallback, truncation) or its
 * error. Immutable.
 */
public final class Profile {
    /** One aggregated stack of one node: frames root first and its count in the profile's unit. */
    public record Stack(String node, int group, List<String> frames, long count) {
    }

    /** What one node said: its reply without the stacks, or its error (then header is empty). */
    public record NodeInfo(String node, int group, Map<String, Object> header, String error) {
        /** The truncation note of this node's reply, or null. */
        public Map<?, ?> truncation() {
            return header.get("truncation") instanceof Map<?, ?> m ? m : null;
        }
    }

    private final List<String> groups;
    private final String mode;
    private final String unit;
    private final List<Stack> stacks;
    private final List<NodeInfo> nodes;

    public Profile(List<String> groups, String mode, String unit, List<Stack> stacks, List<NodeInfo> nodes) {
        if (groups.isEmpty() || groups.size() > 2) {
            throw new IllegalArgumentException("a profile has one or two groups, got " + groups);
        }
        this.groups = List.copyOf(groups);
        this.mode = mode;
        this.unit = unit;
        this.stacks = List.copyOf(stacks);
        this.nodes = List.copyOf(nodes);
    }

    /**
     * The replies of one gather: each reply's node goes to the group {@code groupOf} gives (an index into {@code
     * groups}; a negative index leaves the node out).
     */
    public static Profile of(List<Reply> replies, List<String> groups, ToIntFunction<String> groupOf) {
        String mode = null;
        String unit = null;
        List<Stack> stacks = new ArrayList<>();
        List<NodeInfo> nodes = new ArrayList<>();
        for (Reply r : replies) {
            int group = groupOf.applyAsInt(r.node());
            if (group < 0) {
                continue;
            }
            if (r.isError()) {
                nodes.add(new NodeInfo(r.node(), group, Map.of(), String.valueOf(r.error())));
                continue;
            }
            if (!(r.value() instanceof Map<?, ?> value)) {
                nodes.add(new NodeInfo(r.node(), group, Map.of(), "not a profile reply: " + r.value()));
                continue;
            }
            Map<String, Object> header = new LinkedHashMap<>();
            value.forEach((k, v) -> {
                if (!"stacks".equals(k)) {
                    header.put(String.valueOf(k), v);
                }
            });
            nodes.add(new NodeInfo(r.node(), group, header, null));
            mode = mode == null ? string(header.get("mode")) : mode;
            unit = unit == null ? string(header.get("unit")) : unit;
            if (value.get("stacks") instanceof List<?> list) {
                for (Object s : list) {
                    if (s instanceof Map<?, ?> m && m.get("frames") instanceof List<?> frames
                            && m.get("count") instanceof Number count) {
                        List<String> f = new ArrayList<>(frames.size());
                        for (Object frame : frames) {
                            f.add(String.valueOf(frame));
                        }
                        stacks.add(new Stack(r.node(), group, f, count.longValue()));
                    }
                }
            }
        }
        return new Profile(groups, mode == null ? "cpu" : mode, unit == null ? "samples" : unit, stacks, nodes);
    }

    private static String string(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    public List<String> groups() {
        return groups;
    }

    public boolean isComparison() {
        return groups.size() == 2;
    }

    public String mode() {
        return mode;
    }

    public String unit() {
        return unit;
    }

    public List<Stack> stacks() {
        return stacks;
    }

    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The sum of the counts of a group's stacks. */
    public long total(int group) {
        long t = 0;
        for (Stack s : stacks) {
            if (s.group() == group) {
                t += s.count();
            }
        }
        return t;
    }

    /** Every distinct stack with its count per group, in the order first seen. */
    public Map<List<String>, long[]> merged() {
        Map<List<String>, long[]> out = new LinkedHashMap<>();
        for (Stack s : stacks) {
            out.computeIfAbsent(s.frames(), k -> new long[groups.size()])[s.group()] += s.count();
        }
        return out;
    }

    /** A frame's weight in one group: in how much of the group's count it is on the stack, and at its top. */
    public record FrameWeight(String frame, long[] total, long[] self) {
    }

    /**
     * Every frame with its inclusive count (a stack that holds it, however often, counts once) and self count (it is
     * the leaf) per group, widest first by the sum over groups.
     */
    public List<FrameWeight> frames() {
        Map<String, FrameWeight> out = new LinkedHashMap<>();
        for (Stack s : stacks) {
            Set<String> seen = new HashSet<>();
            for (String f : s.frames()) {
                FrameWeight w = out.computeIfAbsent(f, k -> new FrameWeight(k, new long[groups.size()],
                        new long[groups.size()]));
                if (seen.add(f)) {
                    w.total()[s.group()] += s.count();
                }
            }
            if (!s.frames().isEmpty()) {
                out.get(s.frames().get(s.frames().size() - 1)).self()[s.group()] += s.count();
            }
        }
        List<FrameWeight> list = new ArrayList<>(out.values());
        list.sort((a, b) -> Long.compare(sum(b.total()), sum(a.total())));
        return Collections.unmodifiableList(list);
    }

    /**
     * The merged view for {@code -o json}: mode, unit, groups, each group's total, every distinct stack with its
     * counts per group (widest first) and, for a comparison, each frame's share before and after (most grown first).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", mode);
        out.put("unit", unit);
        out.put("groups", groups);
        List<Object> totals = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            totals.add(total(g));
        }
        out.put("totals", totals);
        List<Map.Entry<List<String>, long[]>> merged = new ArrayList<>(merged().entrySet());
        merged.sort((a, b) -> Long.compare(sum(b.getValue()), sum(a.getValue())));
        List<Object> list = new ArrayList<>();
        for (Map.Entry<List<String>, long[]> e : merged) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("frames", e.getKey());
            List<Object> counts = new ArrayList<>();
            for (long c : e.getValue()) {
                counts.add(c);
            }
            m.put("counts", counts);
            list.add(m);
        }
        out.put("stacks", list);
        if (isComparison()) {
            List<Object> changes = new ArrayList<>();
            for (Diff.Change c : Diff.of(this)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("frame", c.frame());
                m.put("before", c.before());
                m.put("after", c.after());
                m.put("delta", c.delta());
                changes.add(m);
            }
            out.put("changes", changes);
        }
        return out;
    }

    static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
