package dev.pidbox.internal.node;

import dev.pidbox.CallObserver;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.internal.PyRepr;
import dev.pidbox.security.Policy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** May this principal run this handler now: the node's policy (tiers, names, keys), then the handler's rate limit. */
public final class Authorizer {
    private final Policy policy;
    private final LongSupplier now;
    private final Map<String, RateWindow> windows = new ConcurrentHashMap<>();

    public Authorizer(Policy policy, LongSupplier nowMillis) {
        this.policy = policy;
        this.now = nowMillis;
    }

    /**
     * @throws Refused {@code forbidden} with the policy's reason, or {@code rate_limited} saying when to try again
     */
    public void authorize(String method, HandlerDefinition def, Object rawArguments, Principal principal)
            throws Refused {
        @SuppressWarnings("unchecked")
        Map<String, Object> args = rawArguments instanceof Map ? (Map<String, Object>) rawArguments : null;
        Policy.Decision decision = policy.decide(method, def.tier(), args, principal.keyName(), principal.keyId());
        if (!decision.allowed()) {
            throw new Refused(CallObserver.FORBIDDEN, "forbidden: " + decision.reason());
        }
        if (def.ratePermits() > 0) {
            long wait = windows.computeIfAbsent(method, k -> new RateWindow()).tryAcquire(def.ratePermits(),
                    def.ratePeriod().toMillis(), now.getAsLong());
            if (wait > 0) {
                throw new Refused(CallObserver.RATE_LIMITED, PyRepr.error("RateLimited", method + " runs at most "
                        + def.ratePermits() + " times per " + def.ratePeriod().getSeconds() + " s on this node; try"
                        + " again in " + ((wait + 999) / 1000) + " s"));
            }
        }
    }

    /** A fixed window of {@code permits} per period for one handler. */
    private static final class RateWindow {
        private long windowStart;
        private int used;

        /** 0 when a permit was taken, else milliseconds until the next window. */
        synchronized long tryAcquire(int permits, long periodMillis, long now) {
            if (now - windowStart >= periodMillis) {
                windowStart = now;
                used = 0;
            }
            if (used < permits) {
                used++;
                return 0;
            }
            return Math.max(1, windowStart + periodMillis - now);
        }
    }
}
