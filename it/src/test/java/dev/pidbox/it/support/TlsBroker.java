package dev.pidbox.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A second, unclustered RabbitMQ node on this machine with a TLS listener on 127.0.0.1 and certificate login
 * ({@code rabbitmq_auth_mechanism_ssl}), and the certificates for it made here with {@code openssl}: a CA, a server
 * certificate for {@code IP:127.0.0.1} only (so {@code localhost} fails host name verification), a client certificate
 * whose CN is a RabbitMQ user without a password, and a second CA that signed nothing the broker has. No private key
 * is checked in; everything lives in a temporary directory that {@link #close()} deletes with the node.
 */
public final class TlsBroker implements AutoCloseable {
    public static final String NODE = "rabbit3";
    public static final int TLS_PORT = 5674;
    public static final int TCP_PORT = 5675;
    public static final String CLIENT_USER = "pidbox-node1";

    private final Path dir;

    private TlsBroker(Path dir) {
        this.dir = dir;
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path otherCaPem() {
        return dir.resolve("other-ca.pem");
    }

    public Path clientPem() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** The client certificate and key as one PKCS#12 file, its password in {@link #clientP12Password()}. */
    public Path clientP12() {
        return dir.resolve("client.p12");
    }

    public Path clientP12Password() {
        return dir.resolve("client.p12.password");
    }

    /** {@code amqps://127.0.0.1:5674/}, without credentials: the client certificate logs in. */
    public String externalUri() {
        return "amqps://127.0.0.1:" + TLS_PORT + "/";
    }

    /** {@code amqps://guest:guest@127.0.0.1:5674/}: password login over TLS. */
    public String passwordUri() {
        return "amqps://guest:guest@127.0.0.1:" + TLS_PORT + "/";
    }

    /** Makes the certificates, starts the node and adds the certificate user. */
    public static TlsBroker start() throws Exception {
        Path dir = Files.createTempDirectory("pidbox-tls-broker");
        TlsBroker b = new TlsBroker(dir);
        try {
            b.certificates();
            b.node();
            return b;
        } catch (Exception | AssertionError e) {
            b.close();
            throw e;
        }
    }

    private void certificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=pidbox test CA");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem",
                "-days", "2", "-subj", "/CN=pidbox other CA");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=127.0.0.1");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "server.pem", "-days", "2", "-extfile", "server.ext");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj",
                "/CN=" + CLIENT_USER);
        openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "client.pem", "-days", "2");
        String password = "p12-" + System.nanoTime();
        Files.writeString(dir.resolve("client.p12.password"), password + "\n");
        openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-out", "client.p12", "-passout",
                "pass:" + password);
    }

    private void node() throws Exception {
        Files.writeString(dir.resolve("rabbit3.conf"), String.join("\n",
                "listeners.tcp.default = 127.0.0.1:" + TCP_PORT,
                "listeners.ssl.default = 127.0.0.1:" + TLS_PORT,
                "ssl_options.cacertfile = " + dir.resolve("ca.pem"),
                "ssl_options.certfile = " + dir.resolve("server.pem"),
                "ssl_options.keyfile = " + dir.resolve("server.key"),
                "ssl_options.verify = verify_peer",
                "ssl_options.fail_if_no_peer_cert = false",
                "ssl_options.versions.1 = tlsv1.3",
                "ssl_options.versions.2 = tlsv1.2",
                "auth_mechanisms.1 = EXTERNAL",
                "auth_mechanisms.2 = PLAIN",
                "ssl_cert_login_from = common_name",
                ""));
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_auth_mechanism_ssl].\n");
        run(Duration.ofSeconds(30), List.of("chown", "-R", "rabbitmq:rabbitmq", dir.toString()));
        List<String> cmd = List.of("env", "RABBITMQ_NODENAME=" + NODE, "RABBITMQ_NODE_PORT=" + TCP_PORT,
                "RABBITMQ_DIST_PORT=25675", "RABBITMQ_MNESIA_BASE=" + dir.resolve("mnesia"),
                "RABBITMQ_LOG_BASE=" + dir.resolve("log"), "RABBITMQ_PID_FILE=" + dir.resolve("pid"),
                "RABBITMQ_CONFIG_FILE=" + dir.resolve("rabbit3.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE=" + dir.resolve("enabled_plugins"), "rabbitmq-server", "-detached");
        TargetJvm.Result started = run(Duration.ofSeconds(60), cmd);
        if (started.exitCode != 0) {
            throw new AssertionError("rabbitmq-server for " + NODE + " failed: " + started);
        }
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        TargetJvm.Result status = null;
        while (System.nanoTime() < end) {
            status = ctl("await_startup");
            if (status.exitCode == 0) {
                break;
            }
            Thread.sleep(500);
        }
        if (status == null || status.exitCode != 0) {
            throw new AssertionError(NODE + " did not start: " + status);
        }
        ctlOk("add_user", CLIENT_USER, "unused-" + System.nanoTime());
        ctlOk("clear_password", CLIENT_USER);
        ctlOk("set_permissions", "-p", "/", CLIENT_USER, ".*", ".*", ".*");
    }

    /** {@code rabbitmqctl -n rabbit3 -q ARGS}. */
    public TargetJvm.Result ctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl", "-n", NODE, "-q"));
        cmd.addAll(Arrays.asList(args));
        return run(Duration.ofSeconds(60), cmd);
    }

    public TargetJvm.Result ctlOk(String... args) throws Exception {
        TargetJvm.Result r = ctl(args);
        if (r.exitCode != 0) {
            throw new AssertionError("rabbitmqctl -n " + NODE + " " + String.join(" ", args) + ": " + r);
        }
        return r;
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("sh");
        cmd.add("-c");
        StringBuilder line = new StringBuilder("cd '" + dir + "' && openssl");
        for (String a : args) {
            line.append(" '").append(a).append('\'');
        }
        cmd.add(line.toString());
        TargetJvm.Result r = run(Duration.ofSeconds(60), cmd);
        if (r.exitCode != 0) {
            throw new AssertionError("openssl " + String.join(" ", args) + ": " + r);
        }
    }

    private static TargetJvm.Result run(Duration timeout, List<String> cmd) throws Exception {
        return TargetJvm.run(timeout, cmd);
    }

    @Override
    public void close() {
        try {
            ctl("stop");
        } catch (Exception e) {
            // best effort
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leave it
        }
    }
}
