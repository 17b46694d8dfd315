package dev.pidbox.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.pidbox.internal.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The resend of routed requests that reached no queue, without a broker: returns are handed to it as amqp-client
 * would, and what it publishes again is captured.
 */
class RoutedResendTest {
    private static final String ROUTED = "jvm.pidbox.routed";
    private static final byte[] BODY = "{\"method\": \"ping\"}".getBytes(StandardCharsets.UTF_8);

    private final List<String> resent = new CopyOnWriteArrayList<>();
    private final List<AMQP.BasicProperties> resentProps = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final CountDownLatch published = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private RoutedResend resend(Sender sender) {
        return new RoutedResend(sender, closed::get, ROUTED, "jvm.pidbox", (message, cause) -> {
            errors.add(message);
            published.countDown();
        }, "jvm");
    }

    private RoutedResend resend() {
        return resend((ex, key, mandatory, props, body) -> {
            resent.add(ex + " '" + key + "' mandatory=" + mandatory + " " + new String(body, StandardCharsets.UTF_8));
            resentProps.add(props);
            published.countDown();
        });
    }

    private static AMQP.BasicProperties routedProps() {
        Map<String, Object> headers = new HashMap<>(Wire.requestProperties(5, 0).getHeaders());
        headers.put("CC", List.of("b@h"));
        return Wire.requestProperties(5, 0).builder().headers(headers).build();
    }

    @Test
    void aReturnedRoutedRequestGoesAgainThroughTheMailboxExchangeWithoutCc() throws InterruptedException {
        resend().handleReturn(312, "NO_ROUTE", ROUTED, "a@h", routedProps(), BODY);

        assertThat(published.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(resent).containsExactly("jvm.pidbox '' mandatory=false {\"method\": \"ping\"}");
        assertThat(resentProps.get(0).getHeaders()).doesNotContainKey("CC").containsEntry(Wire.HEADER_CLOCK, 5);
    }

    @Test
    void aReturnFromAnotherExchangeIsNotResent() throws InterruptedException {
        RoutedResend r = resend();

        r.handleReturn(312, "NO_ROUTE", "jvm.pidbox", "", routedProps(), "{\"other\": 1}".getBytes(
                StandardCharsets.UTF_8));
        r.handleReturn(312, "NO_ROUTE", ROUTED, "a@h", routedProps(), BODY);

        // Resends run one at a time, in order: once the second is out, the first would have been too.
        assertThat(published.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(resent).containsExactly("jvm.pidbox '' mandatory=false {\"method\": \"ping\"}");
    }

    @Test
    void nothingIsResentOnceTheMailboxClosed() throws InterruptedException {
        RoutedResend r = resend();
        closed.set(true);

        r.handleReturn(312, "NO_ROUTE", ROUTED, "a@h", routedProps(), BODY);
        closed.set(false);
        r.handleReturn(312, "NO_ROUTE", ROUTED, "b@h", routedProps(), BODY);

        assertThat(published.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(resent).hasSize(1);
    }

    @Test
    void aFailedResendIsReportedToTheErrorSink() throws InterruptedException {
        resend((ex, key, mandatory, props, body) -> {
            throw new IOException("channel closed");
        }).handleReturn(312, "NO_ROUTE", ROUTED, "a@h", routedProps(), BODY);

        assertThat(published.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).containsExactly("mailbox jvm: could not resend an unroutable routed request");
    }
}
