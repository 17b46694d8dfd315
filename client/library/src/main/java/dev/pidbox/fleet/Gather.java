package dev.pidbox.fleet;

import dev.pidbox.CallResult;
import dev.pidbox.Reply;
import dev.pidbox.Request;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One gather, prepared by {@link Fleet#gather(String)}: the request as it will be sent (tags already resolved to
 * names), and its live {@link GatherProgress}. {@link #run} sends it and blocks until the deadline, the limit or
 * the expected answers.
 */
public final class Gather {
    private final Caller caller;
    private final Request request;
    private final GatherProgress progress;

    private Gather(Caller caller, Request request) {
        this.caller = caller;
        this.request = request;
        this.progress = request == null ? new GatherProgress(0) : GatherProgress.of(request);
    }

    /**
     * The request to send, or null when the selector's tags matched no node (then nothing is sent: an empty name
     * list must never become a broadcast).
     */
    public Request request() {
        return request;
    }

    /** Whether the selector's tags matched no node, so that there is nobody to ask. */
    public boolean selectsNobody() {
        return request == null;
    }

    /** The live progress: read it from another thread while {@link #run} blocks. */
    public GatherProgress progress() {
        return progress;
    }

    /**
     * Sends the request and gathers the replies; each reply is counted in {@link #progress()} and then handed to
     * {@code listener}. When {@link #selectsNobody()}, sends nothing and returns an empty result that expects
     * nobody.
     *
     * @param listener told of each reply as it arrives; may be null
     */
    public CallResult run(GatherListener listener) {
        if (request == null) {
            return new CallResult(null, Collections.<Reply>emptyList(), Collections.<String>emptyList(), 0,
                    Duration.ZERO, false);
        }
        return caller.call(request, reply -> {
            progress.reply();
            if (listener != null) {
                listener.onReply(reply, progress);
            }
        });
    }

    /** What to gather and from whom; {@link #prepare()} resolves the selection. */
    public static final class Builder {
        private final Fleet fleet;
        private final String method;
        private Selector selector = Selector.all();
        private Map<String, ?> arguments = Collections.emptyMap();
        private Duration timeout = Request.DEFAULT_TIMEOUT;
        private Integer limit;
        private Integer expect;

        Builder(Fleet fleet, String method) {
            this.fleet = fleet;
            this.method = method;
        }

        /** The nodes to ask (default: every node). */
        public Builder select(Selector selector) {
            this.selector = selector == null ? Selector.all() : selector;
            return this;
        }

        /** Keyword arguments of the method (JSON-able values). */
        public Builder arguments(Map<String, ?> arguments) {
            this.arguments = arguments == null ? Collections.<String, Object>emptyMap() : arguments;
            return this;
        }

        /** The total deadline, for the gather and, with tags, for the {@code runtime} gather before it. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Stop after this many replies; null for no limit. */
        public Builder limit(Integer limit) {
            this.limit = limit;
            return this;
        }

        /**
         * Return once this many nodes answered; null when unset. With tags the matched names are the expectation
         * and this count is not sent.
         */
        public Builder expect(Integer expect) {
            this.expect = expect;
            return this;
        }

        /**
         * Checks the request and resolves tags (one {@code runtime} gather, see {@link Fleet#withTags}) into a
         * destination list of the matching names.
         *
         * @throws IllegalArgumentException for a bad method, timeout, limit, expect count or pattern
         */
        public Gather prepare() {
            Request.Builder request = selector.applyTo(Request.builder(method).arguments(arguments).timeout(timeout))
                    .limit(limit).expect(expect);
            if (!selector.hasTags()) {
                return new Gather(fleet.caller(), request.build());
            }
            List<String> names = fleet.withTags(selector, timeout);
            if (names.isEmpty()) {
                return new Gather(fleet.caller(), null);
            }
            return new Gather(fleet.caller(), Request.builder(method).arguments(arguments).timeout(timeout).limit(limit)
                    .destination(names).build());
        }
    }
}
