package org.example.greeting;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.pidbox.HandlerDefinition;
import dev.pidbox.HandlerProvider;
import dev.pidbox.Tier;

/**
 * Remote-control commands this service offers when a pidbox agent is attached: {@code greeting.stats}. The agent
 * provides the pidbox classes; the service itself never needs them. The numbers are read from the service's own
 * MBean, so this works whichever class loader the agent loads this class with.
 */
public class GreetingPidboxHandlers implements HandlerProvider {

    @Override
    public Collection<HandlerDefinition> handlers(Function<String, String> config) {
        return List.of(HandlerDefinition.builder("greeting.stats")
                .description("How many greetings the service has served, and with which greeting")
                .tier(Tier.READ)
                .handler((context, arguments) -> stats())
                .build());
    }

    static Map<String, Object> stats() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(GreetingSettings.OBJECT_NAME);
        Map<String, Object> out = new LinkedHashMap<>();
        if (!server.isRegistered(name)) {
            out.put("started", false);
            return out;
        }
        out.put("started", true);
        out.put("served", server.getAttribute(name, "GreetingsServed"));
        out.put("greeting", server.getAttribute(name, "Greeting"));
        return out;
    }
}
