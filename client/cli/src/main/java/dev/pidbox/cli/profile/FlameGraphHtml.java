package dev.pidbox.cli.profile;

import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A profile as one self-contained HTML page: the page ({@code flamegraph.html} next to this class, a content security
 * policy that allows no network at all) with the flame graph component inlined ({@code flamegraph.js} and {@code
 * flamegraph.css}, which the console serves as they are) and the profile embedded as JSON. The page draws
 * the flame graph (root at the bottom, width by count; in a comparison width by the mean of both groups' shares and
 * colour by the change: red grew, blue shrank), zooms into a frame on click, highlights frames matching a search, and
 * filters by node. Frame and node strings reach the page only inside the JSON, with {@code <}, {@code >} and {@code
 * &} escaped, and the script sets them as text, never as markup.
 */
public final class FlameGraphHtml {
    static final String MARKER = "/*PROFILE-DATA*/";
    static final String SCRIPT_MARKER = "/*FLAMEGRAPH-JS*/";
    static final String STYLE_MARKER = "/*FLAMEGRAPH-CSS*/";

    private FlameGraphHtml() {
    }

    public static String render(Profile profile, String title, String meta) {
        // the data goes in last, so that nothing in it is taken for a marker
        return resource("flamegraph.html").replace(STYLE_MARKER, resource("flamegraph.css"))
                .replace(SCRIPT_MARKER, resource("flamegraph.js"))
                .replace(MARKER, scriptSafe(JsonValues.encodeToString(data(profile, title, meta))));
    }

    /**
     * What the flame graph component ({@code flamegraph.js}) draws, in the page and in the console: title, meta,
     * mode, unit, groups, nodes ({@code name}, {@code group}), frames once in a table, and each stack as {@code
     * [node, count, frame indices...]}.
     */
    public static Map<String, Object> data(Profile profile, String title, String meta) {
        Map<String, Integer> frameIndex = new HashMap<>();
        List<String> frames = new ArrayList<>();
        Map<String, Integer> nodeIndex = new LinkedHashMap<>();
        List<Object> nodes = new ArrayList<>();
        for (Profile.NodeInfo n : profile.nodes()) {
            if (nodeIndex.putIfAbsent(n.node(), nodes.size()) == null) {
                nodes.add(node(n.node(), n.group()));
            }
        }
        List<Object> stacks = new ArrayList<>();
        for (Profile.Stack s : profile.stacks()) {
            Integer node = nodeIndex.get(s.node());
            if (node == null) {
                node = nodes.size();
                nodeIndex.put(s.node(), node);
                nodes.add(node(s.node(), s.group()));
            }
            List<Object> row = new ArrayList<>(s.frames().size() + 2);
            row.add(node);
            row.add(s.count());
            for (String f : s.frames()) {
                row.add(frameIndex.computeIfAbsent(f, k -> {
                    frames.add(k);
                    return frames.size() - 1;
                }));
            }
            stacks.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("title", title);
        out.put("meta", meta);
        out.put("mode", profile.mode());
        out.put("unit", profile.unit());
        out.put("groups", profile.groups());
        out.put("nodes", nodes);
        out.put("frames", frames);
        out.put("stacks", stacks);
        return out;
    }

    private static Map<String, Object> node(String name, int group) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("group", group);
        return m;
    }

    /** JSON that cannot end the script element or open a comment in it: {@code <}, {@code >}, {@code &} escaped. */
    static String scriptSafe(String json) {
        StringBuilder sb = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** One of the page's parts next to this class: the template, the component's script or its style. */
    static String resource(String name) {
        try (InputStream in = FlameGraphHtml.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the pidbox jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
