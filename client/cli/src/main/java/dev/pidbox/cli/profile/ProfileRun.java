package dev.pidbox.cli.profile;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.fleet.Fleet;
import dev.pidbox.fleet.Gather;
import dev.pidbox.fleet.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code profile} request to a selection, shared by {@code pidbox profile} and the console: without a compared
 * group, one gather of the selection (group {@code all}); with one, both groups are found first (a node in both is
 * compared) and then asked by name in one gather, so that they sample the same window ({@code baseline} and {@code
 * compared}). {@link #prepare} finds the groups and builds the gather; the caller runs it (watching its progress if
 * it likes) and merges the replies with {@link #profile}.
 */
public final class ProfileRun {
    public static final String BASELINE = "baseline";
    public static final String COMPARED = "compared";

    private final Gather gather;
    private final List<String> groups;
    private final Set<String> compared;
    private final String emptyGroup;

    private ProfileRun(Gather gather, List<String> groups, Set<String> compared, String emptyGroup) {
        this.gather = gather;
        this.groups = groups;
        this.compared = compared;
        this.emptyGroup = emptyGroup;
    }

    /**
     * Finds the groups and builds the gather.
     *
     * @param selection the nodes profiled (the baseline when comparing)
     * @param compare the compared group, or null for a plain profile
     * @param arguments the {@code profile} request's arguments
     * @param deadline how long the gather waits: the sampling duration plus the time to read and send the samples
     * @param discovery how long each group's discovery gather waits (only when comparing)
     * @param limit for a plain profile, the most replies gathered (null for no limit)
     * @param expect for a plain profile, the replies after which the gather ends (null to wait for the deadline);
     *     a comparison names its nodes, so its gather ends when they all answered
     */
    public static ProfileRun prepare(Fleet fleet, Selector selection, Selector compare, Map<String, Object> arguments,
            Duration deadline, Duration discovery, Integer limit, Integer expect) {
        if (compare == null) {
            Gather g = fleet.gather("profile").select(selection).arguments(arguments).timeout(deadline).limit(limit)
                    .expect(expect).prepare();
            return new ProfileRun(g, List.of("all"), Set.of(), null);
        }
        Set<String> compared = new HashSet<>(fleet.discover(compare, discovery));
        List<String> all = new ArrayList<>(compared);
        for (String n : fleet.discover(selection, discovery)) {
            if (!compared.contains(n)) {
                all.add(n);
            }
        }
        String empty = compared.isEmpty() ? "the compared group" : all.size() == compared.size() ? "the baseline group"
                : null;
        Gather g = empty != null ? null : fleet.gather("profile").select(Selector.all().names(all))
                .arguments(arguments).timeout(deadline).prepare();
        return new ProfileRun(g, List.of(BASELINE, COMPARED), Set.copyOf(compared), empty);
    }

    /** When comparing, the group that selects no node ({@code "the compared group"}), else null. */
    public String emptyGroup() {
        return emptyGroup;
    }

    /** Whether there is nobody to ask: an empty group, or tags that matched no node. */
    public boolean selectsNobody() {
        return gather == null || gather.selectsNobody();
    }

    /** The prepared gather (null when a group is empty). */
    public Gather gather() {
        return gather;
    }

    public List<String> groups() {
        return groups;
    }

    public boolean isComparison() {
        return groups.size() == 2;
    }

    /** Sends the request and waits for the replies (the deadline, or every named node's answer). */
    public CallResult run() {
        if (gather == null) {
            throw new IllegalStateException(emptyGroup + " selects no node");
        }
        return gather.run(null);
    }

    /** The replies merged into one profile, each node in its group. */
    public Profile profile(CallResult result) {
        return Profile.of(result.replies(), groups, n -> compared.contains(n) ? 1 : 0);
    }

    /**
     * What the gather came to, for a page: the nodes that answered with a profile, the nodes that did not answer,
     * each error, and the notes the nodes stated (a fallback sampler, stacks dropped to fit the reply).
     */
    public static Map<String, Object> summary(CallResult result, Profile profile) {
        List<String> answered = new ArrayList<>();
        Map<String, Object> errors = new LinkedHashMap<>();
        Map<String, Object> notes = new LinkedHashMap<>();
        for (Profile.NodeInfo n : profile.nodes()) {
            if (n.error() != null) {
                errors.put(n.node(), n.error());
                continue;
            }
            answered.add(n.node());
            List<String> said = new ArrayList<>();
            Object fallback = n.header().get("fallback");
            if (fallback != null) {
                said.add("fallback: " + fallback);
            }
            Map<?, ?> t = n.truncation();
            if (t != null) {
                said.add("truncated: " + t.get("stacks_dropped") + " thinnest stacks (" + t.get("samples_dropped")
                        + " samples) dropped");
            }
            if (!said.isEmpty()) {
                notes.put(n.node(), String.join("; ", said));
            }
        }
        for (Reply r : result.errors()) {
            errors.putIfAbsent(r.node(), r.error());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("answered", answered);
        out.put("missing", new ArrayList<>(new TreeSet<>(result.missing())));
        out.put("errors", errors);
        out.put("notes", notes);
        out.put("elapsed_ms", result.elapsed().toMillis());
        out.put("deadline_reached", result.deadlineReached());
        return out;
    }
}
