package dev.pidbox.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.Defaults;
import dev.pidbox.ExchangeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentOptionsTest {
    private static final Function<String, String> NO_ENV = k -> null;

    @TempDir
    Path dir;

    private static AgentOptions parse(String arguments) {
        return AgentOptions.parse(arguments, NO_ENV);
    }

    private static void assertBadOption(String arguments, String message) {
        assertThatThrownBy(() -> parse(arguments)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void withNothingGivenTheDefaultsApply() {
        AgentOptions o = parse(null);

        assertThat(o.brokerUri()).isEqualTo(Defaults.BROKER).isEqualTo("amqp://guest:guest@localhost:5672/");
        assertThat(o.namespace()).isEqualTo("jvm");
        assertThat(o.type()).isEqualTo(ExchangeType.FANOUT);
        assertThat(o.handlerThreads()).isEqualTo(2);
        assertThat(o.handlerTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.routed()).isFalse();
        assertThat(o.isStop()).isFalse();
        assertThat(o.replyUserId()).isNull();
        assertThat(o.tags()).isEmpty();
        assertThat(o.allow()).isEmpty();
        assertThat(o.deny()).isEmpty();
        assertThat(o.logFile()).isNull();
        assertThat(o.path("policy")).isNull();
        assertThat(o.get("node")).isNull();
        assertThat(o.tls().configured()).isFalse();
    }

    @Test
    void anEmptyArgumentStringIsTheDefaults() {
        assertThat(parse("").fingerprint()).isEqualTo(parse(null).fingerprint()).isEqualTo(parse(" , ").fingerprint());
    }

    @Test
    void everyKnownKeyIsAcceptedAsAnArgument() {
        for (String key : AgentOptions.KEYS.keySet()) {
            assertThat(AgentOptions.parseArguments(key + "=x")).containsEntry(key, "x");
        }
    }

    @Test
    void everyKeyHasAOneLineDescription() {
        assertThat(AgentOptions.KEYS.values()).allSatisfy(d -> assertThat(d).isNotBlank().doesNotContain("\n"));
    }

    @Test
    void argumentsAreCommaSeparatedKeyValuePairsTrimmed() {
        assertThat(AgentOptions.parseArguments(" namespace = ops ,, node=a.1@h,")).containsExactly(
                Map.entry("namespace", "ops"), Map.entry("node", "a.1@h"));
    }

    @Test
    void aValueMayHoldEqualsSigns() {
        assertThat(parse("tags=env=prod;team=orders").tags()).containsExactly(Map.entry("env", "prod"),
                Map.entry("team", "orders"));
    }

    @Test
    void anOptionWithoutAnEqualsSignIsRefused() {
        assertBadOption("namespace", "option 'namespace' is not key=value");
    }

    @Test
    void anOptionWithoutAKeyIsRefused() {
        assertBadOption("=ops", "option '=ops' is not key=value");
    }

    @Test
    void anUnknownOptionIsRefusedWithTheKnownOnes() {
        assertBadOption("bogus=1", "unknown option 'bogus' (known: " + String.join(", ", AgentOptions.KEYS.keySet())
                + ")");
    }

    @Test
    void optionsAreCaseSensitive() {
        assertThatThrownBy(() -> parse("Namespace=ops")).hasMessageStartingWith("unknown option 'Namespace'");
    }

    @Test
    void handlerThreadsRunFromOneToSixtyFour() {
        assertThat(parse("handler-threads=1").handlerThreads()).isEqualTo(1);
        assertThat(parse("handler-threads=64").handlerThreads()).isEqualTo(64);
        for (String bad : new String[] {"0", "65", "two", "-1"}) {
            assertBadOption("handler-threads=" + bad, "handler-threads must be a number from 1 to 64, got '" + bad + "'");
        }
    }

    @Test
    void handlerTimeoutIsAPositiveNumberOfSeconds() {
        assertThat(parse("handler-timeout=0.5").handlerTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("handler-timeout=120").handlerTimeout()).isEqualTo(Duration.ofMinutes(2));
        for (String bad : new String[] {"0", "-3", "1s"}) {
            assertBadOption("handler-timeout=" + bad, "handler-timeout must be a positive number of seconds, got '"
                    + bad + "'");
        }
    }

    @Test
    void theNamespaceMustBePrintableAsciiWithoutSpaces() {
        assertThat(parse("namespace=celery").namespace()).isEqualTo("celery");
        assertBadOption("namespace=my ns", "namespace must be printable ASCII without spaces, got 'my ns'");
        assertBadOption("namespace=caf\u00e9", "namespace must be printable ASCII without spaces, got 'caf\u00e9'");
    }

    @Test
    void theTypeIsFanoutOrDirect() {
        assertThat(parse("type=direct").type()).isEqualTo(ExchangeType.DIRECT);
        assertThat(parse("type=FANOUT").type()).isEqualTo(ExchangeType.FANOUT);
        assertBadOption("type=topic", "unknown mailbox type 'topic' (expected direct or fanout)");
    }

    @Test
    void theCommandIsStartOrStop() {
        assertThat(parse("command=stop").isStop()).isTrue();
        assertThat(parse("command=start").isStop()).isFalse();
        assertBadOption("command=restart", "command must be start or stop, got 'restart'");
    }

    @Test
    void routedIsTrueOrFalseAndSaidWhenRead() {
        assertThat(parse("routed=true").routed()).isTrue();
        AgentOptions maybe = parse("routed=maybe");
        assertThatThrownBy(maybe::routed).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("routed must be true or false, got 'maybe'");
    }

    @Test
    void anEmptyReloadFileIsRefused() {
        assertBadOption("reload-file=", "reload-file must name a file");
    }

    @Test
    void aTagWithoutAValueIsRefused() {
        assertBadOption("tags=env=prod;orders", "tag 'orders' is not key=value (tags=env=prod;team=orders)");
    }

    @Test
    void tagsAreTrimmedAndEmptyOnesSkipped() {
        assertThat(parse("tags= env = prod ;; team=orders;").tags()).containsExactly(Map.entry("env", "prod"),
                Map.entry("team", "orders"));
    }

    @Test
    void allowAndDenyAreGlobsSeparatedBySemicolons() {
        AgentOptions o = parse("allow=jmx.* ; threads;;,deny=jmx.invoke");

        assertThat(o.allow()).containsExactly("jmx.*", "threads");
        assertThat(o.deny()).containsExactly("jmx.invoke");
    }

    @Test
    void aMalformedBrokerUriIsRefused() {
        assertThatThrownBy(() -> parse("broker=http://rabbit/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid broker URI 'http://rabbit/'");
    }

    @Test
    void everyBrokerOfAClusterIsChecked() {
        assertThat(parse("broker=amqp://a:5672/;amqp://b:5672/").brokerUri()).isEqualTo("amqp://a:5672/;amqp://b:5672/");
        assertThatThrownBy(() -> parse("broker=amqp://a:5672/;http://b/"))
                .hasMessageStartingWith("invalid broker URI 'http://b/'");
    }

    @Test
    void fileOptionsArePaths() {
        AgentOptions o = parse("log-file=/var/log/pidbox.log,policy=/etc/pidbox/policy,trusted-keys=/etc/pidbox/keys.pem"
                + ",audit-file=/var/log/audit.jsonl,reload-file=/etc/app.properties");

        assertThat(o.logFile()).isEqualTo(Paths.get("/var/log/pidbox.log"));
        assertThat(o.path("policy")).isEqualTo(Paths.get("/etc/pidbox/policy"));
        assertThat(o.path("trusted-keys")).isEqualTo(Paths.get("/etc/pidbox/keys.pem"));
        assertThat(o.path("audit-file")).isEqualTo(Paths.get("/var/log/audit.jsonl"));
        assertThat(o.path("reload-file")).isEqualTo(Paths.get("/etc/app.properties"));
    }

    @Test
    void theNodeNameAndAppNameAreReadAsGiven() {
        AgentOptions o = parse("node=orders.1@web1,name=orders,audit-exchange=pidbox.audit");

        assertThat(o.get("node")).isEqualTo("orders.1@web1");
        assertThat(o.get("name", "Main")).isEqualTo("orders");
        assertThat(o.get("audit-exchange")).isEqualTo("pidbox.audit");
    }

    @Test
    void replyUserIdIsOffANameOrAuto() {
        assertThat(parse("reply-user-id=off").replyUserId()).isNull();
        assertThat(parse("reply-user-id=svc-web1").replyUserId()).isEqualTo("svc-web1");
        assertThat(parse("reply-user-id=auto").replyUserId()).isEqualTo("guest");
    }

    @Test
    void replyUserIdAutoWithoutAUserToTakeIsRefused() {
        assertBadOption("broker=amqp://rabbit/,reply-user-id=auto", "reply-user-id=auto needs a user in the broker URI"
                + " or a tls-cert to take it from; give the user name instead");
    }

    @Test
    void theBrokerPasswordComesFromItsFileAndReplacesTheUris() throws IOException {
        Path secret = file("password", "s3cr:t/ x\n");

        AgentOptions o = parse("broker=amqp://pidbox:old@rabbit:5672/prod,broker-password-file=" + secret);

        assertThat(o.brokerUri()).isEqualTo("amqp://pidbox:s3cr%3At%2F%20x@rabbit:5672/prod");
    }

    @Test
    void aPasswordFileWithoutAUserInTheUriLogsInAsGuest() throws IOException {
        Path secret = file("password", "pw");

        assertThat(parse("broker=amqp://rabbit/,broker-password-file=" + secret).brokerUri())
                .isEqualTo("amqp://guest:pw@rabbit/");
        assertThat(parse("broker=amqp://svc@rabbit/,broker-password-file=" + secret).brokerUri())
                .isEqualTo("amqp://svc:pw@rabbit/");
    }

    @Test
    void aMissingPasswordFileIsABadOptionNamedAtStart() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> parse("broker-password-file=" + missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read broker-password-file " + missing + ": ");
    }

    @Test
    void theFingerprintHidesThePasswordAndIgnoresTheCommand() throws IOException {
        Path secret = file("password", "fromfile");
        AgentOptions o = parse("broker=amqp://u:inuri@rabbit/,broker-password-file=" + secret);

        assertThat(o.fingerprint()).doesNotContain("inuri").doesNotContain("fromfile").contains("amqp://u:***@rabbit/");
        assertThat(parse("namespace=a,command=stop").fingerprint()).isEqualTo(parse("namespace=a").fingerprint());
        assertThat(parse("namespace=b").fingerprint()).isNotEqualTo(parse("namespace=a").fingerprint());
    }

    @Test
    void theHandlerConfigurationLeavesSecretsOutAndAcceptsDotsAndUnderscores() throws IOException {
        Function<String, String> config = parse("handler-threads=3,broker-password-file=" + file("pw", "x")).asConfig();

        assertThat(config.apply("handler-threads")).isEqualTo("3");
        assertThat(config.apply("handler.threads")).isEqualTo("3");
        assertThat(config.apply("handler_threads")).isEqualTo("3");
        assertThat(config.apply("broker-password-file")).isNull();
    }

    @Test
    void eachKeyIsReadFromItsPidboxVariable() {
        Map<String, String> env = Map.of("PIDBOX_NAMESPACE", "ops", "PIDBOX_HANDLER_THREADS", "4",
                "PIDBOX_AUDIT_EXCHANGE", "audit", "PIDBOX_REPLY_USER_ID", "svc");

        AgentOptions o = AgentOptions.parse(null, env::get);

        assertThat(o.namespace()).isEqualTo("ops");
        assertThat(o.handlerThreads()).isEqualTo(4);
        assertThat(o.get("audit-exchange")).isEqualTo("audit");
        assertThat(o.replyUserId()).isEqualTo("svc");
    }

    @Test
    void argumentsOverrideVariables() {
        AgentOptions o = AgentOptions.parse("namespace=fromargs", Map.of("PIDBOX_NAMESPACE", "fromenv")::get);

        assertThat(o.namespace()).isEqualTo("fromargs");
    }

    @Test
    void anEmptyVariableCountsAsUnset() {
        assertThat(AgentOptions.parse(null, Map.of("PIDBOX_NAMESPACE", "")::get).namespace()).isEqualTo("jvm");
    }

    @Test
    void anEmptyArgumentHidesTheVariableSoTheDefaultApplies() {
        assertThat(AgentOptions.parse("namespace=", Map.of("PIDBOX_NAMESPACE", "ops")::get).namespace())
                .isEqualTo("jvm");
    }

    @Test
    void aBadVariableIsRefusedLikeABadArgument() {
        assertThatThrownBy(() -> AgentOptions.parse(null, Map.of("PIDBOX_HANDLER_THREADS", "many")::get))
                .hasMessage("handler-threads must be a number from 1 to 64, got 'many'");
    }

    @Test
    void theConfigFileGivesOptionsTrimmed() throws IOException {
        Path config = file("agent.properties", "namespace = fromfile  \nhandler-threads=3\ntags=env=prod\n");

        AgentOptions o = parse("config=" + config);

        assertThat(o.namespace()).isEqualTo("fromfile");
        assertThat(o.handlerThreads()).isEqualTo(3);
        assertThat(o.tags()).containsExactly(Map.entry("env", "prod"));
    }

    @Test
    void argumentsOverrideTheConfigFileWhichOverridesVariables() throws IOException {
        Path config = file("agent.properties", "namespace=fromfile\nhandler-threads=3\n");
        Map<String, String> env = Map.of("PIDBOX_NAMESPACE", "fromenv", "PIDBOX_HANDLER_THREADS", "5",
                "PIDBOX_NODE", "env.1@h");

        AgentOptions o = AgentOptions.parse("config=" + config + ",handler-threads=7", env::get);

        assertThat(o.handlerThreads()).isEqualTo(7);
        assertThat(o.namespace()).isEqualTo("fromfile");
        assertThat(o.get("node")).isEqualTo("env.1@h");
    }

    @Test
    void theConfigFileCanBeNamedByPidboxConfig() throws IOException {
        Path config = file("agent.properties", "namespace=fromfile\n");

        assertThat(AgentOptions.parse(null, Map.of("PIDBOX_CONFIG", config.toString())::get).namespace())
                .isEqualTo("fromfile");
    }

    @Test
    void theConfigArgumentWinsOverPidboxConfig() throws IOException {
        Path args = file("args.properties", "namespace=fromargsfile\n");
        Path env = file("env.properties", "namespace=fromenvfile\n");

        assertThat(AgentOptions.parse("config=" + args, Map.of("PIDBOX_CONFIG", env.toString())::get).namespace())
                .isEqualTo("fromargsfile");
    }

    @Test
    void aConfigFileCannotNameAnotherConfigFile() throws IOException {
        Path config = file("agent.properties", "config=" + dir.resolve("missing.properties") + "\nnamespace=ops\n");

        AgentOptions o = parse("config=" + config);

        assertThat(o.namespace()).isEqualTo("ops");
        assertThat(o.get("config")).isEqualTo(config.toString());
    }

    @Test
    void anUnknownKeyInTheConfigFileIsRefused() throws IOException {
        Path config = file("agent.properties", "namespace=ops\nzeta=1\nbogus=2\n");

        assertThatThrownBy(() -> parse("config=" + config)).hasMessageStartingWith("unknown option 'bogus' (known: ");
    }

    @Test
    void aMissingConfigFileIsABadOption() {
        Path missing = dir.resolve("missing.properties");

        assertThatThrownBy(() -> parse("config=" + missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read config file " + missing + ": java.nio.file.NoSuchFileException");
    }

    @Test
    void theBrokerPasswordFileCanBeNamedInTheConfigFile() throws IOException {
        Path secret = file("password", "pw");
        Path config = file("agent.properties", "broker=amqp://svc@rabbit/\nbroker-password-file=" + secret + "\n");

        assertThat(parse("config=" + config).brokerUri()).isEqualTo("amqp://svc:pw@rabbit/");
    }

    @Test
    void anUnreadableCaFileIsABadOptionNamedAtStart() {
        assertThatThrownBy(() -> AgentOptions.parse("broker=amqps://rabbit:5671/,tls-ca=" + dir.resolve("nope.pem"),
                k -> null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read tls-ca " + dir.resolve("nope.pem"));
    }

    @Test
    void aCaFileWithoutACertificateIsABadOptionToo() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertThatThrownBy(() -> AgentOptions.parse("broker=amqps://rabbit:5671/,tls-ca=" + junk, k -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls-ca " + junk);
    }

    @Test
    void tlsOptionsNeedAnAmqpsUri() {
        assertThatThrownBy(() -> AgentOptions.parse("broker=amqp://rabbit/,tls-insecure=true", k -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need an amqps:// broker URI");
    }

    @Test
    void replyUserIdAutoTakesTheUriUser() {
        assertThat(AgentOptions.parse("broker=amqp://pidbox-web1:pw@rabbit/,reply-user-id=auto", k -> null)
                .replyUserId()).isEqualTo("pidbox-web1");
        assertThat(AgentOptions.parse("broker=amqp://u:pw@rabbit/", k -> null).replyUserId()).isNull();
    }
}
