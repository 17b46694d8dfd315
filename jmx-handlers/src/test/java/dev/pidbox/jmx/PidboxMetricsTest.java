package dev.pidbox.jmx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.CallObserver;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PidboxMetricsTest {
    @Test
    void snapshotCountsCallsPerMethodAndOutcome() {
        PidboxMetrics metrics = new PidboxMetrics();
        metrics.onCall("ping", CallObserver.OK, TimeUnit.MILLISECONDS.toNanos(2));
        metrics.onCall("ping", CallObserver.OK, TimeUnit.MILLISECONDS.toNanos(4));
        metrics.onCall("threads", CallObserver.REJECTED, 0);
        metrics.onCall("mbean.get", CallObserver.ERROR, TimeUnit.MILLISECONDS.toNanos(1));

        Map<String, Object> snapshot = metrics.snapshot();
        assertThat(snapshot.get("total")).isEqualTo(4L);
        @SuppressWarnings("unchecked")
        Map<String, Long> byOutcome = (Map<String, Long>) snapshot.get("by_outcome");
        assertThat(byOutcome).containsEntry("ok", 2L).containsEntry("rejected", 1L).containsEntry("error", 1L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> calls = (List<Map<String, Object>>) snapshot.get("calls");
        Map<String, Object> ping = calls.stream().filter(c -> c.get("method").equals("ping")).findFirst().get();
        assertThat(ping).containsEntry("outcome", "ok").containsEntry("count", 2L).containsEntry("total_ms", 6.0)
                .containsEntry("max_ms", 4.0);
    }

    @Test
    void bindingToARegistryPublishesCallsRecordedBeforeAndAfter() {
        PidboxMetrics metrics = new PidboxMetrics();
        metrics.onCall("ping", CallObserver.OK, 1000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        metrics.onCall("ping", CallObserver.OK, 1000);
        metrics.onCall("ping", CallObserver.BUSY, 0);

        FunctionTimer ok = registry.find(PidboxMetrics.CALLS).tags("method", "ping", "outcome", "ok").functionTimer();
        assertThat(ok).isNotNull();
        assertThat(ok.count()).isEqualTo(2.0);
        assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(2000.0);
        assertThat(registry.find(PidboxMetrics.CALLS).tags("outcome", "busy").functionTimer().count()).isEqualTo(1.0);
    }

    @Test
    void callerChosenMethodNamesCannotGrowTheMetersWithoutBound() {
        PidboxMetrics metrics = new PidboxMetrics();
        for (int i = 0; i < PidboxMetrics.MAX_METHODS + 50; i++) {
            metrics.onCall("nosuch" + i, CallObserver.REJECTED, 0);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> calls = (List<Map<String, Object>>) metrics.snapshot().get("calls");
        assertThat(calls).hasSize(PidboxMetrics.MAX_METHODS + 1);
        assertThat(calls.stream().filter(c -> c.get("method").equals(PidboxMetrics.OTHER)).findFirst().get())
                .containsEntry("count", 50L);
    }
}
