package org.example.billing;

import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Billing's own remote command, served by a pidbox agent when one is attached to the container. */
public final class BillingPidboxHandlers implements HandlerProvider {
    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        return Collections.singletonList(HandlerDefinition.builder("billing.stats")
                .description("Requests billing has served")
                .tier(Tier.READ)
                .handler((ctx, args) -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("requests", HelloServlet.requests());
                    return out;
                })
                .build());
    }
}
