package dev.pidbox.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
