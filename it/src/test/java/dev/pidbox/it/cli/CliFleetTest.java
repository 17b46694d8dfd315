package dev.pidbox.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.HandlerDefinition;
import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TestNodes;
import dev.pidbox.jmx.JmxHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every subcommand of {@code pidbox}, in-process, against three real Java nodes on RabbitMQ that serve the JMX
 * handlers plus the test handlers: two tagged env=prod (web-1, web-2), one env=dev (batch-1).
 */
@RabbitMQ.Required
class CliFleetTest {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String WEB1 = "web-1." + SUFFIX + "@pbt";
    private static final String WEB2 = "web-2." + SUFFIX + "@pbt";
    private static final String BATCH1 = "batch-1." + SUFFIX + "@pbt";
    private static final String GHOST = "ghost." + SUFFIX + "@pbt";

    private static String namespace;
    private static Connection connection;
    private static Mailbox mailbox;
    private static final List<Node> nodes = new ArrayList<>();
    private static final List<Map<String, Object>> recorded = TestNodes.newSink();

    @BeforeAll
    static void startThreeNodes() {
        namespace = RabbitMQ.uniqueNamespace("cli");
        connection = RabbitMQ.connect("pidbox-it-cli-fleet");
        mailbox = Mailbox.builder(namespace).build().bind(connection);
        nodes.add(start(WEB1, "prod"));
        nodes.add(start(WEB2, "prod"));
        nodes.add(start(BATCH1, "dev"));
    }

    private static Node start(String name, String env) {
        // The web nodes have a reload file; batch-1 has nothing to reload.
        java.nio.file.Path reloadFile;
        try {
            reloadFile = java.nio.file.Files.createTempFile("pidbox-cli-reload", ".properties");
            java.nio.file.Files.writeString(reloadFile, "pbt.cli.flag=on\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String file = name.startsWith("web") ? reloadFile.toString() : null;
        List<HandlerDefinition> handlers = new ArrayList<>(new JmxHandlers().handlers(
                key -> "reload.file".equals(key) ? file : null));
        handlers.add(TestNodes.echo());
        handlers.add(TestNodes.fail());
        handlers.add(TestNodes.record(recorded));
        return mailbox.node(name).handlers(handlers).tag("env", env).tag("role", name.substring(0, name.indexOf('.')))
                .build().listen();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        nodes.forEach(Node::close);
        mailbox.close();
        connection.close();
    }

    @BeforeEach
    void clearRecorded() {
        recorded.clear();
    }

    private static Cli pidbox(String... args) {
        return Cli.run(namespace, args);
    }

    private static Map<String, Object> replies(Cli r) {
        return asMap(r.json().get("replies"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static Set<Object> field(List<Map<String, Object>> rows, String key) {
        return rows.stream().map(r -> r.get(key)).collect(Collectors.toSet());
    }

    // ----------------------------------------------------------------- ping, nodes, call

    @Test
    void pingListsEveryNodeWithItsRoundTripTime() {
        Cli r = pidbox("ping", "--expect", "3", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).startsWith("NODE").contains("RTT_MS").contains(WEB1, WEB2, BATCH1)
                .contains("{\"ok\":\"pong\"}").contains("3 replies of 3 expected");
        assertThat(r.out.lines().filter(l -> l.startsWith(WEB1)).findFirst().orElseThrow())
                .matches("\\Q" + WEB1 + "\\E\\s+\\d+\\s+\\{\"ok\":\"pong\"\\}");
    }

    @Test
    void nodesShowsJavaVersionUptimeAndTags() {
        Cli r = pidbox("nodes", "--expect", "3", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("NODE", "JAVA", "UPTIME", "TAGS");
        String web1 = r.out.lines().filter(l -> l.startsWith(WEB1)).findFirst().orElseThrow();
        assertThat(web1).contains(System.getProperty("java.version")).contains("env=prod").contains("role=web-1");
        String batch = r.out.lines().filter(l -> l.startsWith(BATCH1)).findFirst().orElseThrow();
        assertThat(batch).contains("env=dev");
    }

    @Test
    void callToANamedNodeThatDoesNotExistExitsThreeAndNamesIt() {
        Cli r = pidbox("call", "ping", "--to", WEB1 + "," + GHOST, "--timeout", "1500ms");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(3);
        assertThat(r.out).contains(WEB1).containsPattern("\\Q" + GHOST + "\\E\\s+-\\s+missing")
                .contains("1 missing (" + GHOST + ")");
    }

    @Test
    void anErrorReplyExitsOneAndShowsTheError() {
        Cli r = pidbox("call", "fail", "--to", WEB1 + "," + WEB2, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.out).containsPattern("\\Q" + WEB1 + "\\E\\s+\\d+\\s+error\\s+IllegalStateException\\('boom'\\)")
                .contains("2 errors");
    }

    @Test
    void anUnknownMethodComesBackAsAKeyErrorWithExitOne() {
        Cli r = pidbox("call", "nosuch", "--to", WEB1, "--timeout", "5s");

        assertThat(r.exitCode).isEqualTo(1);
        assertThat(r.out).contains("KeyError('nosuch')");
    }

    @Test
    void callPassesArgAndArgsJsonAsKeywordArguments() {
        Cli r = pidbox("-o", "json", "call", "echo", "--to", WEB1, "--args-json", "{\"list\": [1, 2]}",
                "--arg", "n=5", "--arg", "s=hello", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.json().get("replies")).isEqualTo(Map.of(WEB1, Map.of("ok", Map.of("list", List.of(1, 2), "n", 5,
                "s", "hello"))));
    }

    @Test
    void aSingleReplyIsPrintedInFull() {
        Cli r = pidbox("call", "runtime", "--to", WEB1, "--timeout", "5s");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).startsWith(WEB1 + " (").contains("\"java_version\" : \"" + System.getProperty("java.version"))
                .contains("\"env\" : \"prod\"");
    }

    // ----------------------------------------------------------------- output formats

    @Test
    void jsonIsOneDocumentWithRepliesErrorsMissingAndTimings() {
        Cli r = pidbox("-o", "json", "call", "ping", "--to", WEB1 + "," + GHOST, "--timeout", "1s");

        assertThat(r.exitCode).isEqualTo(3);
        Map<String, Object> doc = r.json();
        assertThat(doc).containsEntry("method", "ping").containsEntry("namespace", namespace)
                .containsEntry("replies", Map.of(WEB1, Map.of("ok", "pong"))).containsEntry("errors", Map.of())
                .containsEntry("missing", List.of(GHOST)).containsEntry("missing_count", 1)
                .containsEntry("expected", 2).containsEntry("deadline_reached", true);
        assertThat(asMap(doc.get("reply_ms"))).containsOnlyKeys(WEB1);
        assertThat(((Number) doc.get("elapsed_ms")).longValue()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void everyNdjsonLineParsesAsJsonAndThereIsOnePerReply() {
        Cli r = pidbox("-o", "ndjson", "multi-call", "ping", "--expect", "3", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        List<Map<String, Object>> lines = r.ndjson();
        assertThat(lines).hasSize(3);
        assertThat(field(lines, "node")).containsExactlyInAnyOrder(WEB1, WEB2, BATCH1);
        assertThat(field(lines, "value")).containsExactly(Map.of("ok", "pong"));
        assertThat(lines).allSatisfy(l -> assertThat(l).containsKeys("elapsed_ms").containsEntry("error", false));
    }

    @Test
    void ndjsonPrintsNothingButRepliesOnStdoutAndNamesTheMissingOnStderr() {
        Cli r = pidbox("-o", "ndjson", "call", "fail", "--to", WEB1 + "," + GHOST, "--timeout", "1s");

        assertThat(r.exitCode).isEqualTo(3);
        List<Map<String, Object>> lines = r.ndjson();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).containsEntry("node", WEB1).containsEntry("error", true)
                .containsEntry("value", Map.of("error", "IllegalStateException('boom')"));
        assertThat(r.err).contains("1 missing (" + GHOST + ")");
    }

    @Test
    void groupByFoldsTheFleetByTagIntoValueToNodes() {
        Cli r = pidbox("-o", "json", "--group-by", "tags.env", "nodes", "--expect", "3", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) r.json().get("groups");
        Map<Object, Set<Object>> byValue = groups.stream().collect(Collectors.toMap(g -> g.get("value"),
                g -> Set.copyOf((List<?>) g.get("nodes"))));
        assertThat(byValue).isEqualTo(Map.of("prod", Set.of(WEB1, WEB2), "dev", Set.of(BATCH1)));
    }

    @Test
    void groupByAsATableShowsValueCountAndNodes() {
        Cli r = pidbox("--group-by", "java_version", "nodes", "--expect", "3", "--timeout", "5s");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).startsWith("VALUE").containsPattern(
                "\\Q" + System.getProperty("java.version") + "\\E\\s+3\\s+\\S+");
    }

    // ----------------------------------------------------------------- selectors

    @Test
    void globSelectsByName() {
        Cli r = pidbox("-o", "ndjson", "multi-call", "ping", "--glob", "web-*", "--timeout", "1s");

        assertThat(field(r.ndjson(), "node")).containsExactlyInAnyOrder(WEB1, WEB2);
    }

    @Test
    void regexSelectsByNameWithKombuPrefixSemantics() {
        Cli r = pidbox("-o", "ndjson", "multi-call", "ping", "--regex", "batch-\\d", "--timeout", "1s");

        assertThat(field(r.ndjson(), "node")).containsExactly(BATCH1);
    }

    @Test
    void whereSelectsByTagAndExpectsExactlyTheMatchingNodes() {
        Cli r = pidbox("-o", "json", "multi-call", "ping", "--where", "env=prod", "--timeout", "3s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(replies(r).keySet()).containsExactlyInAnyOrder(WEB1, WEB2);
        assertThat(r.json()).containsEntry("expected", 2).containsEntry("deadline_reached", false);
    }

    @Test
    void whereRunsTheCommandOnlyOnMatchingNodes() {
        Cli r = pidbox("call", "record", "--where", "env=dev", "--arg", "k=v", "--timeout", "3s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(recorded).extracting(m -> m.get("_node")).containsExactly(BATCH1);
    }

    @Test
    void whereCombinesWithTheOtherSelectors() {
        Cli r = pidbox("-o", "ndjson", "multi-call", "ping", "--where", "env=prod", "--glob", "*-2.*", "--timeout", "3s");

        assertThat(field(r.ndjson(), "node")).containsExactly(WEB2);
    }

    @Test
    void whereWithoutAMatchExitsThreeAndSaysSo() {
        Cli r = pidbox("ping", "--where", "env=nowhere", "--timeout", "1s");

        assertThat(r.exitCode).isEqualTo(3);
        assertThat(r.err).contains("no node matches --where {env=nowhere}");
    }

    // ----------------------------------------------------------------- cast, broadcast

    @Test
    void castReachesTheNamedNodeWithoutWaitingForAReply() {
        Cli r = pidbox("cast", "record", "--to", WEB2, "--arg", "k=cast");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).contains("sent record to " + WEB2);
        await().atMost(Duration.ofSeconds(5)).until(() -> !recorded.isEmpty());
        assertThat(recorded).extracting(m -> m.get("_node")).containsExactly(WEB2);
        assertThat(recorded.get(0)).containsEntry("k", "cast");
    }

    @Test
    void castWithWhereReachesOnlyTheMatchingNodes() throws Exception {
        Cli r = pidbox("cast", "record", "--where", "env=prod", "--timeout", "2s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> recorded.size() >= 2);
        Thread.sleep(300);
        assertThat(recorded).extracting(m -> m.get("_node")).containsExactlyInAnyOrder(WEB1, WEB2);
    }

    @Test
    void broadcastReachesEveryNode() {
        Cli r = pidbox("broadcast", "record", "--arg", "k=all");

        assertThat(r.exitCode).isZero();
        assertThat(r.out).contains("sent record to every node");
        await().atMost(Duration.ofSeconds(5)).until(() -> recorded.size() == 3);
        assertThat(recorded).extracting(m -> m.get("_node")).containsExactlyInAnyOrder(WEB1, WEB2, BATCH1);
    }

    // ----------------------------------------------------------------- shortcuts

    @Test
    void threadsOfANodeShowsItsThreads() {
        Cli r = pidbox("-o", "json", "threads", WEB1, "--name", "main", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(replies(r).get(WEB1).toString()).contains("main");
    }

    @Test
    void threadsAcrossNodesShowsEachNodesCountsPerStateWithoutStacks() {
        Cli r = pidbox("threads", "--glob", "*" + SUFFIX + "*", "--expect", "3", "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).startsWith("NODE").contains("THREADS", "RUNNABLE", "DEADLOCKED").contains(WEB1, WEB2, BATCH1)
                .doesNotContain("java.lang.Thread.State");
    }

    @Test
    void threadsOfTheOnlyNodeASelectionFindsIsFollowedByItsDump() {
        Cli r = pidbox("threads", "--glob", "web-1." + SUFFIX + "*", "--timeout", "2s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).startsWith(WEB1 + " (").contains("java.lang.Thread.State: ").contains("\tat ")
                .doesNotContain("DEADLOCKED");
    }

    @Test
    void memoryAcrossNodesIsARowPerNodeAndItsDetailsWithNode() {
        Cli fleet = pidbox("memory", "--expect", "3", "--timeout", "5s");
        assertThat(fleet.exitCode).as(fleet.toString()).isZero();
        assertThat(fleet.out).startsWith("NODE").contains("HEAP_USED", "OLD_AFTER_GC").containsPattern(
                "\\Q" + WEB1 + "\\E\\s+\\d+\\.\\d[KMG]iB");

        Cli one = pidbox("memory", "--node", WEB1, "--timeout", "5s");
        assertThat(one.exitCode).as(one.toString()).isZero();
        assertThat(one.out).startsWith(WEB1 + " (").contains("POOL", "COLLECTOR", "BUFFER_POOL");
    }

    @Test
    void memoryShowsTheHeap() {
        Cli r = pidbox("-o", "json", "memory", "--to", WEB1, "--timeout", "5s");

        assertThat(r.exitCode).isZero();
        assertThat(asMap(replies(r).get(WEB1))).containsKey("heap");
    }

    @Test
    void histogramPassesTop() {
        Cli r = pidbox("-o", "json", "histogram", "--to", WEB1, "--top", "3", "--timeout", "10s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).doesNotContain("\"error\"");
    }

    @Test
    void loggersAnswers() {
        Cli r = pidbox("loggers", "--to", WEB1, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).startsWith(WEB1);
    }

    @Test
    void reloadDryRunAnswersWithItsSteps() {
        Cli r = pidbox("-o", "json", "reload", "--dry-run", "--to", WEB1, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(asMap(replies(r).get(WEB1))).containsEntry("dry_run", true)
                .containsKey("steps");
        assertThat(System.getProperty("pbt.cli.flag")).as("a dry run changes nothing").isNull();
    }

    @Test
    void reloadWithNothingToReloadIsAnErrorThatSaysWhyNotAnEmptySuccess() {
        Cli r = pidbox("-o", "json", "reload", "--to", BATCH1, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.out).contains("nothing to reload in this JVM").contains("no reload.file configured");
    }

    @Test
    void mbeanQueryGetInfoSetAndInvokeReachTheMBeanServer() {
        Cli query = pidbox("mbean", "query", "java.lang:type=Memory", "--to", WEB1, "--timeout", "5s");
        assertThat(query.exitCode).as(query.toString()).isZero();
        assertThat(query.out).contains("java.lang:type=Memory");

        Cli get = pidbox("-o", "json", "mbean", "get", "java.lang:type=Runtime", "VmName", "--to", WEB1, "--timeout", "5s");
        assertThat(get.exitCode).as(get.toString()).isZero();
        assertThat(get.out).contains(System.getProperty("java.vm.name"));

        Cli info = pidbox("mbean", "info", "java.lang:type=Memory", "--to", WEB1, "--timeout", "5s");
        assertThat(info.exitCode).as(info.toString()).isZero();
        assertThat(info.out).contains("HeapMemoryUsage");

        Cli set = pidbox("mbean", "set", "java.lang:type=Memory", "Verbose", "false", "--to", WEB1, "--timeout", "5s");
        assertThat(set.exitCode).as(set.toString()).isZero();

        Cli invoke = pidbox("mbean", "invoke", "java.lang:type=Memory", "gc", "--to", WEB1, "--timeout", "10s");
        assertThat(invoke.exitCode).as(invoke.toString()).isZero();
    }

    @Test
    void mbeanOnAMissingMBeanExitsOneWithTheError() {
        Cli r = pidbox("mbean", "get", "nosuch:type=Nothing", "--to", WEB1, "--timeout", "5s");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(r.out).contains("no MBean named nosuch:type=Nothing is registered");
    }
}
