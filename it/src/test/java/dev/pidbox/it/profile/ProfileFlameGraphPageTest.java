package dev.pidbox.it.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.Reply;
import dev.pidbox.cli.profile.FlameGraphHtml;
import dev.pidbox.cli.profile.Profile;
import dev.pidbox.it.console.Browser;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flame graph page {@code pidbox profile --html} writes, drawn by a real headless Chromium ({@code --dump-dom}
 * gives the document after its script ran): boxes per frame, search, zoom and the per-node filter (set through the
 * address's fragment, as a reload or a shared link does), and a hostile frame shown as text. The console draws its
 * profiles with the same component ({@code flamegraph.js}), so what is shown as text here is text there too. Skipped
 * with a printed reason without Chromium, failed instead in CI ({@link Browser.Required}).
 */
@Browser.Required
class ProfileFlameGraphPageTest {
    private static final String NASTY = "<img src=x onerror=alert(1)>";

    @TempDir
    Path dir;
    private Path page;

    private static Reply reply(String node, Object... stackThenCount) {
        List<Object> stacks = new ArrayList<>();
        for (int i = 0; i < stackThenCount.length; i += 2) {
            stacks.add(Map.of("frames", List.of(((String) stackThenCount[i]).split(";")), "count", stackThenCount[i + 1]));
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mode", "cpu");
        v.put("unit", "samples");
        v.put("stacks", stacks);
        return new Reply(node, v, Duration.ofMillis(1));
    }

    @BeforeEach
    void writePage() throws Exception {
        Profile profile = Profile.of(List.of(
                reply("node-a", "main;app.Hot.work;app.Hot.spin", 5, "main;app.Hot.idle", 2, "main;" + NASTY, 1),
                reply("node-b", "main;app.Hot.work;app.Hot.other", 2)), List.of("all"), n -> 0);
        page = dir.resolve("profile.html");
        Files.writeString(page, FlameGraphHtml.render(profile, "pidbox profile: cpu 2s", "2 nodes"));
    }

    private String dom(String fragment) throws Exception {
        TargetJvm.Result r = TargetJvm.run(Duration.ofSeconds(60), List.of(Browser.chromium().toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--window-size=1200,800", "--dump-dom",
                page.toUri() + fragment));
        assertThat(r.exitCode).as("%s", r).isZero();
        return r.out;
    }

    @Test
    void everyFrameIsABoxAndAHostileFrameIsText() throws Exception {
        String dom = dom("");
        assertThat(dom).contains("<h1 id=\"title\">pidbox profile: cpu 2s</h1>");
        for (String frame : List.of("all", "main", "app.Hot.work", "app.Hot.spin", "app.Hot.idle", "app.Hot.other")) {
            assertThat(dom).containsPattern("<div class=\"f\"[^>]*>" + frame.replace(".", "\\.") + "</div>");
        }
        assertThat(dom).contains(">&lt;img src=x onerror=alert(1)&gt;</div>").doesNotContain("<img");
    }

    @Test
    void searchHighlightsTheMatchingFramesAndSaysTheirShare() throws Exception {
        String dom = dom("#search=spin");
        assertThat(dom).containsPattern("<div class=\"f hit\"[^>]*>app\\.Hot\\.spin</div>")
                .doesNotContainPattern("<div class=\"f hit\"[^>]*style=\"left: 0px; width: 1176px;")
                .contains("<span class=\"fg-matched\">matched 50.00% of the view</span>");
    }

    @Test
    void zoomShowsTheFrameFullWidthWithItsCallersDimmed() throws Exception {
        String dom = dom("#zoom=main&zoom=app.Hot.work");
        assertThat(dom).containsPattern("<div class=\"f dim\"[^>]*>all</div>")
                .containsPattern("<div class=\"f dim\"[^>]*>main</div>")
                .containsPattern("<div class=\"f\"[^>]*style=\"left: 0px; width: 1176px;[^>]*>app\\.Hot\\.work</div>")
                .contains(">app.Hot.spin</div>").doesNotContain(">app.Hot.idle</div>");
    }

    @Test
    void aHiddenNodesStacksLeaveTheGraph() throws Exception {
        String dom = dom("#hide=node-b");
        assertThat(dom).contains(">app.Hot.spin</div>").doesNotContain(">app.Hot.other</div>");
    }
}
