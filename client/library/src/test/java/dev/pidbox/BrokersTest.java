package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.URISyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Brokers#redact}: a broker URI in a message or log never shows its password. */
class BrokersTest {

    @Test
    void thePasswordIsReplacedByStars() {
        assertThat(Brokers.redact("amqp://guest:guest@localhost:5672/")).isEqualTo("amqp://guest:***@localhost:5672/");
    }

    @Test
    void theVhostAndSchemeAreKept() {
        assertThat(Brokers.redact("amqps://user:s3cret@host/vhost")).isEqualTo("amqps://user:***@host/vhost");
    }

    @Test
    void aPercentEncodedPasswordIsReplacedWhole() {
        assertThat(Brokers.redact("amqp://user:p%40ss%2Fw@host/")).isEqualTo("amqp://user:***@host/");
    }

    @Test
    void aPasswordEqualToTheUserNameStillKeepsTheUserName() {
        assertThat(Brokers.redact("amqp://user:user@host/")).isEqualTo("amqp://user:***@host/");
    }

    @Test
    void aUriWithoutPasswordIsUnchanged() {
        assertThat(Brokers.redact("amqp://guest@host/")).isEqualTo("amqp://guest@host/");
        assertThat(Brokers.redact("amqp://host:5672/")).isEqualTo("amqp://host:5672/");
    }

    @Test
    void nullIsShownAsNull() {
        assertThat(Brokers.redact(null)).isEqualTo("null");
    }

    @Test
    void anUnparsableUriWithASpaceInThePasswordIsStillRedacted() {
        assertThat(Brokers.redact("amqp://user:pa ss@host/")).isEqualTo("amqp://user:***@host/");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"amqp://user:p#ss@host/", "amqp://user:pa/ss@host/", "amqp://user:p?ss@host/",
            "amqp://user:p@ss@host/"})
    void aPasswordWithUnencodedUriDelimitersIsNeverShown(String uri) {
        String password = uri.substring(uri.indexOf("user:") + 5, uri.lastIndexOf("@host"));

        assertThat(Brokers.redact(uri)).doesNotContain(password).contains("***");
    }

    @Test
    void anInvalidUriErrorNeverShowsAPasswordWithAnUnencodedSlash() {
        assertThatThrownBy(() -> Brokers.factory("amqp://user:pa/ss@host/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("pa/ss");
    }

    @Test
    void anInvalidUriIsRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> Brokers.factory("http://user:topsecret@host/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void thePasswordUserIsTheDecodedUserOfAUriWithAPasswordAndNullWithout() {
        assertThat(Brokers.passwordUser("amqp://ops%40web1:s3cret@rabbit:5672/")).isEqualTo("ops@web1");
        assertThat(Brokers.passwordUser("amqps://rabbit:5671/;amqp://u:p@other/")).isNull();
        assertThat(Brokers.passwordUser("amqps://user-only@rabbit:5671/")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"amqp://guest:guest@127.0.0.1:5672/", "amqp://h", "amqps://rabbit:5671/ops",
            "AMQP://u@h:5672/%2F", "amqp://ops%40web1:s3cr%23t@rabbit/?heartbeat=10", "amqp://[::1]:5672/"})
    void theFormCheckAcceptsWhatTheBrokerClientAccepts(String uri) {
        Brokers.checkUri(uri);
        Brokers.factory(uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://rabbit/", "rabbit:5672", "amqp://user:pa/ss@host/", "amqp://user:p#ss@host/",
            "amqp://user:p?ss@host/", "amqp://a:b:c@host/", "amqp://host/vhost/more", "amqp:///vhost", "amqp://h/ x",
            "/just/a/path"})
    void theFormCheckRefusesOnlyWhatTheBrokerClientOrTheHostRuleRefuses(String uri) throws Exception {
        Throwable form = catchThrowable(() -> Brokers.checkUri(uri));
        Throwable client = catchThrowable(() -> new ConnectionFactory().setUri(uri));
        URI parsed = client instanceof URISyntaxException ? null : new URI(uri);

        assertThat(form).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("(invalid broker URI|no host in broker URI) .*")
                .hasMessageNotContaining("ss@");
        assertThat(client != null || parsed.getHost() == null || parsed.getRawFragment() != null)
                .as("amqp-client accepts %s, which has host %s", uri, parsed == null ? null : parsed.getHost()).isTrue();
    }

    @Test
    void queryValuesAreLeftToTheBrokerClient() {
        Brokers.checkUri("amqp://h/?heartbeat=soon");

        assertThatThrownBy(() -> Brokers.factory("amqp://h/?heartbeat=soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid broker URI 'amqp://h/?heartbeat=soon'");
    }

    @Test
    void theUrisHeartbeatAndConnectionTimeoutOverridePidboxsDefaults() {
        // they were set after the URI, so that ?heartbeat=5 was accepted and then silently replaced by 30
        com.rabbitmq.client.ConnectionFactory own = Brokers.factory("amqp://h/?heartbeat=5&connection_timeout=1500");
        com.rabbitmq.client.ConnectionFactory defaults = Brokers.factory("amqp://h/");

        assertThat(own.getRequestedHeartbeat()).isEqualTo(5);
        assertThat(own.getConnectionTimeout()).isEqualTo(1500);
        assertThat(defaults.getRequestedHeartbeat()).isEqualTo(30);
        assertThat(defaults.getConnectionTimeout()).isEqualTo(5000);
    }
}
