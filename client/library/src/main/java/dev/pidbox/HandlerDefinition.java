package dev.pidbox;

import dev.pidbox.internal.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named command a {@link Node} serves: its name, one-line description, tier, declared arguments
 * and the {@link Handler} that runs it. Immutable; build one with {@link #builder(String)}.
 *
 * <pre>{@code
 * HandlerDefinition echo = HandlerDefinition.builder("echo")
 *         .description("Returns its arguments")
 *         .argument(ArgumentSpec.optional("text", ArgType.STRING, "", "what to echo"))
 *         .handler((ctx, args) -> Map.of("ok", args.getString("text")))
 *         .build();
 * }</pre>
 */
public final class HandlerDefinition {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

    private final String name;
    private final String description;
    private final Tier tier;
    private final List<ArgumentSpec> arguments;
    private final boolean strictArguments;
    private final Handler handler;
    private final Duration timeout;
    private final boolean quick;
    private final int ratePermits;
    private final Duration ratePeriod;

    private HandlerDefinition(Builder b) {
        this.name = b.name;
        this.description = b.description;
        this.tier = b.tier;
        this.arguments = Collections.unmodifiableList(new ArrayList<>(b.arguments.values()));
        this.strictArguments = b.strictArguments;
        this.handler = Objects.requireNonNull(b.handler, "handler of '" + b.name + "'");
        this.timeout = b.timeout;
        this.quick = b.quick;
        this.ratePermits = b.ratePermits;
        this.ratePeriod = b.ratePeriod;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder holding everything this definition has, to derive a changed copy (e.g. a wrapped handler). */
    public Builder toBuilder() {
        Builder b = new Builder(name).description(description).tier(tier).strictArguments(strictArguments)
                .handler(handler).quick(quick);
        for (ArgumentSpec a : arguments) {
            b.argument(a);
        }
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (ratePermits > 0) {
            b.rateLimit(ratePermits, ratePeriod);
        }
        return b;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public Tier tier() {
        return tier;
    }

    public List<ArgumentSpec> arguments() {
        return arguments;
    }

    /** Whether arguments that were not declared are refused (default: ignored, as kombu's {@code **kwargs}). */
    public boolean strictArguments() {
        return strictArguments;
    }

    public Handler handler() {
        return handler;
    }

    /** This handler's time limit, or null for the node's default. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Whether the handler is cheap and never blocks (ping, clock): it then runs on the node's consumer
     * thread and answers even when every handler thread is busy. A quick handler must never wait for the broker (a
     * channel it opens, a queue it declares) or for a thread that does: amqp-client's reader can wait for the
     * consumer thread, and the connection's nodes would stop answering.
     */
    public boolean quick() {
        return quick;
    }

    /** At most this many calls per {@link #ratePeriod()}; 0 for no limit. */
    public int ratePermits() {
        return ratePermits;
    }

    public Duration ratePeriod() {
        return ratePeriod;
    }

    /** This handler as the {@code describe} command lists it. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("description", description);
        out.put("tier", tier.wireName());
        List<Object> args = new ArrayList<>();
        for (ArgumentSpec spec : arguments) {
            args.add(spec.describe());
        }
        out.put("arguments", args);
        if (ratePermits > 0) {
            out.put("rate_limit", ratePermits + " per " + ratePeriod.getSeconds() + " s");
        }
        return out;
    }

    @Override
    public String toString() {
        return name + arguments + " [" + tier.wireName() + "]";
    }

    /** Builds a {@link HandlerDefinition}. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private Tier tier = Tier.READ;
        private final Map<String, ArgumentSpec> arguments = new LinkedHashMap<>();
        private boolean strictArguments;
        private Handler handler;
        private Duration timeout;
        private boolean quick;
        private int ratePermits;
        private Duration ratePeriod = Duration.ofMinutes(1);

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid handler name '" + name
                        + "': use letters, digits, '_', '.' and '-', starting with a letter or '_'");
            }
            this.name = name;
        }

        public Builder description(String description) {
            this.description = description == null ? "" : description;
            return this;
        }

        public Builder tier(Tier tier) {
            this.tier = Objects.requireNonNull(tier, "tier");
            return this;
        }

        public Builder argument(ArgumentSpec spec) {
            if (arguments.putIfAbsent(spec.name(), spec) != null) {
                throw new IllegalArgumentException("argument '" + spec.name() + "' declared twice for '" + name + "'");
            }
            return this;
        }

        /** Refuse arguments that were not declared, with a TypeError reply. */
        public Builder strictArguments(boolean strict) {
            this.strictArguments = strict;
            return this;
        }

        /** A time limit for this handler (default: the node's, 30 s); the caller then gets a TimeoutError. */
        public Builder timeout(Duration timeout) {
            this.timeout = Wire.requirePositive("timeout", timeout);
            return this;
        }

        /** Marks a cheap, never-blocking handler that runs on the consumer thread (see {@link #quick()}). */
        public Builder quick(boolean quick) {
            this.quick = quick;
            return this;
        }

        /** At most {@code permits} calls per {@code period} on one node; more are refused with an error. */
        public Builder rateLimit(int permits, Duration period) {
            if (permits < 1 || period == null || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("rate limit needs permits >= 1 and a positive period");
            }
            this.ratePermits = permits;
            this.ratePeriod = period;
            return this;
        }

        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        public HandlerDefinition build() {
            return new HandlerDefinition(this);
        }
    }
}
