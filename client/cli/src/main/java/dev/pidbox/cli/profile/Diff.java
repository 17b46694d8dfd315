package dev.pidbox.cli.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * How two groups of a comparison differ, frame by frame: each frame's share of its group (the inclusive count over
 * the group's total, so that a group of more nodes or a longer run does not look hotter) in the baseline (group 0)
 * and in the compared group (group 1). A frame grew when its share in the compared group is larger.
 */
public final class Diff {
    private Diff() {
    }

    /** One frame's share before (baseline) and after (compared), as fractions 0..1. */
    public record Change(String frame, double before, double after) {
        /** The growth of the share, in fractions (0.25 is 25 percentage points). */
        public double delta() {
            return after - before;
        }
    }

    /** Every frame of a comparison, most grown first. */
    public static List<Change> of(Profile profile) {
        if (!profile.isComparison()) {
            throw new IllegalArgumentException("a diff needs a profile of two groups");
        }
        double before = Math.max(1, profile.total(0));
        double after = Math.max(1, profile.total(1));
        List<Change> out = new ArrayList<>();
        for (Profile.FrameWeight w : profile.frames()) {
            out.add(new Change(w.frame(), w.total()[0] / before, w.total()[1] / after));
        }
        out.sort((a, b) -> Double.compare(b.delta(), a.delta()));
        return out;
    }

    /** The frames whose share grew by more than {@code minDelta}, most grown first. */
    public static List<Change> grown(Profile profile, double minDelta) {
        List<Change> out = new ArrayList<>();
        for (Change c : of(profile)) {
            if (c.delta() > minDelta) {
                out.add(c);
            }
        }
        return out;
    }

    /** The frames whose share shrank by more than {@code minDelta}, most shrunk first. */
    public static List<Change> shrunk(Profile profile, double minDelta) {
        List<Change> all = of(profile);
        List<Change> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (-all.get(i).delta() > minDelta) {
                out.add(all.get(i));
            }
        }
        return out;
    }
}
