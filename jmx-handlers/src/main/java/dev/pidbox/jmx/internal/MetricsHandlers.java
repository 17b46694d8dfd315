package dev.pidbox.jmx.internal;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;
import dev.pidbox.jmx.PidboxMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code metrics}: a snapshot of the node's call metrics (count, latency, errors, refusals per method). */
public final class MetricsHandlers implements HandlerProvider {
    private final PidboxMetrics metrics;

    public MetricsHandlers(PidboxMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        return Collections.singletonList(HandlerDefinition.builder("metrics")
                .description("The node's own call metrics: count, latency, errors and refusals per method and outcome")
                .tier(Tier.READ)
                .strictArguments(true)
                .argument(ArgumentSpec.optional("method", ArgType.STRING, null, "only methods matching this glob"))
                .handler((ctx, args) -> {
                    Map<String, Object> snapshot = metrics.snapshot();
                    String glob = args.getString("method");
                    if (glob != null) {
                        @SuppressWarnings("unchecked")
                        List<Map<String, Object>> calls = (List<Map<String, Object>>) snapshot.get("calls");
                        List<Map<String, Object>> kept = new ArrayList<>();
                        for (Map<String, Object> row : calls) {
                            if (Globs.matches(glob, (String) row.get("method"))) {
                                kept.add(row);
                            }
                        }
                        snapshot.put("calls", kept);
                    }
                    return snapshot;
                })
                .build());
    }
}
