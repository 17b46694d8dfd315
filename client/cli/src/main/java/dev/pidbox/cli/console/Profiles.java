package dev.pidbox.cli.console;

import dev.pidbox.CallResult;
import dev.pidbox.PidboxException;
import dev.pidbox.cli.profile.FlameGraphHtml;
import dev.pidbox.cli.profile.Profile;
import dev.pidbox.cli.profile.ProfileRun;
import dev.pidbox.fleet.Fleet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/profile}: one {@code profile} request to a selection, or to two groups in the same window, merged
 * with the CLI's own code ({@link ProfileRun}) into the document the flame graph component draws plus what the
 * gather came to. {@code profile} is a read, so a read-only console runs it, but it is checked, journaled and audited
 * as a call is. One profile runs at a time in the console, on the thread of the request that started it (the gather
 * ends by its own deadline; the server's other request threads go on meanwhile).
 */
final class Profiles {
    /** How long finding each group of a comparison waits. */
    static final Duration DISCOVERY = Duration.ofSeconds(3);

    private final Map<String, Fleet> fleets;
    private final Actions actions;
    private final Journal journal;
    private final Clock clock;
    private Running running;

    /** The profile that runs: who started it, when, and when its sampling and its gather end. */
    private record Running(String who, Instant started, Instant sampled, Instant deadline, String what) {
    }

    Profiles(Map<String, Fleet> fleets, Actions actions, Journal journal, Clock clock) {
        this.fleets = fleets;
        this.actions = actions;
        this.journal = journal;
        this.clock = clock;
    }

    Map<String, Object> run(ProfileRequest req, String who) {
        String ns = actions.namespace(req.namespace());
        String what = req.what() + " in " + ns;
        actions.checkAllowed(ns, "profile", req.selection().selection(), who);
        Instant now = clock.instant();
        Duration sampling = Duration.ofMillis(req.durationMs());
        Duration deadline = sampling.plus(req.grace());
        Duration discovery = req.compare() == null ? Duration.ZERO : DISCOVERY.multipliedBy(2);
        synchronized (this) {
            if (running != null) {
                Instant at = clock.instant();
                throw new ApiError(409, "a profile is already running on this console: " + running.what()
                        + ", started by " + running.who() + " at " + running.started().truncatedTo(ChronoUnit.SECONDS)
                        + (at.isBefore(running.sampled()) ? ", sampling until " + running.sampled()
                        .truncatedTo(ChronoUnit.SECONDS) : "") + ", done by " + running.deadline()
                        .truncatedTo(ChronoUnit.SECONDS) + " at the latest; one runs at a time, try again then");
            }
            running = new Running(who, now, now.plus(discovery).plus(sampling),
                    now.plus(discovery).plus(deadline), what);
        }
        try {
            journal.add("action", ns, null, who + ": " + what, Map.of("method", "profile"));
            actions.log(who, what);
            // on the request's own thread: the server has a pool of them, and the gather ends by its deadline
            return gather(ns, req, what, who, sampling, deadline);
        } catch (ApiError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ApiError(502, "the profile failed: " + e);
        } finally {
            synchronized (this) {
                running = null;
            }
        }
    }

    private Map<String, Object> gather(String ns, ProfileRequest req, String what, String who, Duration sampling,
            Duration deadline) {
        ProfileRun run;
        CallResult result;
        try {
            run = ProfileRun.prepare(fleets.get(ns), req.selection().selector(),
                    req.compare() == null ? null : req.compare().selector(), req.arguments(), deadline, DISCOVERY,
                    null, req.expect());
            if (run.emptyGroup() != null || run.selectsNobody()) {
                String why = run.emptyGroup() != null ? run.emptyGroup() + " selects no node in namespace '" + ns
                        + "' (each group is found with a gather of " + DISCOVERY.toSeconds() + " s)"
                        : "no node in namespace '" + ns + "' has the tags " + req.selection().where();
                journal.add("outcome", ns, null, what + ": nothing sent: " + why, Map.of("method", "profile"));
                actions.log(who, what + " -> nothing sent: " + why);
                throw new ApiError(404, why);
            }
            result = run.run();
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        } catch (PidboxException e) {
            journal.add("outcome", ns, null, what + ": failed: " + e.getMessage(), Map.of("method", "profile"));
            actions.log(who, what + " -> failed: " + e.getMessage());
            throw new ApiError(502, e.getMessage());
        }
        Profile profile = run.profile(result);
        Map<String, Object> summary = ProfileRun.summary(result, profile);
        String outcome = ((List<?>) summary.get("answered")).size() + " answered, "
                + ((Map<?, ?>) summary.get("errors")).size() + " errors, " + result.missingCount() + " missing";
        journal.add("outcome", ns, null, what + ": " + outcome, Map.of("method", "profile", "errors",
                summary.get("errors")));
        actions.log(who, what + " -> " + outcome);
        String title = "pidbox profile: " + profile.mode() + " " + sampling.toMillis() / 1000.0 + " s"
                + (profile.isComparison() ? ", baseline against compared" : "");
        int nodes = profile.nodes().size();
        String meta = nodes + (nodes == 1 ? " node, " : " nodes, ") + profile.unit() + ", namespace " + ns + ", taken "
                + clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> doc = new LinkedHashMap<>(FlameGraphHtml.data(profile, title, meta));
        doc.put("namespace", ns);
        doc.put("duration_ms", req.durationMs());
        doc.put("summary", summary);
        return doc;
    }
}
