package dev.pidbox;

import dev.pidbox.internal.Matchers;
import dev.pidbox.internal.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to send through a {@link Mailbox}: the method, its arguments, which nodes it is for, and for
 * calls how long to wait and when to stop. {@link Mailbox#call}, {@link Mailbox#cast} and
 * {@link Mailbox#multiCall} build one for you; use this for the rest (patterns, expect counts).
 *
 * <p>Selection follows kombu: a non-empty destination list names nodes exactly and the pattern is then
 * ignored; otherwise a pattern with a matcher selects nodes by name; otherwise every node runs it.
 */
public final class Request {
    /** kombu's default gather time for multi_call and the Celery CLI's {@code -t}: {@link Defaults#TIMEOUT}. */
    public static final Duration DEFAULT_TIMEOUT = Defaults.TIMEOUT;

    private final String method;
    private final Map<String, Object> arguments;
    private final List<String> destination;
    private final String pattern;
    private final MatchType matcher;
    private final boolean reply;
    private final Duration timeout;
    private final Integer limit;
    private final Integer expect;

    private Request(Builder b) {
        this.method = b.method;
        this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(b.arguments));
        this.destination = b.destination == null ? null : Collections.unmodifiableList(new ArrayList<>(b.destination));
        this.pattern = b.pattern;
        this.matcher = b.matcher;
        this.reply = b.reply;
        this.timeout = b.timeout;
        this.limit = b.limit;
        this.expect = b.expect;
    }

    public static Builder builder(String method) {
        return new Builder(method);
    }

    public String method() {
        return method;
    }

    public Map<String, Object> arguments() {
        return arguments;
    }

    /** Node names, or null for no destination list. */
    public List<String> destination() {
        return destination;
    }

    public String pattern() {
        return pattern;
    }

    public MatchType matcher() {
        return matcher;
    }

    /** Whether replies are asked for (a call) or not (a cast). */
    public boolean wantsReply() {
        return reply;
    }

    /** The total deadline for gathering replies. */
    public Duration timeout() {
        return timeout;
    }

    /** Stop after this many replies; null for no limit (a named destination implies its size). */
    public Integer limit() {
        return limit;
    }

    /** Return as soon as this many nodes answered, and report the shortfall otherwise; null when unset. */
    public Integer expect() {
        return expect;
    }

    /** Builds a {@link Request}. */
    public static final class Builder {
        private final String method;
        private Map<String, Object> arguments = Collections.emptyMap();
        private List<String> destination;
        private String pattern;
        private MatchType matcher;
        private boolean reply = true;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Integer limit;
        private Integer expect;

        private Builder(String method) {
            if (method == null || method.isEmpty()) {
                throw new IllegalArgumentException("method must not be empty");
            }
            this.method = method;
        }

        /** Keyword arguments; values must be JSON-able (Map, List, String, Number, Boolean, null). */
        public Builder arguments(Map<String, ?> arguments) {
            this.arguments = arguments == null ? Collections.emptyMap() : new LinkedHashMap<>(arguments);
            return this;
        }

        /** Exact node names; null or empty means no destination list. */
        public Builder destination(List<String> nodes) {
            if (nodes != null) {
                for (String n : nodes) {
                    if (n == null || n.isEmpty()) {
                        throw new IllegalArgumentException("destination names must not be empty");
                    }
                }
            }
            this.destination = nodes == null || nodes.isEmpty() ? null : new ArrayList<>(nodes);
            return this;
        }

        public Builder destination(String... nodes) {
            return destination(Arrays.asList(nodes));
        }

        /** Selects nodes whose whole name matches a shell glob ({@code *}, {@code ?}, {@code [seq]}). */
        public Builder glob(String pattern) {
            return pattern(pattern, MatchType.GLOB);
        }

        /** Selects nodes whose name starts with a match of a (Python syntax) regular expression. */
        public Builder pcre(String pattern) {
            return pattern(pattern, MatchType.PCRE);
        }

        /**
         * Selects nodes by pattern.
         *
         * @throws IllegalArgumentException when the pattern does not compile
         */
        public Builder pattern(String pattern, MatchType matcher) {
            Objects.requireNonNull(matcher, "matcher");
            if (pattern == null || pattern.isEmpty()) {
                throw new IllegalArgumentException("pattern must not be empty");
            }
            Matchers.compile(matcher, pattern);
            this.pattern = pattern;
            this.matcher = matcher;
            return this;
        }

        /** Whether to ask for replies; false makes a cast. */
        public Builder reply(boolean reply) {
            this.reply = reply;
            return this;
        }

        /** The total deadline for the gather (default 1 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = Wire.requirePositive("timeout", timeout);
            return this;
        }

        public Builder limit(Integer limit) {
            if (limit != null && limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1, got " + limit);
            }
            this.limit = limit;
            return this;
        }

        public Builder expect(Integer expect) {
            if (expect != null && expect < 1) {
                throw new IllegalArgumentException("expect must be at least 1, got " + expect);
            }
            this.expect = expect;
            return this;
        }

        public Request build() {
            return new Request(this);
        }
    }
}
