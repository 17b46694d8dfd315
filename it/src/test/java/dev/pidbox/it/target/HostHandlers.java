package dev.pidbox.it.target;

import dev.pidbox.ArgType;
import dev.pidbox.ArgumentSpec;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Handlers a host application ships on its own class path (META-INF/services/dev.pidbox.HandlerProvider),
 * which the agent finds and serves next to its own.
 */
public final class HostHandlers implements HandlerProvider {
    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        return List.of(HandlerDefinition.builder("host.greet")
                .description("Greets, from the host application's own code")
                .argument(ArgumentSpec.optional("who", ArgType.STRING, "world", "whom to greet"))
                .handler((ctx, args) -> Map.of("greeting", "hello " + args.getString("who"), "node", ctx.nodeName()))
                .build());
    }
}
