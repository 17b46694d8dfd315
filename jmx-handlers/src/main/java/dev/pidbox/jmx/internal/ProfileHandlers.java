package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentException;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code profile}: where this JVM spends CPU ({@code cpu}, JFR execution samples), wall-clock time ({@code wall},
 * every thread with its state, sampled with ThreadMXBean) or allocations ({@code alloc}, JFR allocation samples,
 * weighed in bytes) over a duration, as aggregated stacks. One profile at a time per JVM, at most
 * {@code profile.max_ms} long, six a minute. Sampling runs on the handler's own thread; nothing is started
 * and no file outlives the call.
 */
public final class ProfileHandlers implements HandlerProvider {
    static final int DEFAULT_MAX_DURATION_MS = 60_000;
    static final int MIN_DURATION_MS = 100;
    static final int MAX_DEPTH = 2048;
    /** The least reply a client may ask for: room for the header and a few dozen stacks. */
    static final int MIN_REPLY_BYTES = 16 * 1024;

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        Config cfg = new Config(config);
        int maxDuration = cfg.getInt("profile.max_ms", DEFAULT_MAX_DURATION_MS, MIN_DURATION_MS, 3_600_000);
        int maxBytes = cfg.getInt("reply.max_bytes", ReplyCap.DEFAULT_MAX_BYTES, 256, Integer.MAX_VALUE);
        return Collections.singletonList(HandlerDefinition.builder("profile")
                .description("Samples stacks for duration_ms and replies them aggregated, widest first: mode cpu (JFR"
                        + " execution samples; ThreadMXBean where JFR is missing), wall (every thread with its state)"
                        + " or alloc (JFR allocation samples, in bytes, the allocated class as leaf frame); one at a time"
                        + " per JVM")
                .tier(Tier.READ)
                .rateLimit(6, Duration.ofMinutes(1))
                .timeout(Duration.ofMillis(maxDuration + 30_000L))
                .strictArguments(true)
                .argument(ArgumentSpec.optional("mode", ArgType.STRING, "cpu", "cpu, wall or alloc"))
                .argument(ArgumentSpec.optional("duration_ms", ArgType.INTEGER, 5000,
                        "how long to sample, " + MIN_DURATION_MS + ".." + maxDuration + " (profile.max_ms)"))
                .argument(ArgumentSpec.optional("interval_ms", ArgType.INTEGER, null,
                        "sampling interval, 10..1000; default 20 for cpu and alloc, 50 for wall"))
                .argument(ArgumentSpec.optional("name", ArgType.STRING, null, "only threads whose name matches this glob"))
                .argument(ArgumentSpec.optional("max_depth", ArgType.INTEGER, 128,
                        "frames per stack, 1.." + MAX_DEPTH + "; deeper stacks keep their leaf-most frames under"
                                + " [truncated]"))
                .argument(ArgumentSpec.optional("max_bytes", ArgType.INTEGER, null,
                        "the most the reply may take, at least " + MIN_REPLY_BYTES + "; more than the node's reply"
                                + " cap (reply.max_bytes, " + maxBytes + ", the default) is lowered to it. A client"
                                + " gathering a large fleet asks each node for less; the thinnest stacks go first"))
                .argument(ArgumentSpec.optional("jfr", ArgType.BOOLEAN, true,
                        "use JFR where the JVM has it (false: ThreadMXBean sampling for cpu)"))
                .handler((ctx, args) -> {
                    ProfileRequest request = new ProfileRequest();
                    request.mode = mode(args.getString("mode", "cpu"));
                    long duration = args.getLong("duration_ms", 5000);
                    if (duration < MIN_DURATION_MS || duration > maxDuration) {
                        throw new ArgumentException("profile() argument 'duration_ms' must be in " + MIN_DURATION_MS
                                + ".." + maxDuration + " (the node's maximum, agent option profile-max-ms), got " + duration);
                    }
                    request.durationMs = duration;
                    int interval = args.getInt("interval_ms", request.mode.defaultIntervalMs);
                    if (interval < 10 || interval > 1000) {
                        throw new ArgumentException("profile() argument 'interval_ms' must be in 10..1000, got "
                                + interval);
                    }
                    request.intervalMs = interval;
                    int depth = args.getInt("max_depth", 128);
                    if (depth < 1 || depth > MAX_DEPTH) {
                        throw new ArgumentException("profile() argument 'max_depth' must be in 1.." + MAX_DEPTH
                                + ", got " + depth);
                    }
                    request.maxDepth = depth;
                    request.threads = args.getString("name");
                    if (request.threads != null) {
                        Globs.matches(request.threads, "");
                    }
                    request.jfr = args.getBoolean("jfr", true);
                    long budget = args.getLong("max_bytes", maxBytes);
                    if (budget < MIN_REPLY_BYTES) {
                        throw new ArgumentException("profile() argument 'max_bytes' must be at least "
                                + MIN_REPLY_BYTES + ", got " + budget);
                    }
                    request.maxBytes = Math.min(budget, maxBytes);
                    request.ticket = ctx.ticket();
                    return Profiler.run(request);
                })
                .build());
    }

    static ProfileRequest.Mode mode(String name) {
        for (ProfileRequest.Mode m : ProfileRequest.Mode.values()) {
            if (m.wireName().equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new ArgumentException("profile() argument 'mode' must be cpu, wall or alloc, got '" + name + "'");
    }
}
