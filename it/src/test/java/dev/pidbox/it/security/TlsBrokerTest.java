package dev.pidbox.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;

import dev.pidbox.Mailbox;
import dev.pidbox.Node;
import dev.pidbox.PidboxException;
import dev.pidbox.Tls;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.it.support.TestNodes;
import dev.pidbox.it.support.TlsBroker;
import dev.pidbox.spi.JsonValues;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library, the shipped CLI and the shipped agent against a RabbitMQ node with a TLS listener and certificate
 * login, with certificates made by the test: the CA is trusted per connection, host names are verified, a client
 * certificate logs in without a password (SASL EXTERNAL), and the host JVM's javax.net.ssl properties stay as they
 * were.
 */
@RabbitMQ.Required
class TlsBrokerTest {
    private static TlsBroker broker;

    @BeforeAll
    static void startTheTlsNode() throws Exception {
        broker = TlsBroker.start();
    }

    @AfterAll
    static void stopTheTlsNode() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Tls tls(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return Tls.fromConfig(m::get);
    }

    private static Tls client() {
        return tls(Tls.CA, broker.caPem().toString(), Tls.CERT, broker.clientPem().toString(), Tls.KEY,
                broker.clientKey().toString());
    }

    @Test
    void theLibraryTrustsTheGivenCaVerifiesTheHostAndSpeaksTls13Or12() throws Exception {
        try (Connection c = Brokers.connect(broker.passwordUri(), "pidbox-it-tls", tls(Tls.CA,
                broker.caPem().toString()))) {
            assertThat(c.isOpen()).isTrue();
            String connections = broker.ctlOk("list_connections", "user", "auth_mechanism", "ssl_protocol").out;
            assertThat(connections).contains("guest").contains("PLAIN").containsPattern("tlsv1\\.[23]");
        }
    }

    @Test
    void aClientCertificateLogsInWithExternalAndNoPassword() throws Exception {
        try (Connection c = Brokers.connect(broker.externalUri(), "pidbox-it-tls-external", client())) {
            assertThat(c.isOpen()).isTrue();
            String connections = broker.ctlOk("list_connections", "user", "auth_mechanism", "ssl_protocol").out;
            assertThat(connections).contains(TlsBroker.CLIENT_USER).contains("EXTERNAL");
            assertThat(connections).containsPattern("tlsv1\\.[23]");
        }
    }

    @Test
    void aPkcs12ClientCertificateWithItsPasswordFileLogsInToo() throws Exception {
        Tls p12 = tls(Tls.CA, broker.caPem().toString(), Tls.CERT, broker.clientP12().toString(),
                Tls.KEY_PASSWORD_FILE, broker.clientP12Password().toString());
        try (Connection c = Brokers.connect(broker.externalUri(), "pidbox-it-tls-p12", p12)) {
            assertThat(c.isOpen()).isTrue();
            assertThat(broker.ctlOk("list_connections", "user", "auth_mechanism").out)
                    .contains(TlsBroker.CLIENT_USER + "\tEXTERNAL");
        }
        Tls wrongPassword = tls(Tls.CA, broker.caPem().toString(), Tls.CERT, broker.clientP12().toString());
        assertThatThrownBy(() -> Brokers.connect(broker.externalUri(), "pidbox-it-tls-p12-bad", wrongPassword))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a readable PKCS#12 file");
    }

    @Test
    void theClientCertificatesCommonNameIsTheUserItLogsInAs() {
        assertThat(client().clientCommonName()).isEqualTo(TlsBroker.CLIENT_USER);
        assertThat(tls(Tls.CERT, broker.clientP12().toString(), Tls.KEY_PASSWORD_FILE,
                broker.clientP12Password().toString()).clientCommonName()).isEqualTo(TlsBroker.CLIENT_USER);
    }

    @Test
    void aBrokerCertificateFromAnotherCaIsRefusedWithThatCause() {
        assertThatThrownBy(() -> Brokers.connect(broker.passwordUri(), "pidbox-it-tls-other-ca",
                tls(Tls.CA, broker.otherCaPem().toString()))).isInstanceOf(PidboxException.class)
                .hasMessageContaining("the broker's certificate is not signed by a CA this connection trusts");
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefusedWithThatCause() {
        // The server certificate names IP:127.0.0.1 only.
        String byName = "amqps://guest:guest@localhost:" + TlsBroker.TLS_PORT + "/";
        assertThatThrownBy(() -> Brokers.connect(byName, "pidbox-it-tls-host", tls(Tls.CA, broker.caPem().toString())))
                .isInstanceOf(PidboxException.class)
                .hasMessageContaining("the broker's certificate does not name the host in the URI");
    }

    @Test
    void withoutACaAnAmqpsUriUsesTheJvmTrustStoreAndRefusesAPrivateCa() {
        assertThatThrownBy(() -> Brokers.connect(broker.passwordUri(), "pidbox-it-tls-default"))
                .isInstanceOf(PidboxException.class)
                .hasMessageContaining("not signed by a CA this connection trusts (the JVM's trust store; set tls-ca");
    }

    @Test
    void tlsInsecureConnectsWithoutTheCaAndWarnsEveryTime() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                TargetJvm.cliJar().toString(), "--broker",
                broker.passwordUri(), "--namespace", RabbitMQ.uniqueNamespace("tls-insecure"), "--tls-insecure",
                "ping", "--timeout", "300ms"));
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err).contains("WARNING tls-insecure=true: the certificate of amqps://guest:***@127.0.0.1:"
                + TlsBroker.TLS_PORT + "/ is not checked");
    }

    @Test
    void tlsSettingsWithAPlainUriAreAMistakeThatIsNamed() {
        assertThatThrownBy(() -> Brokers.connect(RabbitMQ.uri(), "pidbox-it-tls-plain", tls(Tls.CA, "/x/ca.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use amqps://");
    }

    @Test
    void theShippedAgentAndCliWorkOverTlsWithCertificatesAndLeaveTheHostsSslPropertiesAlone() throws Exception {
        String namespace = RabbitMQ.uniqueNamespace("tls");
        // A node in this JVM over TLS as well, so the CLI has something to ask before the agent is there.
        try (Connection nodeConnection = Brokers.connect(broker.externalUri(), "pidbox-it-tls-node", client())) {
            Node node = Mailbox.builder(namespace).build().bind(nodeConnection).node("tls-lib@it")
                    .handlers(TestNodes.standard(new CopyOnWriteArrayList<>())).build().listen();
            try {
                TargetJvm.Result ping = cli(namespace, "call", "ping", "--to", "tls-lib@it", "--timeout", "5s");
                assertThat(ping.exitCode).as(ping.toString()).isZero();
                assertThat(ping.out).contains("pong");

                TargetJvm target = TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(), List.of(),
                        "dev.pidbox.it.target.SleeperApp", "stdin").awaitReady();
                try {
                    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
                    TargetJvm.Result attach = TargetJvm.run(Duration.ofSeconds(60), List.of(java, "-jar",
                            TargetJvm.agentJar().toString(), "attach", Long.toString(target.pid()),
                            "broker=" + broker.externalUri(), "namespace=" + namespace, "node=tls-agent@it",
                            "tls-ca=" + broker.caPem(), "tls-cert=" + broker.clientPem(),
                            "tls-key=" + broker.clientKey(), "reply-user-id=auto"));
                    assertThat(attach.exitCode).as(attach.toString()).isZero();
                    assertThat(attach.out).contains("node tls-agent@it listening on amqps://127.0.0.1:"
                            + TlsBroker.TLS_PORT);

                    // reply-user-id=auto took the certificate's CN: RabbitMQ accepted replies carrying it.
                    TargetJvm.Result sysprops = cli(namespace, "-o", "json", "call", "sysprops", "--to",
                            "tls-agent@it", "--timeout", "10s");
                    assertThat(sysprops.exitCode).as(sysprops.toString()).isZero();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> doc = (Map<String, Object>) JsonValues.decode(sysprops.out);
                    String props = String.valueOf(((Map<?, ?>) doc.get("replies")).get("tls-agent@it"));
                    assertThat(props).contains("java.version").doesNotContain("javax.net.ssl");
                } finally {
                    target.close();
                }
            } finally {
                node.close();
            }
        }
    }

    private static TargetJvm.Result cli(String namespace, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", TargetJvm.cliJar().toString(),
                "--broker", broker.externalUri(), "--namespace", namespace, "--tls-ca", broker.caPem().toString(),
                "--tls-cert", broker.clientPem().toString(), "--tls-key", broker.clientKey().toString()));
        cmd.addAll(List.of(args));
        return TargetJvm.run(Duration.ofSeconds(60), cmd);
    }
}
