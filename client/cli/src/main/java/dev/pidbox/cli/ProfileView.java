package dev.pidbox.cli;

import dev.pidbox.cli.profile.Diff;
import dev.pidbox.cli.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pidbox profile}'s table mode, a pure function of a merged {@link Profile}: one row per node (group, source,
 * samples, fallback or truncation, error), then the hottest frames by inclusive and self share, or for a comparison
 * the frames that grew and shrank most.
 */
final class ProfileView {
    static final int TOP = 15;
    /** A change smaller than this (in share, 0.02 = 2 points) is left out of the grown and shrunk lists. */
    static final double NOISE = 0.02;

    private ProfileView() {
    }

    static String render(Profile profile) {
        StringBuilder sb = new StringBuilder();
        List<List<String>> rows = new ArrayList<>();
        for (Profile.NodeInfo n : profile.nodes()) {
            String group = profile.isComparison() ? profile.groups().get(n.group()) : null;
            List<String> row = new ArrayList<>();
            row.add(n.node());
            if (group != null) {
                row.add(group);
            }
            if (n.error() != null) {
                row.add("-");
                row.add("-");
                row.add("error: " + n.error());
            } else {
                row.add(String.valueOf(n.header().get("source")));
                row.add(String.valueOf(n.header().get("samples")));
                row.add(note(n));
            }
            rows.add(row);
        }
        List<String> headers = profile.isComparison() ? List.of("NODE", "GROUP", "SOURCE", "SAMPLES", "NOTE")
                : List.of("NODE", "SOURCE", "SAMPLES", "NOTE");
        sb.append(Render.table(headers, rows)).append('\n');
        if (profile.isComparison()) {
            sb.append(String.format(Locale.ROOT, "%s profile, %s: %d %s; %s: %d %s (shares of each group's total)%n",
                    profile.mode(), profile.groups().get(0), profile.total(0), profile.unit(), profile.groups().get(1),
                    profile.total(1), profile.unit()));
            changes(sb, "grown in " + profile.groups().get(1), Diff.grown(profile, NOISE));
            changes(sb, "shrunk in " + profile.groups().get(1), Diff.shrunk(profile, NOISE));
            return sb.toString();
        }
        long total = Math.max(1, profile.total(0));
        int nodes = profile.nodes().size();
        sb.append(String.format(Locale.ROOT, "hottest frames of the %s profile (%d %s over %d %s)%n",
                profile.mode(), profile.total(0), profile.unit(), nodes, nodes == 1 ? "node" : "nodes"));
        List<List<String>> frames = new ArrayList<>();
        for (Profile.FrameWeight w : profile.frames().subList(0, Math.min(TOP, profile.frames().size()))) {
            frames.add(List.of(percent(w.total()[0] / (double) total), percent(w.self()[0] / (double) total),
                    w.frame()));
        }
        sb.append(Render.table(List.of("TOTAL", "SELF", "FRAME"), frames, "RRL"));
        return sb.toString();
    }

    private static void changes(StringBuilder sb, String heading, List<Diff.Change> changes) {
        sb.append('\n').append(heading).append(changes.isEmpty() ? ": nothing beyond "
                + Math.round(NOISE * 100) + " points\n" : "\n");
        if (changes.isEmpty()) {
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Diff.Change c : changes.subList(0, Math.min(TOP, changes.size()))) {
            rows.add(List.of(String.format(Locale.ROOT, "%+.1f pts", c.delta() * 100), percent(c.before()),
                    percent(c.after()), c.frame()));
        }
        sb.append(Render.table(List.of("CHANGE", "BEFORE", "AFTER", "FRAME"), rows, "RRRL"));
    }

    private static String note(Profile.NodeInfo n) {
        List<String> notes = new ArrayList<>();
        Object fallback = n.header().get("fallback");
        if (fallback != null) {
            notes.add("fallback: " + fallback);
        }
        Map<?, ?> t = n.truncation();
        if (t != null) {
            notes.add("truncated: " + t.get("stacks_dropped") + " thinnest stacks (" + t.get("samples_dropped")
                    + " samples) dropped");
        }
        return String.join("; ", notes);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
