package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Groups;
import dev.pidbox.spi.JsonValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns results into tables, JSON documents and ndjson lines, and into exit codes. Pure functions. */
public final class Render {
    static final int OK = 0;
    static final int ERRORS = 1;
    static final int USAGE = 2;
    static final int MISSING = 3;
    static final int BROKER = 4;
    static final int BLOCKED = 5;

    private static final int CELL_MAX = 100;

    private Render() {
    }

    /**
     * 0 when everything expected answered without error; 3 when an expected node is missing (it wins over
     * errors: a silent node is the bigger unknown); 1 when some reply is an error.
     */
    static int exitCode(CallResult result) {
        if (result.brokerBlocked() != null && (result.missingCount() > 0 || result.replies().isEmpty())) {
            return BLOCKED;
        }
        if (result.missingCount() > 0) {
            return MISSING;
        }
        // Decided on authentic answers only; forged replies are reported on stderr, never counted.
        return result.errors().isEmpty() ? OK : ERRORS;
    }

    /** A left-aligned table with a header row; cells are padded to the widest in their column. */
    static String table(List<String> headers, List<List<String>> rows) {
        return table(headers, rows, "");
    }

    /**
     * A table whose columns are aligned as {@code align} says, one letter per column: {@code R} right (numbers),
     * anything else or nothing left. Widths count visible characters, so coloured cells line up.
     */
    static String table(List<String> headers, List<List<String>> rows, String align) {
        int[] width = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            width[i] = Style.width(headers.get(i));
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size() && i < width.length; i++) {
                width[i] = Math.max(width[i], Style.width(row.get(i)));
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, headers, width, align);
        for (List<String> row : rows) {
            appendRow(sb, row, width, align);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] width, String align) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            int w = i < width.length ? width[i] : Style.width(c);
            boolean right = i < align.length() && align.charAt(i) == 'R';
            if (right) {
                line.append(" ".repeat(Math.max(0, w - Style.width(c))));
            }
            line.append(c);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(Math.max(0, (right ? 0 : w - Style.width(c)) + 2)));
            }
        }
        sb.append(line.toString().replaceAll("\\s+$", "")).append('\n');
    }

    /** Whether the result is one node's answer and nobody is missing: the case for a detailed view. */
    static boolean oneNode(CallResult result) {
        return result.replies().size() == 1 && result.missingCount() == 0;
    }

    /** The first line of a detailed view: {@code node (12 ms)}. */
    static String heading(Reply r, Style style) {
        return style.bold(r.node()) + " (" + r.elapsed().toMillis() + " ms)\n";
    }

    /** An error reply's text for a table cell, in red. */
    static String error(Reply r, Style style) {
        return style.red("error: " + r.error());
    }

    /** The mark of a node that did not answer, in yellow. */
    static String missing(Style style) {
        return style.yellow("missing");
    }

    /** A NODE/NOTE table of the nodes that answered with an error or not at all; empty when there are none. */
    static String problems(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.errors()) {
            rows.add(List.of(r.node(), error(r, style)));
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, missing(style)));
        }
        return rows.isEmpty() ? "" : table(List.of("NODE", "NOTE"), rows);
    }

    /** One error reply in full, for a single node. */
    static String errorBlock(Reply r, Style style) {
        return heading(r, style) + error(r, style) + "\n";
    }

    /** A value in one cell: strings as they are, anything else as compact JSON, cut at 100 characters. */
    static String cell(Object value) {
        String s = value instanceof String ? (String) value : JsonValues.encodeToString(value);
        return s.length() <= CELL_MAX ? s : s.substring(0, CELL_MAX - 3) + "...";
    }

    static String ms(Duration d) {
        return Long.toString(d.toMillis());
    }

    /** The generic reply table: NODE, MS, STATUS, VALUE; then a row per missing node. */
    static String replyTable(CallResult result) {
        return replyTable(result, Style.PLAIN);
    }

    static String replyTable(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.replies()) {
            rows.add(List.of(r.node(), ms(r.elapsed()), r.isError() ? style.red("error") : "ok",
                    r.isError() ? r.error() : cell(r.value())));
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, "-", missing(style), "no reply within the deadline"));
        }
        return table(List.of("NODE", "MS", "STATUS", "VALUE"), rows);
    }

    /** One reply in full, for a single node: its name, then its value as indented JSON. */
    static String single(Reply r) {
        return r.node() + " (" + r.elapsed().toMillis() + " ms)" + (r.isError() ? " ERROR" : "") + "\n"
                + (r.value() instanceof String ? r.value() : pretty(r.value())) + "\n";
    }

    static String pretty(Object value) {
        try {
            return JsonValues.pretty(value);
        } catch (RuntimeException e) {
            return String.valueOf(value);
        }
    }

    /** One line after a table: counts, who is missing and how long it took. */
    static String summary(CallResult result) {
        StringBuilder sb = new StringBuilder();
        int replies = result.replies().size();
        sb.append(replies).append(replies == 1 ? " reply" : " replies");
        if (result.expected() >= 0) {
            sb.append(" of ").append(result.expected()).append(" expected");
        }
        int errors = result.errors().size();
        if (errors > 0) {
            sb.append(", ").append(errors).append(errors == 1 ? " error" : " errors");
        }
        if (result.missingCount() > 0) {
            sb.append(", ").append(result.missingCount()).append(" missing");
            if (!result.missing().isEmpty()) {
                sb.append(" (").append(String.join(", ", result.missing())).append(")");
            }
        }
        sb.append(" in ").append(result.elapsed().toMillis()).append(" ms");
        return sb.toString();
    }

    static String groupTable(Map<Object, List<String>> groups) {
        List<List<String>> rows = new ArrayList<>();
        groups.forEach((value, nodes) -> rows.add(List.of(value == null ? "<none>" : cell(value),
                Integer.toString(nodes.size()), String.join(", ", nodes))));
        return table(List.of("VALUE", "COUNT", "NODES"), rows);
    }

    static List<Map<String, Object>> groupsJson(Map<Object, List<String>> groups) {
        List<Map<String, Object>> out = new ArrayList<>();
        groups.forEach((value, nodes) -> {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("value", value);
            g.put("count", nodes.size());
            g.put("nodes", nodes);
            out.add(g);
        });
        return out;
    }

    /** One reply as an ndjson line: {"node", "value", "elapsed_ms", "error"}. */
    static String ndjsonLine(Reply r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", r.node());
        m.put("value", r.value());
        m.put("elapsed_ms", r.elapsed().toMillis());
        m.put("error", r.isError());
        return JsonValues.encodeToString(m);
    }

    /**
     * The {@code -o json} document: method, namespace, replies (node -> value), errors (node -> text),
     * missing nodes, counts and timings; groups when {@code groupBy} is set.
     */
    public static Map<String, Object> document(String method, String namespace, CallResult result, String groupBy) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("method", method);
        doc.put("namespace", namespace);
        Map<String, Object> replies = new LinkedHashMap<>();
        Map<String, Object> timings = new LinkedHashMap<>();
        for (Reply r : result.replies()) {
            replies.putIfAbsent(r.node(), r.value());
            timings.putIfAbsent(r.node(), r.elapsed().toMillis());
        }
        Map<String, Object> errors = new LinkedHashMap<>();
        for (Reply r : result.errors()) {
            errors.putIfAbsent(r.node(), r.error());
        }
        doc.put("replies", replies);
        doc.put("errors", errors);
        doc.put("missing", new ArrayList<>(result.missing()));
        doc.put("missing_count", result.missingCount());
        doc.put("expected", result.expected() < 0 ? null : result.expected());
        doc.put("reply_ms", timings);
        doc.put("elapsed_ms", result.elapsed().toMillis());
        doc.put("deadline_reached", result.deadlineReached());
        if (!result.forgeries().isEmpty()) {
            List<Object> forged = new ArrayList<>();
            for (CallResult.Forgery f : result.forgeries()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", f.node());
                m.put("user_id", f.userId());
                m.put("reason", f.reason());
                forged.add(m);
            }
            doc.put("forgeries", forged);
        }
        if (groupBy != null) {
            doc.put("group_by", groupBy);
            doc.put("groups", groupsJson(Groups.byValueAt(result.replies(), groupBy)));
        }
        return doc;
    }
}
