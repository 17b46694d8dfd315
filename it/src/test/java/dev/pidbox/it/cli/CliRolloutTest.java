package dev.pidbox.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TestNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rollout of {@code reload} across five real nodes of which one (n-2) fails its reload: the canary passes,
 * the failing batch stops the rollout at the failure budget, the rest is never sent to, and the outcome table
 * tells which nodes changed.
 */
@RabbitMQ.Required
class CliRolloutTest {
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Set<String> reloaded = ConcurrentHashMap.newKeySet();
    private String namespace;
    private Connection connection;
    private Mailbox mailbox;
    private final List<Node> nodes = new ArrayList<>();

    private String name(int i) {
        return "n-" + i + "." + suffix + "@pbt";
    }

    @BeforeEach
    void startFiveNodesOneOfWhichFailsItsReload() {
        namespace = RabbitMQ.uniqueNamespace("cli-rollout");
        connection = RabbitMQ.connect("pidbox-it-cli-rollout");
        mailbox = Mailbox.builder(namespace).build().bind(connection);
        for (int i = 1; i <= 5; i++) {
            String name = name(i);
            boolean broken = i == 2;
            HandlerDefinition reload = HandlerDefinition.builder("reload").description("reloads or fails")
                    .handler((ctx, args) -> {
                        if (broken) {
                            throw new java.io.IOException("config.properties: bad line 3");
                        }
                        reloaded.add(ctx.nodeName());
                        return Map.of("ok", true);
                    }).build();
            nodes.add(mailbox.node(name).handler(TestNodes.ping()).handler(reload).build().listen());
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        nodes.forEach(Node::close);
        mailbox.close();
        connection.close();
    }

    @Test
    void aFailingReloadStopsTheRolloutAtTheFailureBudgetAndTheTableSaysWhichNodesChanged() {
        Cli r = Cli.run(namespace, "reload", "--canary", "1", "--batch", "2", "--max-failures", "0", "--timeout", "2s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(reloaded).as("nodes that really reloaded").containsExactlyInAnyOrder(name(1), name(3));
        assertThat(r.out).startsWith("NODE").contains("BATCH", "OUTCOME", "DETAIL")
                .containsPattern("\\Q" + name(1) + "\\E\\s+canary\\s+ok")
                .containsPattern("\\Q" + name(2) + "\\E\\s+1\\s+error\\s+IOException\\('config.properties: bad line 3'\\)")
                .containsPattern("\\Q" + name(3) + "\\E\\s+1\\s+ok")
                .containsPattern("\\Q" + name(4) + "\\E\\s+-\\s+skipped")
                .containsPattern("\\Q" + name(5) + "\\E\\s+-\\s+skipped")
                .contains("stopped after batch 1: 1 failure exceed --max-failures 0")
                .contains("changed: " + name(1) + ", " + name(3) + "; failed: " + name(2) + "; not run: " + name(4)
                        + ", " + name(5));
    }

    @Test
    void withABudgetOfOneTheRolloutGoesOnPastTheFailureAndExitsOne() {
        Cli r = Cli.run(namespace, "-o", "json", "reload", "--canary", "1", "--batch", "2", "--max-failures", "1",
                "--timeout", "2s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(reloaded).containsExactlyInAnyOrder(name(1), name(3), name(4), name(5));
        assertThat(r.json()).containsEntry("stopped", false).containsEntry("failures", 1)
                .containsEntry("changed", List.of(name(1), name(3), name(4), name(5)));
    }

    @Test
    void aRolloutOfCallWithWhereDiscoversOnlyTheMatchingNodes() {
        Cli r = Cli.run(namespace, "call", "reload", "--where", "env=prod", "--canary", "1", "--timeout", "2s");

        assertThat(r.exitCode).as("these nodes have no tags").isEqualTo(3);
        assertThat(reloaded).isEmpty();
        assertThat(r.err).contains("no node selected for the rollout of reload");
    }

    @Test
    void aRolloutToAnUnknownNodeReportsItMissing() {
        Cli r = Cli.run(namespace, "-o", "ndjson", "call", "reload", "--to", name(1) + ",ghost." + suffix + "@pbt",
                "--canary", "1", "--max-failures", "0", "--timeout", "1s");

        assertThat(r.exitCode).isEqualTo(1);
        List<Map<String, Object>> lines = r.ndjson();
        assertThat(lines).extracting(l -> l.get("outcome")).containsExactly("ok", "missing");
        assertThat(reloaded).containsExactly(name(1));
    }
}
