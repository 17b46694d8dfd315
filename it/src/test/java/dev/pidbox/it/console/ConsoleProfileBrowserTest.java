package dev.pidbox.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pidbox.it.profile.HotSpotApp;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's profiles in a real headless Chromium, against three {@link HotSpotApp} JVMs with the shipped agent
 * (two spinning in {@code spin}, a canary spinning in {@code extraHot} too) and a read-only {@code pidbox console}
 * from the shipped jar: the node page's Profile tab draws the canary's hot methods, and the fleet's Profile page
 * compares the two spinning nodes with the canary and colours {@code extraHot} as grown. Both run in a console that
 * was not allowed mutations. (A hostile frame is shown as text by the same component in {@code
 * ProfileFlameGraphPageTest}.)
 */
@RabbitMQ.Required
@Browser.Required
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleProfileBrowserTest {
    private static final String APP = HotSpotApp.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long a profile may take to come back: the window, then the samples of loaded hosts. */
    private static final Duration PROFILE_WAIT = Duration.ofSeconds(45);

    private static final List<TargetJvm> jvms = new ArrayList<>();
    private static final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private static final String namespace = RabbitMQ.uniqueNamespace("console-profile");
    private static final String base1 = "base1." + suffix + "@pbt";
    private static final String base2 = "base2." + suffix + "@pbt";
    private static final String canary = "canary." + suffix + "@pbt";
    private static ConsoleProcess console;
    private static Browser browser;

    @BeforeAll
    static void startJvmsConsoleAndBrowser() throws Exception {
        start(base1, "spin");
        start(base2, "spin");
        start(canary, "spin", "extra");
        for (TargetJvm j : jvms) {
            j.awaitReady();
        }
        console = ConsoleProcess.start(namespace, "--interval", "1s");
        browser = Browser.start();
        driver().get(console.loginUrl("/"));
        browser.waitUpTo(WAIT).withMessage(() -> "every node answering; page: " + Page.text(driver()))
                .until(d -> List.of(base1, base2, canary).stream().allMatch(n -> "answering".equals(Page.stateOf(d, n))));
    }

    private static void start(String node, String... hotSpots) throws Exception {
        String agent = "-javaagent:" + TargetJvm.agentJar() + "=broker=" + RabbitMQ.uri() + ",namespace=" + namespace
                + ",node=" + node;
        jvms.add(TargetJvm.start(TargetJvm.currentJavaHome(), TargetJvm.testClasspath(), List.of(agent), APP,
                hotSpots));
    }

    @AfterAll
    static void stopEverything() {
        try {
            if (browser != null) {
                browser.close();
            }
            if (console != null) {
                console.close();
            }
        } finally {
            jvms.forEach(TargetJvm::close);
        }
    }

    static ChromeDriver driver() {
        return browser.driver();
    }

    private static void open(String hash) {
        driver().get(console.base() + "/#" + hash);
    }

    /** Clicks Run and waits for the profile's answer; fails with the page's text when it is an error. */
    private static void runProfile() {
        driver().findElement(By.id("profile-run")).click();
        browser.waitUpTo(PROFILE_WAIT).withMessage(() -> "a profile; page: " + Page.text(driver()))
                .until(d -> !Page.attributes(d, "#profile-status[data-state=done], #profile-status[data-state=error]",
                        "id").isEmpty());
        assertThat(Page.attributes(driver(), "#profile-status", "data-state")).as(Page.text(driver()))
                .containsExactly("done");
    }

    /** The drawn boxes: each frame's text, its share of the view and, in a comparison, its change. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> boxes() {
        return (List<Map<String, Object>>) browser.script("return Array.from(document.querySelectorAll("
                + "'#profile-graph .fg-graph .f')).map(b => ({frame: b.textContent, share: Number(b.dataset.share),"
                + " change: b.dataset.change || null, delta: Number(b.dataset.delta || 0), width: b.offsetWidth}));");
    }

    private static Map<String, Object> box(List<Map<String, Object>> boxes, String frame) {
        return boxes.stream().filter(b -> frame.equals(b.get("frame"))).findFirst()
                .orElseThrow(() -> new AssertionError("no box " + frame + " in " + boxes));
    }

    @Test
    @Order(1)
    void theConsoleIsReadOnly() throws Exception {
        assertThat(console.session().get("read_only")).isEqualTo(true);
        assertThat(driver().findElement(By.id("mode")).getText()).isEqualTo("read-only");
    }

    @Test
    @Order(2)
    void theNodePagesProfileTabDrawsTheCanarysHotMethods() throws Exception {
        open(Page.nodeHash(canary, "profile"));
        new Select(driver().findElement(By.id("profile-mode"))).selectByValue("cpu");
        driver().findElement(By.id("profile-duration")).clear();
        driver().findElement(By.id("profile-duration")).sendKeys("3");
        driver().findElement(By.id("profile-run")).click();
        String progress = driver().findElement(By.id("profile-status")).getText();
        assertThat(progress).startsWith("sampling for 3 s...");
        assertThat(driver().findElement(By.id("profile-run")).isEnabled()).as("Run while it runs").isFalse();
        browser.waitUpTo(PROFILE_WAIT).withMessage(() -> "a profile; page: " + Page.text(driver()))
                .until(d -> !Page.attributes(d, "#profile-status[data-state=done], #profile-status[data-state=error]",
                        "id").isEmpty());
        assertThat(Page.attributes(driver(), "#profile-status", "data-state")).as(Page.text(driver()))
                .containsExactly("done");

        List<Map<String, Object>> boxes = boxes();
        box(boxes, APP + ".spin");
        box(boxes, APP + ".extraHot");
        Map<String, Object> widest = boxes.stream()
                .filter(b -> !b.get("frame").equals("all") && !((String) b.get("frame")).startsWith("java.lang.Thread")
                        && !((String) b.get("frame")).contains("$$Lambda"))
                .max((a, b) -> Double.compare((Double) a.get("share"), (Double) b.get("share"))).orElseThrow();
        assertThat(widest.get("frame")).as("the widest frame below the thread root in %s", boxes)
                .isIn(APP + ".spin", APP + ".extraHot");
        assertThat(driver().findElement(By.id("profile-summary")).getAttribute("data-answered")).isEqualTo("1");
        browser.screenshot(Paths.get("target", "console-profile-node.png"));
        assertThat(console.stderr()).anyMatch(l -> l.contains("pidbox console audit:") && l.contains("profile cpu for"
                + " 3000 ms of " + canary));
    }

    @Test
    @Order(3)
    void theProfilePageComparesTheSpinningNodesWithTheCanary() throws Exception {
        open("/profile");
        driver().findElement(By.id("profile-selector")).sendKeys(base1 + "," + base2);
        driver().findElement(By.id("profile-compare")).sendKeys(canary);
        driver().findElement(By.id("profile-duration")).clear();
        driver().findElement(By.id("profile-duration")).sendKeys("3");
        runProfile();

        assertThat(driver().findElement(By.id("profile-summary")).getAttribute("data-answered")).isEqualTo("3");
        assertThat(Page.attributes(driver(), "#profile-graph .fg-group", "data-group"))
                .containsExactly("baseline", "compared");
        List<Map<String, Object>> boxes = boxes();
        Map<String, Object> extra = box(boxes, APP + ".extraHot");
        assertThat(extra.get("change")).as("%s", extra).isEqualTo("grown");
        assertThat((Double) extra.get("delta")).as("%s", extra).isGreaterThan(0.2);
        Map<String, Object> spin = box(boxes, APP + ".spin");
        assertThat(spin.get("change")).as("%s", spin).isNotEqualTo("grown");
        assertThat(driver().findElement(By.cssSelector("#profile-graph .fg-legend")).getText())
                .contains("grown in compared");
        Path shot = browser.screenshot(Paths.get("target", "console-profile-compare.png"));
        assertThat(shot).isNotEmptyFile();
    }
}
