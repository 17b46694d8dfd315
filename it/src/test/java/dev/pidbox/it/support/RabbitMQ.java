package dev.pidbox.it.support;

import com.rabbitmq.client.Connection;
import dev.pidbox.Brokers;
import dev.pidbox.PidboxException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.UUID;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real RabbitMQ the integration tests run against: {@code PIDBOX_TEST_BROKER}, default
 * {@code amqp://guest:guest@127.0.0.1:5672/}. Tests annotated {@link Required} are skipped with a printed
 * reason when it is unreachable, and fail instead when {@code PIDBOX_REQUIRE_BROKER=1} (set by CI).
 */
public final class RabbitMQ {
    /** Marks a test class that needs RabbitMQ. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(Condition.class)
    public @interface Required {
    }

    private static volatile String unreachable;
    private static volatile boolean checked;

    private RabbitMQ() {
    }

    public static String uri() {
        String env = System.getenv("PIDBOX_TEST_BROKER");
        return env == null || env.isEmpty() ? "amqp://guest:guest@127.0.0.1:5672/" : env;
    }

    /** A new connection with pidbox's settings; the caller closes it. */
    public static Connection connect(String name) {
        return Brokers.connect(uri(), name);
    }

    /** A namespace no other test uses; all test namespaces start with {@code pbt-}. */
    public static String uniqueNamespace(String what) {
        return "pbt-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Null when the broker answers, else why not. */
    static synchronized String unreachableReason() {
        if (!checked) {
            checked = true;
            try (Connection c = connect("pidbox-it-probe")) {
                unreachable = null;
            } catch (PidboxException | java.io.IOException e) {
                unreachable = "RabbitMQ is not reachable at " + Brokers.redact(uri()) + " (" + e.getMessage()
                        + "); start one with `rabbitmq-server -detached` or set PIDBOX_TEST_BROKER";
            }
        }
        return unreachable;
    }

    /** Skips (or, with PIDBOX_REQUIRE_BROKER=1, fails) tests that need RabbitMQ when it is unreachable. */
    public static final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String reason = unreachableReason();
            if (reason == null) {
                return ConditionEvaluationResult.enabled("RabbitMQ reachable at " + Brokers.redact(uri()));
            }
            if ("1".equals(System.getenv("PIDBOX_REQUIRE_BROKER"))) {
                throw new IllegalStateException("PIDBOX_REQUIRE_BROKER=1 but " + reason);
            }
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
