package dev.pidbox.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentOptionsTest {
    @TempDir
    Path dir;

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
