package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.spi.JsonValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pidbox mbean get} for people: one node as {@code attribute = value} lines (composite values flattened to
 * {@code Attribute.key}); across nodes, one attribute as a row per node and its distinct values with their nodes,
 * all attributes as each (attribute, value) with the nodes that have it.
 */
final class MBeanView {
    private MBeanView() {
    }

    static String render(CallResult result, Style style) {
        if (Render.oneNode(result)) {
            Reply r = result.replies().get(0);
            return r.isError() ? Render.errorBlock(r, style) : Render.heading(r, style) + details(r.value());
        }
        boolean single = false;
        for (Reply r : result.ok()) {
            single |= Fields.map(r.value()).containsKey("attribute");
        }
        return single ? oneAttribute(result, style) : allAttributes(result, style);
    }

    static String details(Object value) {
        StringBuilder sb = new StringBuilder();
        sb.append(Fields.string(value, "name")).append('\n');
        Map<String, String> lines = new LinkedHashMap<>();
        if (Fields.map(value).containsKey("attribute")) {
            String path = Fields.string(value, "path");
            flatten(lines, Fields.string(value, "attribute") + (path == null ? "" : "." + path), Fields.map(value).get("value"));
        } else {
            Fields.map(value, "values").forEach((k, v) -> flatten(lines, k, v));
        }
        int width = 0;
        for (String k : lines.keySet()) {
            width = Math.max(width, k.length());
        }
        for (Map.Entry<String, String> e : lines.entrySet()) {
            sb.append("  ").append(e.getKey()).append(" ".repeat(width - e.getKey().length())).append(" = ")
                    .append(e.getValue()).append('\n');
        }
        Map<String, Object> errors = Fields.map(value, "errors");
        errors.forEach((k, v) -> sb.append("  ").append(k).append(": error: ").append(v).append('\n'));
        return sb.toString();
    }

    /** Composite values (JSON objects) become one line per leaf, {@code Attribute.key.key}; anything else one line. */
    static void flatten(Map<String, String> into, String key, Object value) {
        if (value instanceof Map && !((Map<?, ?>) value).isEmpty()) {
            ((Map<?, ?>) value).forEach((k, v) -> flatten(into, key + "." + k, v));
        } else {
            into.put(key, value instanceof String ? (String) value : JsonValues.encodeToString(value));
        }
    }

    static String oneAttribute(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        Map<String, List<String>> byValue = new LinkedHashMap<>();
        for (Reply r : result.replies()) {
            if (r.isError()) {
                rows.add(List.of(r.node(), "-", Render.error(r, style)));
                continue;
            }
            String value = Render.cell(Fields.map(r.value()).get("value"));
            rows.add(List.of(r.node(), value, ""));
            byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(r.node());
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, "-", Render.missing(style)));
        }
        String table = Render.table(List.of("NODE", "VALUE", "NOTE"), rows);
        if (result.ok().size() < 2 || byValue.size() == result.ok().size()) {
            // one node, or every node a value of its own: the rows above say it all
            return table;
        }
        List<List<String>> groups = new ArrayList<>();
        byValue.forEach((value, nodes) -> groups.add(List.of(value, Integer.toString(nodes.size()), String.join(", ", nodes))));
        return table + "\n" + (byValue.size() == 1 ? "all " + result.ok().size() + " nodes that answered agree\n"
                : Render.table(List.of("VALUE", "COUNT", "NODES"), groups, "LR"));
    }

    static String allAttributes(CallResult result, Style style) {
        Map<String, Map<String, List<String>>> byAttribute = new LinkedHashMap<>();
        for (Reply r : result.ok()) {
            Map<String, String> lines = new LinkedHashMap<>();
            Fields.map(r.value(), "values").forEach((k, v) -> flatten(lines, k, v));
            Fields.map(r.value(), "errors").forEach((k, v) -> lines.put(k, "error: " + v));
            lines.forEach((k, v) -> byAttribute.computeIfAbsent(k, x -> new LinkedHashMap<>())
                    .computeIfAbsent(Render.cell(v), x -> new ArrayList<>()).add(r.node()));
        }
        int answered = result.ok().size();
        List<List<String>> rows = new ArrayList<>();
        byAttribute.forEach((attribute, values) -> values.forEach((value, nodes) -> rows.add(List.of(attribute, value,
                nodes.size() + "/" + answered, nodes.size() == answered ? "all" : String.join(", ", nodes)))));
        String problems = Render.problems(result, style);
        return Render.table(List.of("ATTRIBUTE", "VALUE", "NODES", "WHICH"), rows, "LLR")
                + (problems.isEmpty() ? "" : "\n" + problems);
    }
}
