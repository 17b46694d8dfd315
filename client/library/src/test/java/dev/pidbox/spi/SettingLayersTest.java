package dev.pidbox.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingLayersTest {
    @TempDir
    Path dir;

    private static Function<String, String> layer(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m::get;
    }

    @Test
    void aKeysVariableIsPidboxAndTheKeyInUpperCaseWithUnderscores() {
        assertThat(SettingLayers.environmentVariable("broker")).isEqualTo("PIDBOX_BROKER");
        assertThat(SettingLayers.environmentVariable("tls-key-password-file")).isEqualTo("PIDBOX_TLS_KEY_PASSWORD_FILE");
        assertThat(SettingLayers.environmentVariable("reply-users")).isEqualTo("PIDBOX_REPLY_USERS");
    }

    @Test
    void theFirstLayerWithAValueWins() {
        SettingLayers s = SettingLayers.of(layer("a", "1"), layer("a", "2", "b", "2"), layer("b", "3", "c", "3"));

        assertThat(s.get("a")).isEqualTo("1");
        assertThat(s.get("b")).isEqualTo("2");
        assertThat(s.get("c")).isEqualTo("3");
    }

    @Test
    void withNoLayerHavingTheKeyTheFallbackApplies() {
        SettingLayers s = SettingLayers.of(layer("a", "1"));

        assertThat(s.get("b", "default")).isEqualTo("default");
        assertThat(s.get("b")).isNull();
    }

    @Test
    void anEmptyValueInALayerIsAValueAndHidesTheLayersBelow() {
        SettingLayers s = SettingLayers.of(layer("a", ""), layer("a", "2"));

        assertThat(s.get("a", "default")).isEmpty();
    }

    @Test
    void theEnvironmentLayerReadsTheKeysVariable() {
        Function<String, String> env = SettingLayers.environment(layer("PIDBOX_TLS_CA", "/ca.pem"));

        assertThat(env.apply("tls-ca")).isEqualTo("/ca.pem");
        assertThat(env.apply("tls-cert")).isNull();
    }

    @Test
    void anEmptyVariableIsUnsetButSpacesAreKept() {
        Function<String, String> env = SettingLayers.environment(layer("PIDBOX_NAMESPACE", "", "PIDBOX_TYPE", " direct "));

        assertThat(env.apply("namespace")).isNull();
        assertThat(env.apply("type")).isEqualTo(" direct ");
    }

    @Test
    void aTrimmedLayerCountsBlankValuesAsNoneAndTrimsTheRest() {
        Function<String, String> t = SettingLayers.trimmed(layer("a", "  ", "b", " x "));

        assertThat(SettingLayers.of(t, layer("a", "below")).get("a")).isEqualTo("below");
        assertThat(t.apply("b")).isEqualTo("x");
        assertThat(t.apply("c")).isNull();
    }

    @Test
    void resolveListsTheKeysSomeLayerHasInTheOrderAsked() {
        SettingLayers s = SettingLayers.of(layer("b", "1"), layer("a", "2"));

        Map<String, String> all = s.resolve(Arrays.asList("c", "b", "a"));

        assertThat(all).containsExactly(Map.entry("b", "1"), Map.entry("a", "2"));
    }

    @Test
    void aPropertiesFileIsReadSortedByKeyWithValuesAsWritten() throws IOException {
        Path file = Files.write(dir.resolve("config.properties"), Arrays.asList("type = direct ", "broker=amqp://h/"));

        Map<String, String> read = SettingLayers.readProperties(file);

        assertThat(read).containsExactly(Map.entry("broker", "amqp://h/"), Map.entry("type", "direct "));
    }

    @Test
    void aMissingPropertiesFileIsAnIoException() {
        assertThatThrownBy(() -> SettingLayers.readProperties(dir.resolve("nope.properties")))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void noLayersMeansEveryKeyFallsBack() {
        assertThat(SettingLayers.of().get("broker", "d")).isEqualTo("d");
        assertThat(SettingLayers.of().resolve(Collections.singletonList("broker"))).isEmpty();
    }
}
