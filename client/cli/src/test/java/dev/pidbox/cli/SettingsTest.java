package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pidbox.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags, then PIDBOX_* variables, then ~/.config/pidbox/config.properties, then defaults. */
class SettingsTest {
    @TempDir
    Path home;

    private void writeConfig(String text) throws IOException {
        Path file = home.resolve(".config/pidbox/config.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void withNothingSetTheDefaultsApply() {
        Settings s = new Settings(Map.<String, String>of()::get, home);

        assertThat(s.broker(null)).isEqualTo("amqp://guest:guest@localhost:5672/");
        assertThat(s.namespace(null)).isEqualTo("jvm");
        assertThat(s.type(null)).isEqualTo("fanout");
        assertThat(s.timeout(null)).isEqualTo("1s");
    }

    @Test
    void theConfigFileOverridesTheDefaults() throws IOException {
        writeConfig("broker=amqp://file:5672/\nnamespace=fromfile\ntype=direct\ntimeout=3s\n");
        Settings s = new Settings(Map.<String, String>of()::get, home);

        assertThat(s.broker(null)).isEqualTo("amqp://file:5672/");
        assertThat(s.namespace(null)).isEqualTo("fromfile");
        assertThat(s.type(null)).isEqualTo("direct");
        assertThat(s.timeout(null)).isEqualTo("3s");
    }

    @Test
    void environmentVariablesOverrideTheConfigFile() throws IOException {
        writeConfig("broker=amqp://file:5672/\nnamespace=fromfile\ntype=direct\ntimeout=3s\n");
        Map<String, String> env = Map.of("PIDBOX_BROKER", "amqp://env:5672/", "PIDBOX_NAMESPACE", "fromenv",
                "PIDBOX_TYPE", "fanout", "PIDBOX_TIMEOUT", "250ms");
        Settings s = new Settings(env::get, home);

        assertThat(s.broker(null)).isEqualTo("amqp://env:5672/");
        assertThat(s.namespace(null)).isEqualTo("fromenv");
        assertThat(s.type(null)).isEqualTo("fanout");
        assertThat(s.timeout(null)).isEqualTo("250ms");
    }

    @Test
    void flagsOverrideEverything() throws IOException {
        writeConfig("broker=amqp://file:5672/\nnamespace=fromfile\n");
        Settings s = new Settings(Map.of("PIDBOX_BROKER", "amqp://env:5672/", "PIDBOX_NAMESPACE", "fromenv")::get, home);

        assertThat(s.broker("amqp://flag:5672/")).isEqualTo("amqp://flag:5672/");
        assertThat(s.namespace("celery")).isEqualTo("celery");
    }

    @Test
    void anEmptyVariableCountsAsUnset() throws IOException {
        writeConfig("namespace=fromfile\n");
        Settings s = new Settings(Map.of("PIDBOX_NAMESPACE", "")::get, home);

        assertThat(s.namespace(null)).isEqualTo("fromfile");
    }

    @Test
    void theBrokerInTheConfigFileIsTheOneTheCliTries() throws IOException {
        writeConfig("broker=amqp://guest:guest@127.0.0.1:1/\n");

        CliRun r = CliRun.run(Map.of(), home, "ping");

        assertThat(r.exitCode).isEqualTo(4);
        assertThat(r.err).contains("broker unreachable at amqp://guest:***@127.0.0.1:1/");
    }

    @Test
    void theKeyRoutedAndReplyUsersComeFromTheirVariables() {
        Settings s = new Settings(Map.of("PIDBOX_KEY", "/k.pem", "PIDBOX_ROUTED", "true", "PIDBOX_REPLY_USERS",
                "/users")::get, home);

        assertThat(s.key(null)).isEqualTo("/k.pem");
        assertThat(s.routed(false)).isTrue();
        assertThat(s.replyUsers(null)).isEqualTo("/users");
    }

    @Test
    void withoutThemRequestsAreUnsignedUnroutedAndRepliesUnchecked() {
        Settings s = new Settings(Map.<String, String>of()::get, home);

        assertThat(s.key(null)).isNull();
        assertThat(s.routed(false)).isFalse();
        assertThat(s.replyUsers(null)).isNull();
    }

    @Test
    void routedMustBeTrueOrFalse() throws IOException {
        writeConfig("routed=yes\n");
        Settings s = new Settings(Map.<String, String>of()::get, home);

        assertThatThrownBy(() -> s.routed(false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("routed must be true or false, got 'yes'");
        assertThat(s.routed(true)).isTrue();
    }

    @Test
    void blankFlagsCountAsUnsetAndValuesAreTrimmed() throws IOException {
        writeConfig("namespace=  fromfile  \n");
        Settings s = new Settings(Map.of("PIDBOX_BROKER", "  amqp://env:5672/ ")::get, home);

        assertThat(s.namespace("  ")).isEqualTo("fromfile");
        assertThat(s.broker(" ")).isEqualTo("amqp://env:5672/");
        assertThat(s.type(" direct ")).isEqualTo("direct");
    }

    @Test
    void tlsSettingsComeFromFlagsThenPidboxTlsVariablesThenTheConfigFile() throws IOException {
        writeConfig("tls-ca=/file/ca.pem\ntls-insecure=true\n");
        Settings s = new Settings(Map.of("PIDBOX_TLS_CA", "/env/ca.pem")::get, home);

        assertThat(s.tls(null, null, null, null, false).toString()).contains("ca=/env/ca.pem").contains("insecure=true");
        assertThat(s.tls("/flag/ca.pem", null, null, null, false).toString()).contains("ca=/flag/ca.pem");
        assertThat(new Settings(Map.<String, String>of()::get, home).tls(null, null, null, null, false).toString())
                .contains("ca=/file/ca.pem");
    }

    @Test
    void theExplicitBrokerIsNullWhenNothingNamesOne() throws IOException {
        assertThat(new Settings(Map.<String, String>of()::get, home).explicitBroker(null)).isNull();
        assertThat(new Settings(Map.of("PIDBOX_BROKER", "amqp://env/")::get, home).explicitBroker(null))
                .isEqualTo("amqp://env/");
        writeConfig("broker=amqp://file/\n");
        assertThat(new Settings(Map.<String, String>of()::get, home).explicitBroker(null)).isEqualTo("amqp://file/");
    }

    @Test
    void theConfigFileIsReadWhenASettingFirstFallsThroughToIt() throws IOException {
        Files.createDirectories(home.resolve(".config/pidbox"));
        Files.writeString(home.resolve(".config/pidbox/config.properties"), "broker=amqp://file/\n");
        Settings s = new Settings(Map.of("PIDBOX_NAMESPACE", "fromenv")::get, home);

        assertThat(s.namespace(null)).isEqualTo("fromenv");
        Files.delete(s.configFile());
        assertThat(s.broker(null)).isEqualTo("amqp://guest:guest@localhost:5672/");
    }
}
