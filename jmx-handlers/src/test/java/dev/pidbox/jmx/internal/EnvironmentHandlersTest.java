package dev.pidbox.jmx.internal;

import static dev.pidbox.jmx.internal.Calls.args;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.jmx.Redactor;
import dev.pidbox.spi.JsonValues;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvironmentHandlersTest {
    private final String savedCommand = System.getProperty("sun.java.command");

    @AfterEach
    void restoreProperties() {
        System.clearProperty("pidbox.test.db.password");
        System.clearProperty("pidbox.test.broker.url");
        System.clearProperty("pidbox.test.plain");
        if (savedCommand != null) {
            System.setProperty("sun.java.command", savedCommand);
        }
    }

    @Test
    void syspropsMasksSecretKeysAndUrlCredentials() throws Exception {
        System.setProperty("pidbox.test.db.password", "hunter2");
        System.setProperty("pidbox.test.broker.url", "amqp://bob:s3cret@rabbit:5672/");
        System.setProperty("pidbox.test.plain", "visible");
        Map<String, Object> reply = Calls.of(new EnvironmentHandlers()).map("sysprops", args("name", "pidbox.test.*"));
        assertThat(reply.get("properties")).isEqualTo(ordered(
                "pidbox.test.broker.url", "amqp://bob:******@rabbit:5672/",
                "pidbox.test.db.password", Redactor.MASK,
                "pidbox.test.plain", "visible"));
        assertThat(reply.get("masked")).isEqualTo(2);
        assertThat(JsonValues.encodeToString(reply)).doesNotContain("hunter2").doesNotContain("s3cret");
    }

    @Test
    void theCommandLineInSyspropsAndRuntimeIsMasked() throws Exception {
        System.setProperty("sun.java.command", "com.example.Main --password hunter2 --db=postgres://u:pw9@h/db");
        Map<String, Object> props = Calls.of(new EnvironmentHandlers()).map("sysprops", args("name", "sun.java.command"));
        assertThat(Calls.asMap(props.get("properties")).get("sun.java.command"))
                .isEqualTo("com.example.Main --password ****** --db=postgres://u:******@h/db");
        Map<String, Object> runtime = Calls.of(new RuntimeHandlers()).map("runtime");
        assertThat(runtime.get("command")).isEqualTo("com.example.Main --password ****** --db=postgres://u:******@h/db");
        assertThat(runtime.get("main_class")).isEqualTo("com.example.Main");
        assertThat(runtime.get("pid")).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void envMasksSecretVariablesAndUrlCredentials() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", "/home/app");
        env.put("DATABASE_URL", "postgres://app:pa55@db:5432/app");
        env.put("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI");
        env.put("GITHUB_TOKEN", "ghp_123");
        Map<String, Object> reply = Calls.of(new EnvironmentHandlers(() -> env)).map("env");
        assertThat(reply.get("variables")).isEqualTo(ordered(
                "AWS_SECRET_ACCESS_KEY", Redactor.MASK,
                "DATABASE_URL", "postgres://app:******@db:5432/app",
                "GITHUB_TOKEN", Redactor.MASK,
                "HOME", "/home/app"));
        assertThat(reply.get("count")).isEqualTo(4);
    }

    /**
     * A real child JVM started with a secret in its environment, its -D options and its program arguments:
     * env, runtime and sysprops show none of them.
     */
    @Test
    void aChildJvmsEnvironmentInputArgumentsAndCommandLineAreMasked() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Dapp.db.password=hunter2");
        cmd.add("-Dapp.broker=amqp://bob:s3cret@rabbit/");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DumpMain.class.getName());
        cmd.add("--token");
        cmd.add("tok-999");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PIDBOX_TEST_SECRET", "envsecret1");
        pb.environment().put("PIDBOX_TEST_URL", "https://alice:envpw2@example.org/");
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            out = new String(buf.toByteArray(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(0);
        Map<String, Object> reply = Calls.asMap(JsonValues.decode(out.substring(out.indexOf('{'))));
        Map<String, Object> env = Calls.asMap(Calls.asMap(reply.get("env")).get("variables"));
        assertThat(env).containsEntry("PIDBOX_TEST_SECRET", Redactor.MASK)
                .containsEntry("PIDBOX_TEST_URL", "https://alice:******@example.org/");
        Map<String, Object> runtime = Calls.asMap(reply.get("runtime"));
        assertThat((List<Object>) runtime.get("input_arguments"))
                .contains("-Dapp.db.password=******", "-Dapp.broker=amqp://bob:******@rabbit/");
        assertThat((String) runtime.get("command")).endsWith(DumpMain.class.getName() + " --token ******");
        Map<String, Object> props = Calls.asMap(Calls.asMap(reply.get("sysprops")).get("properties"));
        assertThat(props).containsEntry("app.db.password", Redactor.MASK)
                .containsEntry("app.broker", "amqp://bob:******@rabbit/");
        assertThat(out).doesNotContain("hunter2", "s3cret", "tok-999", "envsecret1", "envpw2");
    }

    /** The child JVM of the test above: prints env, runtime and sysprops as one JSON object. */
    public static final class DumpMain {
        public static void main(String[] args) throws Exception {
            Calls env = Calls.of(new EnvironmentHandlers());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("env", env.call("env", args("name", "PIDBOX_TEST_*")));
            out.put("runtime", Calls.of(new RuntimeHandlers()).call("runtime"));
            out.put("sysprops", env.call("sysprops", args("name", "app.*")));
            System.out.println(JsonValues.encodeToString(out));
        }
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }
}
