package dev.pidbox.it.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code pidbox profile --compare-to}: a baseline JVM and a canary that runs one extra hot method, profiled in the
 * same window with the shipped CLI; the differential result shows that method grown and nothing unrelated to it
 * grown beyond noise.
 */
@RabbitMQ.Required
class ProfileCompareTest {
    private static final String APP = HotSpotApp.class.getName();
    /** A frame whose share grew less than this (5 points) is noise. */
    private static final double NOISE = 0.05;

    @Test
    void theCanarysExtraHotMethodIsTheOnlyGrowth() throws Exception {
        try (Hosts hosts = new Hosts("profile-cmp")) {
            hosts.start(TargetJvm.currentJavaHome(), "base@cmp", "", "spin", "nap");
            hosts.start(TargetJvm.currentJavaHome(), "canary@cmp", "", "spin", "nap", "extra");
            hosts.awaitNodes("base@cmp", "canary@cmp");

            Map<String, Object> doc = hosts.json("profile", "--timeout", "30s", "--to", "base@cmp,canary@cmp", "--compare-to", "canary@cmp",
                    "--duration", "3s");

            @SuppressWarnings("unchecked")
            Map<String, Object> profile = (Map<String, Object>) doc.get("profile");
            assertThat(profile.get("groups")).isEqualTo(List.of("baseline", "compared"));
            assertThat((List<?>) profile.get("totals")).allSatisfy(t -> assertThat(((Number) t).longValue()).isPositive());
            Set<String> related = new HashSet<>();
            for (Map<String, Object> s : Hosts.mergedStacks(doc)) {
                if (Hosts.frames(s).contains(APP + ".extraHot")) {
                    related.addAll(Hosts.frames(s));
                }
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> changes = (List<Map<String, Object>>) profile.get("changes");
            Map<String, Object> extra = changes.stream().filter(c -> c.get("frame").equals(APP + ".extraHot"))
                    .findFirst().orElseThrow(() -> new AssertionError("extraHot not in " + changes));
            assertThat(((Number) extra.get("before")).doubleValue()).isZero();
            assertThat(((Number) extra.get("delta")).doubleValue()).isGreaterThan(0.25);
            assertThat(changes).filteredOn(c -> ((Number) c.get("delta")).doubleValue() > NOISE)
                    .allSatisfy(c -> assertThat(related).as("grown beyond noise: %s", c).contains((String) c.get("frame")));

            // as a person reads it
            TargetJvm.Result text = hosts.cli("profile", "--timeout", "30s", "--to", "base@cmp,canary@cmp", "--compare-to", "canary@cmp",
                    "--duration", "2s");
            assertThat(text.exitCode).as("%s", text).isZero();
            String grown = text.out.substring(text.out.indexOf("grown in compared"), text.out.indexOf("shrunk in"));
            assertThat(grown).contains(APP + ".extraHot").doesNotContain(APP + ".spin");
            assertThat(text.out.substring(text.out.indexOf("shrunk in"))).contains(APP + ".spin");
            System.out.println("pidbox profile --compare-to output:\n" + text.out);
        }
    }
}
