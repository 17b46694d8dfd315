package dev.pidbox.it.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three child JVMs with the shipped agent, each with one known hot spot (a CPU-bound method, a sleeping and a
 * blocked thread, an allocating method), profiled together with the shipped CLI in each mode, on Java 17 and 25.
 */
@RabbitMQ.Required
class ProfileHotSpotsTest {
    private static final String APP = HotSpotApp.class.getName();

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.pidbox.it.profile.Hosts#javaHomes")
    void eachModeFindsTheKnownHotSpotAcrossTheMergedFleet(Path javaHome) throws Exception {
        String v = javaHome.equals(TargetJvm.JAVA_25) ? "25" : "17";
        String cpu = "cpu@hot" + v;
        String idle = "idle@hot" + v;
        String alloc = "alloc@hot" + v;
        String all = cpu + "," + idle + "," + alloc;
        try (Hosts hosts = new Hosts("profile-hot")) {
            hosts.start(javaHome, cpu, "", "spin");
            hosts.start(javaHome, idle, "", "nap", "block");
            hosts.start(javaHome, alloc, "", "alloc");
            hosts.awaitNodes(cpu, idle, alloc);

            // cpu: the widest frame right below the thread roots (Thread.run, and Thread.runWith on 21+) of the merged
            // profile is the CPU-bound method
            Path html = dir.resolve("cpu.html");
            Map<String, Object> doc = hosts.json("profile", "--timeout", "30s", "--to", all, "--duration", "2s", "--html", html.toString());
            assertThat(((Map<?, ?>) doc.get("errors"))).isEmpty();
            assertThat(((Map<?, ?>) doc.get("replies")).keySet().stream().map(String::valueOf).toList()).containsExactlyInAnyOrder(cpu, idle, alloc);
            Map<?, ?> cpuReply = (Map<?, ?>) ((Map<?, ?>) doc.get("replies")).get(cpu);
            assertThat(cpuReply.get("source")).isEqualTo("jfr");
            Map<String, Long> belowRoot = new LinkedHashMap<>();
            for (Map<String, Object> s : Hosts.mergedStacks(doc)) {
                Hosts.frames(s).stream().filter(f -> !f.startsWith("java.lang.Thread.")).findFirst()
                        .ifPresent(f -> belowRoot.merge(f, Hosts.count(s, 0), Long::sum));
            }
            String widest = belowRoot.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertThat(widest).as("%s", belowRoot).isEqualTo(APP + ".spin");
            String page = Files.readString(html);
            assertThat(page).contains(APP + ".spin").contains(cpu).doesNotContainPattern("(?i)https?://");

            // wall: the sleeping and the blocked method, each with its thread state as leaf
            Map<String, Object> wall = hosts.json("profile", "--timeout", "30s", "--to", idle, "--mode", "wall", "--duration", "2s",
                    "--name", "hot-*");
            List<List<String>> wallStacks = Hosts.mergedStacks(wall).stream().map(Hosts::frames).toList();
            assertThat(wallStacks).anySatisfy(f -> {
                assertThat(f).contains(APP + ".nap");
                assertThat(f.get(f.size() - 1)).isEqualTo("[TIMED_WAITING]");
            });
            assertThat(wallStacks).anySatisfy(f -> {
                assertThat(f.get(f.size() - 2)).isEqualTo(APP + ".waitForLock");
                assertThat(f.get(f.size() - 1)).isEqualTo("[BLOCKED]");
            });

            // alloc: the widest stack (by bytes) ends in the allocating method and the allocated class
            Map<String, Object> allocDoc = hosts.json("profile", "--timeout", "30s", "--to", alloc, "--mode", "alloc", "--duration", "2s",
                    "--name", "hot-*");
            assertThat(((Map<?, ?>) allocDoc.get("profile")).get("unit")).isEqualTo("bytes");
            Map<String, Object> top = Hosts.mergedStacks(allocDoc).stream()
                    .max(Comparator.comparingLong(s -> Hosts.count(s, 0))).orElseThrow();
            List<String> f = Hosts.frames(top);
            assertThat(f).as("%s", f).contains(APP + ".allocate");
            assertThat(f.get(f.size() - 1)).isEqualTo("new " + APP + "$Payload");

            // and the collapsed text that flame graph tools read
            TargetJvm.Result collapsed = hosts.cli("profile", "--timeout", "30s", "--to", cpu, "--duration", "1s", "--collapsed");
            assertThat(collapsed.exitCode).as("%s", collapsed).isZero();
            assertThat(collapsed.out.lines()).isNotEmpty()
                    .allMatch(l -> l.matches("\\S.* \\d+"), "frame;frame count")
                    .anyMatch(l -> l.contains(";" + APP + ".spin "));
        }
    }
}
