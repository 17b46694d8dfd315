package dev.pidbox.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.it.faults.Ctl;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.jmx.Redactor;
import dev.pidbox.spi.JsonValues;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Redactor against a golden file ({@code redaction-golden.tsv}: kind, input, expected), and end to end: a
 * child JVM started with secret {@code -D} options, agent options and program arguments, asked over the broker
 * for {@code sysprops} and {@code runtime}, shows no secret anywhere in the reply.
 */
class RedactionGoldenTest {
    private static final Redactor REDACTOR = Redactor.standard();

    static Stream<Arguments> golden() throws Exception {
        List<Arguments> rows = new ArrayList<>();
        try (InputStream in = RedactionGoldenTest.class.getResourceAsStream("/redaction-golden.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 3) {
                    throw new IllegalStateException("redaction-golden.tsv line " + n + " has " + f.length
                            + " tab-separated fields, expected 3: " + line);
                }
                rows.add(Arguments.of(n, f[0], f[1], f[2]));
            }
        }
        assertThat(rows).hasSizeGreaterThan(40);
        return rows.stream();
    }

    static String redact(String kind, String input) {
        switch (kind) {
            case "cmd":
                return REDACTOR.commandLine(input);
            case "arg":
                return REDACTOR.arguments(List.of(input)).get(0);
            case "prop":
            case "env": {
                int eq = input.indexOf('=');
                String key = input.substring(0, eq);
                return key + "=" + REDACTOR.value(key, input.substring(eq + 1));
            }
            case "url":
                return REDACTOR.urls(input);
            default:
                throw new IllegalArgumentException("unknown kind '" + kind + "' in redaction-golden.tsv");
        }
    }

    @ParameterizedTest(name = "line {0}: {1} {2}")
    @MethodSource("golden")
    void redactsAsTheGoldenFileSays(int line, String kind, String input, String expected) {
        assertThat(redact(kind, input)).as("redaction-golden.tsv line %d (%s): %s", line, kind, input).isEqualTo(expected);
    }

    // ---------------------------------------------------------------------------- end to end

    /** Secret values a child JVM is started with; none may appear in any reply. */
    private static final List<String> SECRETS = List.of("HUNTER2-SYSPROP", "KSPW-4711", "TOKEN-D-8812", "URLPW-5150",
            "ARGPW-9001", "ARGTOKEN-777", "ARGURLPW-31337", "guest:guest");

    @Test
    @RabbitMQ.Required
    @SuppressWarnings("unchecked")
    void sysPropsAndRuntimeOfAChildJvmShowNoSecret() throws Exception {
        String namespace = RabbitMQ.uniqueNamespace("redact");
        String node = "redact@it";
        List<String> jvmOptions = List.of(
                "-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace + ",node=" + node,
                "-Dspring.datasource.password=HUNTER2-SYSPROP",
                "-Djavax.net.ssl.keyStorePassword=KSPW-4711",
                "-Dapi.token=TOKEN-D-8812",
                "-Dspring.datasource.url=jdbc:postgresql://app:URLPW-5150@db:5432/app",
                "-Dfoo=bar");
        try (Connection connection = RabbitMQ.connect("pidbox-it-redact");
                TargetJvm target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(), jvmOptions,
                        "dev.pidbox.it.target.SleeperApp", "stdin", "--password=ARGPW-9001", "--token", "ARGTOKEN-777",
                        "--db=jdbc:postgresql://u:ARGURLPW-31337@h/db")) {
            target.awaitReady();
            Mailbox mailbox = Mailbox.builder(namespace).build().bind(connection);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !mailbox.call(List.of(node), "ping", Map.of(), Duration.ofMillis(500)).replies().isEmpty());

            CallResult sysprops = mailbox.call(List.of(node), "sysprops", Map.of(), Duration.ofSeconds(10));
            CallResult runtime = mailbox.call(List.of(node), "runtime", Map.of(), Duration.ofSeconds(10));
            String sysJson = new String(JsonValues.encode(sysprops.byNode()), StandardCharsets.UTF_8);
            String rtJson = new String(JsonValues.encode(runtime.byNode()), StandardCharsets.UTF_8);
            Map<String, Object> props = (Map<String, Object>) ((Map<String, Object>) sysprops.byNode().get(node))
                    .get("properties");
            Map<String, Object> rt = (Map<String, Object>) runtime.byNode().get(node);
            System.err.println("redaction e2e: sysprops masked " + ((Map<String, Object>) sysprops.byNode().get(node))
                    .get("masked") + " values; runtime command: " + rt.get("command") + "; input_arguments: "
                    + rt.get("input_arguments"));

            // The replies carry the data, masked, not nothing.
            assertThat(props).containsEntry("foo", "bar").containsEntry("spring.datasource.password", Redactor.MASK)
                    .containsEntry("javax.net.ssl.keyStorePassword", Redactor.MASK).containsEntry("api.token", Redactor.MASK);
            assertThat((String) props.get("sun.java.command")).contains("SleeperApp", "--password=" + Redactor.MASK);
            assertThat((List<String>) rt.get("input_arguments")).contains("-Dfoo=bar", "-Dapi.token=" + Redactor.MASK);
            for (String secret : SECRETS) {
                assertThat(sysJson).as("sysprops reply JSON").doesNotContain(secret);
                assertThat(rtJson).as("runtime reply JSON").doesNotContain(secret);
            }
            mailbox.close();
        } finally {
            Ctl.deleteExchangesOf(namespace);
        }
    }
}
