package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code pidbox loggers} for people: one node as a table of its loggers and logger trees; across nodes with a name
 * filter (or {@code --configured}), which nodes have which level for each logger; across nodes without one, a
 * summary per node.
 */
final class LoggersView {
    private LoggersView() {
    }

    /** @param grouped whether the command filtered loggers (by name or to configured ones), so levels compare across nodes */
    static String render(CallResult result, boolean grouped, Style style) {
        if (Render.oneNode(result)) {
            Reply r = result.replies().get(0);
            return r.isError() ? Render.errorBlock(r, style) : Render.heading(r, style) + "\n" + details(r.value());
        }
        if (grouped) {
            String problems = Render.problems(result, style);
            return byLevel(result) + (problems.isEmpty() ? "" : "\n" + problems);
        }
        return summary(result, style);
    }

    static String details(Object value) {
        List<List<String>> rows = new ArrayList<>();
        int configured = 0;
        for (Object l : Fields.list(value, "loggers")) {
            String level = Fields.string(l, "level");
            configured += level == null ? 0 : 1;
            rows.add(List.of(String.valueOf(Fields.string(l, "framework")), String.valueOf(Fields.string(l, "context")),
                    name(l), level == null ? "-" : level, String.valueOf(Fields.string(l, "effective_level"))));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(Render.table(List.of("FRAMEWORK", "CONTEXT", "LOGGER", "LEVEL", "EFFECTIVE"), rows));
        sb.append(rows.size()).append(rows.size() == 1 ? " logger, " : " loggers, ").append(configured)
                .append(" with a level of their own (LEVEL - inherits)\n\n");
        List<List<String>> contexts = new ArrayList<>();
        for (Object c : Fields.list(value, "contexts")) {
            String config = Fields.string(c, "config");
            String error = Fields.string(c, "error");
            contexts.add(List.of(String.valueOf(Fields.string(c, "id")), String.valueOf(Fields.string(c, "loader")),
                    error != null ? "error: " + error : config == null ? "-" : config));
        }
        sb.append(Render.table(List.of("CONTEXT", "LOADER", "CONFIG"), contexts));
        return sb.toString();
    }

    /** Rows of (logger, context, level, effective level) with the nodes that have them. */
    static String byLevel(CallResult result) {
        Map<List<String>, List<String>> groups = new TreeMap<>((a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = a.get(i).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        for (Reply r : result.replies()) {
            if (r.isError()) {
                continue;
            }
            for (Object l : Fields.list(r.value(), "loggers")) {
                String level = Fields.string(l, "level");
                List<String> key = List.of(name(l), String.valueOf(Fields.string(l, "context")), level == null ? "-" : level,
                        String.valueOf(Fields.string(l, "effective_level")));
                List<String> nodes = groups.computeIfAbsent(key, k -> new ArrayList<>());
                if (!nodes.contains(r.node())) {
                    nodes.add(r.node());
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        groups.forEach((key, nodes) -> {
            List<String> row = new ArrayList<>(key);
            row.add(Integer.toString(nodes.size()));
            row.add(String.join(", ", nodes));
            rows.add(row);
        });
        return Render.table(List.of("LOGGER", "CONTEXT", "LEVEL", "EFFECTIVE", "COUNT", "NODES"), rows, "LLLLR");
    }

    /** A row per node: frameworks, logger trees, loggers and how many have a level of their own. */
    static String summary(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.replies()) {
            if (r.isError()) {
                rows.add(List.of(r.node(), "-", "-", "-", "-", Render.error(r, style)));
                continue;
            }
            int configured = 0;
            List<?> loggers = Fields.list(r.value(), "loggers");
            for (Object l : loggers) {
                configured += Fields.string(l, "level") == null ? 0 : 1;
            }
            List<String> frameworks = new ArrayList<>();
            for (Object f : Fields.list(r.value(), "frameworks")) {
                frameworks.add(String.valueOf(f));
            }
            rows.add(List.of(r.node(), frameworks.isEmpty() ? "-" : String.join(",", frameworks),
                    Integer.toString(Fields.list(r.value(), "contexts").size()), Integer.toString(loggers.size()),
                    Integer.toString(configured), ""));
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, "-", "-", "-", "-", Render.missing(style)));
        }
        return Render.table(List.of("NODE", "FRAMEWORKS", "CONTEXTS", "LOGGERS", "CONFIGURED", "NOTE"), rows, "LLRRR");
    }

    private static String name(Object logger) {
        String name = Fields.string(logger, "name");
        return name == null || name.isEmpty() ? "ROOT" : name;
    }
}
