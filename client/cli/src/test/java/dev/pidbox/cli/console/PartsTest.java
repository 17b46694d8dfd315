package dev.pidbox.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's small parts: Celery's stats as vitals, metric labels, cookies and the CSRF rule, tiers. */
class PartsTest {
    @Test
    void celeryStatsBecomeVitalsWithAMillisecondUptime() {
        long[] start = new long[2];
        Map<String, Object> stats = Map.of("pid", 42, "uptime", 10, "rusage", Map.of("utime", 1.5, "stime", 0.25,
                "maxrss", 2048), "pool", Map.of("max-concurrency", 4));
        Map<String, Object> v = CeleryStats.asVitals(stats, Instant.ofEpochMilli(100_000), start);
        assertThat(v).containsEntry("pid", 42L).containsEntry("uptime_ms", 10_000L)
                .containsEntry("process_cpu_time_ms", 1750L).containsEntry("rss_bytes", 2048L * 1024)
                .containsEntry("concurrency", 4L);
        Map<String, Object> later = CeleryStats.asVitals(stats, Instant.ofEpochMilli(102_345), start);
        assertThat(later).containsEntry("uptime_ms", 12_345L);
    }

    @Test
    void aSlowStreamGetsEveryJournalEventInOrderButOnlyTheNewestFleet() throws Exception {
        Events events = new Events(2);
        Events.Client c = events.join();
        events.publishFleet("fleet 1");
        for (int i = 0; i < 1000; i++) {
            events.publish("journal", "{\"seq\":" + i + "}");
        }
        events.publishFleet("fleet 2");
        List<String> frames = c.next(1000);
        assertThat(frames).hasSize(1001);
        assertThat(frames.get(0)).isEqualTo("event: journal\ndata: {\"seq\":0}\n\n");
        assertThat(frames.get(999)).contains("\"seq\":999");
        assertThat(frames.get(1000)).isEqualTo("fleet 2");
        assertThat(c.dropped).isFalse();
        assertThat(c.next(10)).isEmpty();
    }

    @Test
    void aStreamThatFallsTooFarBehindIsDroppedAndTheCapHolds() {
        Events events = new Events(1);
        Events.Client c = events.join();
        assertThat(events.join()).isNull();
        for (int i = 0; i < 5000; i++) {
            events.publish("journal", "{}");
        }
        assertThat(c.dropped).isTrue();
    }

    @Test
    void metricLabelsEscapeBackslashQuoteAndNewline() {
        assertThat(Metrics.label("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
    }

    @Test
    void theSessionCookieIsFoundAmongOthers() {
        assertThat(Access.cookie(List.of("a=1; pidbox_console=xyz; b=2"), Access.COOKIE)).isEqualTo("xyz");
        assertThat(Access.cookie(List.of("pidbox_consolex=1"), Access.COOKIE)).isNull();
    }

    @Test
    void bearerRequestsNeedNoCsrfHeaderButCookieOnesDo() {
        Access.Grant bearer = new Access.Grant(Access.Kind.BEARER, null, "t");
        Access.Grant cookie = new Access.Grant(Access.Kind.COOKIE, "secret", "s");
        assertThat(Access.csrfRefusal(bearer, "POST", null, null, "h:1")).isNull();
        assertThat(Access.csrfRefusal(cookie, "GET", null, null, "h:1")).isNull();
        assertThat(Access.csrfRefusal(cookie, "POST", null, null, "h:1")).contains("X-Pidbox-Csrf");
        assertThat(Access.csrfRefusal(cookie, "POST", "secret", "http://h:1", "h:1")).isNull();
        assertThat(Access.csrfRefusal(cookie, "POST", "secret", "http://x:1", "h:1")).contains("cross-origin");
    }

    @Test
    void aShortTokenIsRefused() {
        assertThatThrownBy(() -> new Access("short", null)).hasMessageContaining("16 characters");
    }

    @Test
    void aMethodIsReadOnlyOnlyWhenEveryDescribingNodeSaysRead() {
        Tiers tiers = new Tiers();
        tiers.learn("jvm", "a", Map.of("handlers", List.of(Map.of("name", "m", "tier", "read"))));
        assertThat(tiers.isRead("m", true, false)).isTrue();
        tiers.learn("jvm", "b", Map.of("handlers", List.of(Map.of("name", "m", "tier", "mutate"))));
        assertThat(tiers.isRead("m", true, false)).isFalse();
        assertThat(tiers.isRead("unknown", true, false)).isFalse();
        assertThat(tiers.isRead("stats", false, true)).isTrue();
        assertThat(tiers.isRead("shutdown", false, true)).isFalse();
    }
}
