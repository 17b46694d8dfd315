package dev.pidbox.cli.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The collapsed-stack text flamegraph.pl, speedscope and most flame graph tools read: one line per distinct stack,
 * frames root first joined by {@code ;}, a space and the count ({@code main;work;hot 42}). A comparison has two
 * counts, baseline then compared, as flamegraph.pl's {@code difffolded.pl} writes them. A frame's own {@code ;} and
 * line breaks would split it, so they become {@code :} and a space.
 */
public final class Collapsed {
    private Collapsed() {
    }

    public static String render(Profile profile) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<List<String>, long[]> e : profile.merged().entrySet()) {
            StringBuilder sb = new StringBuilder();
            for (String f : e.getKey()) {
                if (sb.length() > 0) {
                    sb.append(';');
                }
                sb.append(frame(f));
            }
            for (long c : e.getValue()) {
                sb.append(' ').append(c);
            }
            lines.add(sb.toString());
        }
        lines.sort(null);
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            out.append(l).append('\n');
        }
        return out.toString();
    }

    static String frame(String f) {
        return f.replace(';', ':').replace('\n', ' ').replace('\r', ' ');
    }
}
