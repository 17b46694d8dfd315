package dev.pidbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
