package dev.pidbox.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private final Redactor redactor = Redactor.standard();

    @Test
    void keysThatLookSecretAreRecognised() {
        assertThat(redactor.isSecretKey("db.password")).isTrue();
        assertThat(redactor.isSecretKey("AWS_SECRET_ACCESS_KEY")).isTrue();
        assertThat(redactor.isSecretKey("GITHUB_TOKEN")).isTrue();
        assertThat(redactor.isSecretKey("app.credentials.file")).isTrue();
        assertThat(redactor.isSecretKey("stripe.apiKey")).isTrue();
        assertThat(redactor.isSecretKey("HTTP_AUTH")).isTrue();
        assertThat(redactor.isSecretKey("MYSQLPASSWORD")).isTrue();
    }

    @Test
    void ordinaryKeysAreLeftAlone() {
        assertThat(redactor.isSecretKey("java.version")).isFalse();
        assertThat(redactor.isSecretKey("user.home")).isFalse();
        assertThat(redactor.isSecretKey("PATH")).isFalse();
        assertThat(redactor.isSecretKey("monkey.count")).isFalse();
    }

    @Test
    void urlCredentialsAreMaskedButTheUserAndHostStay() {
        assertThat(redactor.urls("amqp://guest:hunter2@rabbit:5672/ and jdbc:postgresql://u:p4ss@db/x"))
                .isEqualTo("amqp://guest:******@rabbit:5672/ and jdbc:postgresql://u:******@db/x");
        assertThat(redactor.value("broker.url", "amqp://bob:s3cret@host/")).isEqualTo("amqp://bob:******@host/");
    }

    @Test
    void secretValuesOnACommandLineAreMaskedInEveryForm() {
        assertThat(redactor.arguments(Arrays.asList("-Ddb.password=hunter2", "-Xmx1g", "--api-token=abc", "--password",
                "hunter3", "--verbose", "amqp://u:pw@h/")))
                .containsExactly("-Ddb.password=******", "-Xmx1g", "--api-token=******", "--password", "******",
                        "--verbose", "amqp://u:******@h/");
        assertThat(redactor.commandLine("com.example.Main --secret xyz --port 8080"))
                .isEqualTo("com.example.Main --secret ****** --port 8080");
    }

    @Test
    void extraWordsFromConfigurationAreSecretToo() {
        Redactor custom = Redactor.withExtraWords("pin, iban");
        assertThat(custom.isSecretKey("customer.IBAN")).isTrue();
        assertThat(custom.value("card.pin", "1234")).isEqualTo(Redactor.MASK);
        assertThat(redactor.isSecretKey("customer.IBAN")).isFalse();
    }
}
