package dev.pidbox.it.support;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Python interpreter that has Debian's python3-kombu and python3-celery: {@code PIDBOX_PYTHON},
 * default {@code /usr/bin/python3} (a pyenv python on PATH usually lacks them). Tests annotated
 * {@link Required} are skipped with a printed reason when the packages are absent, and fail instead
 * when {@code PIDBOX_REQUIRE_INTEROP=1} (set by CI).
 */
public final class Python {
    /** Marks a test class that needs real kombu and Celery. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(Condition.class)
    public @interface Required {
    }

    private static volatile String missing;
    private static volatile boolean checked;

    private Python() {
    }

    public static String executable() {
        String env = System.getenv("PIDBOX_PYTHON");
        return env == null || env.isEmpty() ? "/usr/bin/python3" : env;
    }

    static synchronized String missingReason() {
        if (!checked) {
            checked = true;
            try {
                Process p = new ProcessBuilder(executable(), "-c", "import kombu, celery; print(kombu.__version__, celery.__version__)")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    missing = "Python kombu/celery not importable with " + executable() + " (" + out
                            + "); install them with `apt-get install -y python3-kombu python3-celery`";
                } else {
                    System.err.println("interop peers: kombu/celery " + out + " via " + executable());
                }
            } catch (IOException e) {
                missing = "no Python at " + executable() + " (" + e.getMessage()
                        + "); install python3-kombu and python3-celery or set PIDBOX_PYTHON";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                missing = "interrupted while checking Python";
            }
        }
        return missing;
    }

    /** Skips (or, with PIDBOX_REQUIRE_INTEROP=1, fails) interop tests when kombu and Celery are absent. */
    public static final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String reason = missingReason();
            if (reason == null) {
                return ConditionEvaluationResult.enabled("kombu and celery present");
            }
            if ("1".equals(System.getenv("PIDBOX_REQUIRE_INTEROP"))) {
                throw new IllegalStateException("PIDBOX_REQUIRE_INTEROP=1 but " + reason);
            }
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
