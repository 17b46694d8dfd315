package dev.pidbox.it.realapps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two artifacts a user downloads, driven as a user drives them: {@code java -jar pidbox-agent.jar attach} and
 * {@code java -jar pidbox.jar -o json call ...}, each as its own process, against the test RabbitMQ in a namespace
 * of the suite's own. The agent runs with a policy that allows every tier, so mutate and dangerous handlers can be
 * shown working.
 */
final class Shipped {
    private static final Pattern ATTACHED = Pattern.compile("node (\\S+) listening");

    final String namespace;
    private final Path policy;

    Shipped(String what) {
        this.namespace = RabbitMQ.uniqueNamespace("realapps-" + what);
        try {
            policy = Files.createTempFile("pidbox-realapps-policy", ".properties");
            Files.writeString(policy, "tier.read = allow\ntier.mutate = allow\ntier.dangerous = allow\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path cliJar() {
        Path jar = TargetJvm.cliJar();
        assertThat(jar).as("the shipped CLI (build with ./mvnw -B verify)").isRegularFile();
        return jar;
    }

    private List<String> agentOptions(String name) {
        return List.of("broker=" + RabbitMQ.uri(), "namespace=" + namespace, "name=" + name, "policy=" + policy);
    }

    /** The {@code -javaagent:} option that starts a node named {@code name.<pid>@<host>} with the JVM. */
    String javaagent(String name) {
        return "-javaagent:" + TargetJvm.agentJar() + "=" + String.join(",", agentOptions(name));
    }

    /** Attaches the shipped agent to a running JVM; returns the node's name. */
    String attach(long pid, String name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", TargetJvm.agentJar().toString(), "attach",
                Long.toString(pid)));
        cmd.addAll(agentOptions(name));
        TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(60), cmd);
        assertThat(r.exitCode).as("attach: %s", r).isZero();
        Matcher m = ATTACHED.matcher(r.out);
        assertThat(m.find()).as("attach names its node: %s", r).isTrue();
        return m.group(1);
    }

    /** The node name a {@code -javaagent} JVM gets. */
    static String nodeName(String name, long pid) throws Exception {
        return name + "." + pid + "@" + hostName();
    }

    private static String hostName() throws IOException {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        return java.net.InetAddress.getLocalHost().getHostName();
    }

    /** {@code pidbox -o json ARGS}: the JSON document it printed (any exit code). */
    Map<String, Object> pidbox(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", cliJar().toString(), "--broker", RabbitMQ.uri(),
                "--namespace", namespace, "-o", "json"));
        cmd.addAll(List.of(args));
        TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(90), cmd);
        try {
            return Calls.map(JsonValues.decode(r.out));
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("pidbox printed no JSON document: " + r, e);
        }
    }

    /** Calls one node and returns its reply value; fails when the node answered an error or did not answer. */
    Object call(String node, String method, Object... keyValues) throws Exception {
        Map<String, Object> doc = pidbox(callArgs(node, method, keyValues));
        Map<String, Object> replies = Calls.map(doc.get("replies"));
        assertThat(Calls.map(doc.get("errors"))).as("%s on %s answered an error", method, node).doesNotContainKey(node);
        assertThat(replies).as("%s on %s: %s", method, node, doc).containsKey(node);
        return replies.get(node);
    }

    Map<String, Object> callMap(String node, String method, Object... keyValues) throws Exception {
        return Calls.map(call(node, method, keyValues));
    }

    /** Calls one node and returns the error it answered; fails when it answered a value. */
    String callError(String node, String method, Object... keyValues) throws Exception {
        Map<String, Object> doc = pidbox(callArgs(node, method, keyValues));
        Map<String, Object> errors = Calls.map(doc.get("errors"));
        assertThat(errors).as("%s on %s should fail: %s", method, node, doc).containsKey(node);
        return String.valueOf(errors.get(node));
    }

    private static String[] callArgs(String node, String method, Object... keyValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            args.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new String[] {"call", method, "--to", node, "--timeout", "30s", "--args-json", JsonValues.encodeToString(args)};
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Small casts for JSON values. */
    static final class Calls {
        private Calls() {
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> map(Object o) {
            assertThat(o).as("a JSON object").isInstanceOf(Map.class);
            return (Map<String, Object>) o;
        }

        @SuppressWarnings("unchecked")
        static List<Map<String, Object>> rows(Object o) {
            assertThat(o).as("a JSON array").isInstanceOf(List.class);
            return (List<Map<String, Object>>) o;
        }
    }
}
