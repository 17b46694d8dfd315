package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code pidbox ping} and {@code pidbox nodes}: one row per node, errors in red, missing nodes in yellow. */
final class NodesView {
    private NodesView() {
    }

    static String ping(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.replies()) {
            rows.add(List.of(r.node(), Render.ms(r.elapsed()), r.isError() ? Render.error(r, style) : Render.cell(r.value())));
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, "-", Render.missing(style)));
        }
        return Render.table(List.of("NODE", "RTT_MS", "REPLY"), rows, "LR");
    }

    static String nodes(CallResult result, Style style) {
        List<List<String>> rows = new ArrayList<>();
        for (Reply r : result.replies()) {
            if (r.isError() || !(r.value() instanceof Map)) {
                rows.add(List.of(r.node(), "-", "-", "-", "-", r.isError() ? Render.error(r, style) : Render.cell(r.value())));
                continue;
            }
            Number uptime = Fields.number(r.value(), "uptime_ms");
            Map<String, Object> tags = Fields.map(r.value(), "tags");
            String java = Fields.string(r.value(), "java_version");
            rows.add(List.of(r.node(), java == null ? "-" : java, Units.count(Fields.number(r.value(), "pid")),
                    uptime == null ? "-" : Durations.human(Duration.ofMillis(uptime.longValue())), tagText(tags), ""));
        }
        for (String m : result.missing()) {
            rows.add(List.of(m, "-", "-", "-", "-", Render.missing(style)));
        }
        return Render.table(List.of("NODE", "JAVA", "PID", "UPTIME", "TAGS", "NOTE"), rows, "LLRR");
    }

    private static String tagText(Map<String, Object> tags) {
        List<String> parts = new ArrayList<>();
        tags.forEach((k, v) -> parts.add(k + "=" + v));
        return parts.isEmpty() ? "-" : String.join(",", parts);
    }
}
