package dev.pidbox.cli;

import dev.pidbox.CallResult;
import dev.pidbox.cli.profile.Collapsed;
import dev.pidbox.cli.profile.FlameGraphHtml;
import dev.pidbox.cli.profile.Profile;
import dev.pidbox.cli.profile.ProfileRun;
import dev.pidbox.fleet.Selector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pidbox profile}: one {@code profile} request to the selection (with {@code --compare-*}, to both groups in
 * one request, so that they sample the same window), a progress line while the nodes sample, the replies merged
 * into one {@link Profile}, then the summary table, the collapsed stacks or the JSON document, and the HTML flame
 * graph when {@code --html} names a file.
 */
@Command(name = "profile", description = {"Profile the selected nodes for --duration and merge their stacks: where the"
        + " fleet spends CPU (cpu), wall-clock time (wall) or allocations (alloc).",
    "--compare-to/--compare-glob/--compare-regex/--compare-where pick a second group profiled in the same window; the"
            + " output is then differential (what grew and shrank, as shares of each group's total).",
    "The gather waits --duration plus --timeout (default 10s here) for the nodes to read their samples."})
final class ProfileCommand extends Base {
    /** How long to wait after the duration by default: a loaded host takes seconds to read and send its samples. */
    static final Duration GRACE = Duration.ofSeconds(10);

    @Parameters(arity = "0..*", paramLabel = "NODE", description = "node names (same as --to)")
    List<String> nodes = new ArrayList<>();

    @Mixin
    Options.Selectors selectors;

    @Option(names = "--mode", paramLabel = "cpu|wall|alloc", defaultValue = "cpu",
            description = "cpu (JFR execution samples, default), wall (every thread with its state) or alloc (JFR"
                    + " allocation samples, in bytes)")
    String mode;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
            description = "how long each node samples (default 10s; the nodes refuse more than their maximum, 60s"
                    + " unless configured)")
    String duration;

    @Option(names = "--interval", paramLabel = "DURATION",
            description = "sampling interval, 10ms..1s (default 20ms for cpu and alloc, 50ms for wall)")
    String interval;

    @Option(names = "--name", paramLabel = "GLOB", description = "only threads whose name matches")
    String name;

    @Option(names = "--max-depth", paramLabel = "N", description = "frames per stack (default 128)")
    Integer maxDepth;

    @Option(names = "--no-jfr", description = "sample with ThreadMXBean even where JFR is available (cpu)")
    boolean noJfr;

    @Option(names = "--html", paramLabel = "FILE",
            description = "write the interactive flame graph (one self-contained page, no network) to FILE")
    Path html;

    @Option(names = "--collapsed", description = "print collapsed stacks (frame;frame;frame count) instead of the"
            + " summary, for flamegraph.pl or speedscope; a comparison prints two counts, baseline then compared")
    boolean collapsed;

    @Option(names = "--compare-to", split = ",", paramLabel = "NODE", description = "the compared group: node names")
    List<String> compareTo = new ArrayList<>();

    @Option(names = "--compare-glob", paramLabel = "PATTERN", description = "the compared group: a shell glob")
    String compareGlob;

    @Option(names = "--compare-regex", paramLabel = "PATTERN", description = "the compared group: a regular expression")
    String compareRegex;

    @Option(names = "--compare-where", paramLabel = "KEY=VALUE", description = "the compared group: tags (repeatable)")
    Map<String, String> compareWhere = new LinkedHashMap<>();

    boolean comparing() {
        return !compareTo.isEmpty() || compareGlob != null || compareRegex != null || !compareWhere.isEmpty();
    }

    /** The arguments of the {@code profile} request the options name. */
    Map<String, Object> arguments() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        args.put("duration_ms", Durations.parse(duration).toMillis());
        if (interval != null) {
            args.put("interval_ms", Durations.parse(interval).toMillis());
        }
        Commands.put(args, "name", name);
        Commands.put(args, "max_depth", maxDepth);
        if (noJfr) {
            args.put("jfr", false);
        }
        return args;
    }

    @Override
    int run() throws IOException {
        if (format() == Options.Format.NDJSON) {
            throw new IllegalArgumentException("profile prints one merged result; use -o json or the default");
        }
        if (groupBy() != null) {
            throw new IllegalArgumentException("--group-by does not apply to profile");
        }
        if (collapsed && format() == Options.Format.JSON) {
            throw new IllegalArgumentException("use either --collapsed or -o json, not both");
        }
        if (compareGlob != null && compareRegex != null) {
            throw new IllegalArgumentException("use either --compare-glob or --compare-regex, not both");
        }
        selectors.to.addAll(nodes);
        nodes.clear();
        Map<String, Object> args = arguments();
        Duration sampling = Duration.ofMillis((Long) args.get("duration_ms"));
        Duration deadline = sampling.plus(selectors.timeout != null ? timeout(selectors) : GRACE);
        try (Session session = openSession()) {
            Selector other = comparing() ? Selector.all().names(compareTo).glob(compareGlob).regex(compareRegex)
                    .where(compareWhere) : null;
            Duration discovery = timeout(null);
            ProfileRun run = ProfileRun.prepare(session.fleet, selectors.selector(), other, args, deadline, discovery,
                    selectors.limit, selectors.expect);
            if (run.emptyGroup() != null) {
                err().println("pidbox: " + run.emptyGroup() + " selects no node in namespace '" + session.namespace
                        + "' (the groups are found with a gather of " + Durations.human(discovery) + "; PIDBOX_TIMEOUT"
                        + " makes it longer)");
                return Render.MISSING;
            }
            if (run.selectsNobody()) {
                return noTagMatch(selectors);
            }
            CallResult result;
            try (Progress progress = Progress.start(err(), run.gather().progress(), root().terminal.getAsBoolean(),
                    "profile " + mode + " for " + Durations.human(sampling) + ": ")) {
                result = run.run();
            }
            warn(result);
            Profile profile = run.profile(result);
            if (html != null) {
                String title = "pidbox profile: " + profile.mode() + " " + Durations.human(sampling)
                        + (profile.isComparison() ? ", baseline against compared" : "");
                String meta = profile.nodes().size() + " nodes, " + profile.unit() + ", namespace "
                        + session.namespace + ", taken " + Instant.now();
                try {
                    Files.writeString(html, FlameGraphHtml.render(profile, title, meta), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err().println("pidbox: cannot write the flame graph to " + html + ": " + e);
                    print(session, result, profile);
                    return Render.ERRORS;
                }
            }
            print(session, result, profile);
            return Render.exitCode(result);
        }
    }

    private void print(Session session, CallResult result, Profile profile) {
        switch (format()) {
            case JSON -> {
                Map<String, Object> doc = Render.document("profile", session.namespace, result, null);
                doc.put("profile", profile.toJson());
                printJson(doc);
            }
            default -> {
                if (collapsed) {
                    out().print(Collapsed.render(profile));
                    if (result.missingCount() > 0 || !result.errors().isEmpty()) {
                        err().println("pidbox: " + Render.summary(result));
                    }
                } else {
                    out().print(ProfileView.render(profile));
                    if (html != null) {
                        out().println("flame graph: " + html);
                    }
                    out().println(Render.summary(result));
                }
            }
        }
    }
}
