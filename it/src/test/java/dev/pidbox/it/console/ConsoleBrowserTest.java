package dev.pidbox.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.rabbitmq.client.Connection;
import dev.pidbox.CallResult;
import dev.pidbox.Mailbox;
import dev.pidbox.it.support.Python;
import dev.pidbox.it.support.RabbitMQ;
import dev.pidbox.it.support.TargetJvm;
import dev.pidbox.spi.JsonValues;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The fleet console in a real headless Chromium: {@code pidbox console --allow-mutations} from the shipped jar,
 * watching four agent-attached JVMs (three on Java 17, one on Java 25) and a real Celery worker on RabbitMQ, shared
 * by the tests of this class, which run in order (the JVM killed last). Values shown are checked against direct
 * calls and, for a logger level, against the JVM's own LogManager.
 */
@RabbitMQ.Required
@Python.Required
@Browser.Required
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path TARGET = Paths.get("target");

    private static Fleet fleet;
    private static ConsoleProcess console;
    private static Browser browser;
    private static Connection connection;
    private static Mailbox mailbox;
    private static String orders;
    private static String search;

    @BeforeAll
    static void startFleetConsoleAndBrowser() throws Exception {
        fleet = new Fleet();
        CompletableFuture<String> worker = CompletableFuture.supplyAsync(() -> {
            try {
                return fleet.startCeleryWorker();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        orders = fleet.startJvm(TargetJvm.currentJavaHome(), "orders", "prod", "checkout");
        fleet.startJvm(TargetJvm.currentJavaHome(), "billing", "prod", "finance");
        search = fleet.startJvm(TargetJvm.JAVA_25, "search", "staging", "search");
        fleet.startJvm(TargetJvm.currentJavaHome(), "batch", "dev", "ops");
        worker.get();
        connection = RabbitMQ.connect("pbt-console-oracle");
        mailbox = Mailbox.builder(fleet.namespace).build().bind(connection);
        console = ConsoleProcess.start(fleet.namespace, "--interval", INTERVAL.toMillis() + "ms", "--celery",
                fleet.celeryNamespace, "--allow-mutations");
        browser = Browser.start();
        driver().get(console.loginUrl("/"));
        awaitEveryNode("answering");
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
            if (console != null) {
                console.close();
            }
            if (mailbox != null) {
                mailbox.close();
                connection.close();
            }
        } finally {
            if (fleet != null) {
                fleet.close();
            }
        }
    }

    static ChromeDriver driver() {
        return browser.driver();
    }

    private static List<String> everyNode() {
        List<String> all = fleet.javaNodes();
        all.add(fleet.workerName);
        return all;
    }

    private static void awaitEveryNode(String state) {
        browser.waitUpTo(WAIT).withMessage(() -> "every node " + state + "; page: " + Page.text(driver()))
                .until(d -> everyNode().stream().allMatch(n -> state.equals(Page.stateOf(d, n))));
    }

    /** Loads the page at {@code #hash} afresh (a same-URL navigation would only change the hash). */
    static void open(String hash) {
        String url = console.base() + "/#" + hash;
        boolean same = url.equals(driver().getCurrentUrl());
        driver().get(url);
        if (same) {
            driver().navigate().refresh();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> direct(String node, String method, Map<String, Object> args) {
        CallResult r = mailbox.call(List.of(node), method, args, Duration.ofSeconds(10));
        assertThat(r.byNode()).as("%s answered %s", node, method).containsKey(node);
        return (Map<String, Object>) r.byNode().get(node);
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void theFleetPageListsEveryJavaNodeAndTheCeleryWorkerWithTheValuesADirectCallGives() throws Exception {
        open("/");
        awaitEveryNode("answering");

        Map<String, Map<String, String>> table = Page.fleetTable(driver());
        assertThat(table).containsOnlyKeys(everyNode());
        for (String node : fleet.javaNodes()) {
            Map<String, Object> vitals = direct(node, "vitals", Map.of());
            Map<String, String> row = table.get(node);
            assertThat(Long.parseLong(row.get("pid"))).as("pid of %s", node)
                    .isEqualTo(fleet.jvms.get(node).pid()).isEqualTo(((Number) vitals.get("pid")).longValue());
            assertThat(row.get("java")).as("java of %s", node).isEqualTo(vitals.get("java_version"));
            long heapMax = ((Number) vitals.get("heap_max")).longValue();
            assertThat(Long.parseLong(row.get("heap.max"))).as("heap max of %s", node).isEqualTo(heapMax);
            assertThat(row.get("heap")).as("heap of %s", node).contains("/ " + (heapMax >> 20) + " MiB");
            int threads = Integer.parseInt(row.get("threads"));
            assertThat(threads).as("threads of %s", node).isCloseTo(((Number) vitals.get("threads")).intValue(), within(3));
            Map<String, String> tags = fleet.tags.get(node);
            assertThat(row.get("tags")).contains("env=" + tags.get("env")).contains("team=" + tags.get("team"));
            assertThat(row.get("state")).isEqualTo("answering");
            assertThat(row.get("uptime")).matches("\\d+s|\\d+m \\d+s");
        }
        assertThat(table.get(search).get("java")).as("the Java 25 node").startsWith("25");
        Map<String, String> celery = table.get(fleet.workerName);
        assertThat(celery).containsEntry("kind", "celery").containsEntry("java", "Celery");
        assertThat(Long.parseLong(celery.get("pid"))).as("the worker's pid").isEqualTo(fleet.workerPid());

        // The page contract the benchmark relies on: one entry per rendered fleet event, the last one on the body.
        List<Map<String, Object>> renders = (List<Map<String, Object>>) driver()
                .executeScript("return window.pidboxRenders.slice(-3);");
        assertThat(renders).isNotEmpty().allSatisfy(r -> assertThat(((Number) r.get("rendered_at_ms")).longValue())
                .isGreaterThanOrEqualTo(((Number) r.get("sent_at_ms")).longValue()));
        Object refresh = driver().executeScript("return [document.body.dataset.refresh, window.pidboxRenders[window.pidboxRenders.length - 1].refresh];");
        List<Object> pair = (List<Object>) refresh;
        assertThat(pair.get(0)).isEqualTo(String.valueOf(pair.get(1)));
    }

    @Test
    @Order(2)
    void theSelectorBoxAndTheGroupingNarrowAndFoldTheFleetTable() {
        open("/");
        awaitEveryNode("answering");
        WebElement box = driver().findElement(By.id("selector"));
        List<String> nodes = fleet.javaNodes();

        box.sendKeys("env=prod");
        assertThat(shownNodes()).containsExactlyInAnyOrder(nodes.get(0), nodes.get(1));
        retype(box, "/^(search|batch)\\./");
        assertThat(shownNodes()).containsExactlyInAnyOrder(nodes.get(2), nodes.get(3));
        retype(box, "*@pbt team=ops");
        assertThat(shownNodes()).containsExactly(nodes.get(3));
        retype(box, fleet.workerName + ", " + nodes.get(0));
        assertThat(shownNodes()).containsExactlyInAnyOrder(fleet.workerName, nodes.get(0));
        retype(box, "");
        new Select(driver().findElement(By.id("group-by"))).selectByValue("tag:env");

        assertThat(Page.attributes(driver(), "table#fleet tr.group", "data-group"))
                .containsExactly("(no env)", "dev", "prod", "staging");
        assertThat(shownNodes()).containsExactlyInAnyOrderElementsOf(everyNode());
    }

    private static List<String> shownNodes() {
        return Page.attributes(driver(), "table#fleet tr[data-node]", "data-node");
    }

    private static void retype(WebElement box, String text) {
        box.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        box.sendKeys(text);
    }

    @Test
    @Order(3)
    void screenshotsOfTheFleetPageAndOfANodePageAreSaved() throws Exception {
        open("/");
        awaitEveryNode("answering");
        new Select(driver().findElement(By.id("group-by"))).selectByValue("tag:env");
        Path fleetShot = browser.screenshot(TARGET.resolve("console-fleet.png"));

        open(Page.nodeHash(orders, "overview"));
        browser.waitUpTo(WAIT).withMessage(() -> "the heap chart and the pools; page: " + Page.text(driver()))
                .until(d -> !d.findElements(By.cssSelector("svg.chart path.line")).isEmpty()
                        && !d.findElements(By.cssSelector("#pools tr[data-pool]")).isEmpty()
                        && !d.findElements(By.cssSelector("table.kv tr[data-key='vm_name']")).isEmpty());
        Path nodeShot = browser.screenshot(TARGET.resolve("console-node.png"));

        assertThat(driver().findElement(By.id("node-name")).getText()).isEqualTo(orders);
        assertThat(driver().findElement(By.cssSelector("table.kv tr[data-key='pid'] td:last-child")).getText())
                .isEqualTo(Long.toString(fleet.jvms.get(orders).pid()));
        for (Path shot : List.of(fleetShot, nodeShot)) {
            byte[] png = Files.readAllBytes(shot);
            assertThat(png).hasSizeGreaterThan(10_000);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }

    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void aLoggerLevelChosenInThePageIsWhatTheNodeAndItsOwnLogManagerThenReport() throws Exception {
        open(Page.nodeHash(orders, "loggers"));
        By select = By.cssSelector("select[data-logger='" + ShopApp.LOGGER + "'][data-framework='jul']");
        browser.waitUpTo(WAIT).withMessage(() -> "the logger's level control; page: " + Page.text(driver()))
                .until(d -> !d.findElements(select).isEmpty());
        Select level = new Select(driver().findElement(select));
        assertThat(level.getFirstSelectedOption().getText()).as("the level the app set").isEqualTo("INFO");
        assertThat(driver().findElement(select).isEnabled()).isTrue();

        level.selectByValue("FINE");

        browser.waitUpTo(WAIT).withMessage(() -> "the change confirmed; page: " + Page.text(driver()))
                .until(d -> !d.findElements(By.cssSelector("#logger-status .note.ok")).isEmpty());
        Map<String, Object> reply = direct(orders, "loggers", Map.of("name", ShopApp.LOGGER, "framework", "jul"));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) reply.get("loggers");
        assertThat(rows).extracting(r -> r.get("level")).containsOnly("FINE");
        fleet.jvms.get(orders).awaitOut(l -> l.equals("LEVEL " + ShopApp.LOGGER + " FINE"), Duration.ofSeconds(5));
        for (String other : fleet.javaNodes()) {
            if (!other.equals(orders)) {
                assertThat(fleet.jvms.get(other).out()).as("%s untouched", other).doesNotContain("LEVEL " + ShopApp.LOGGER + " FINE");
            }
        }
    }

    @Test
    @Order(4)
    void aLoggerNamedWithMarkupIsShownAsTextAndRunsNothing() {
        open(Page.nodeHash(orders, "loggers"));
        browser.waitUpTo(WAIT).withMessage(() -> "the hostile logger's row; page: " + Page.text(driver()))
                .until(d -> Page.attributes(d, "#loggers tr[data-logger]", "data-logger").contains(ShopApp.HOSTILE));

        Object shown = driver().executeScript("return Array.from(document.querySelectorAll('#loggers tr[data-logger]'))"
                + ".find(tr => tr.dataset.logger === arguments[0]).cells[0].textContent;", ShopApp.HOSTILE);
        assertThat(shown).isEqualTo(ShopApp.HOSTILE);
        assertThat(driver().executeScript("return document.querySelectorAll('img:not([src^=\"/static/\"])').length;"))
                .as("images made from the name").isEqualTo(0L);
        assertThat(driver().executeScript("return typeof window.pwned;")).isEqualTo("undefined");
    }

    @Test
    @Order(5)
    void aRolloutStartedInThePageStopsAtItsFailureBudgetAndShowsEveryNodesOutcome() throws Exception {
        open("/actions");
        WebElement method = driver().findElement(By.id("action-method"));
        method.clear();
        method.sendKeys("mbean.get");
        driver().findElement(By.id("action-args")).sendKeys("{\"name\": \"pbt.console:type=Absent\"}");
        driver().findElement(By.id("action-selector")).sendKeys("*." + fleet.suffix + "@pbt");
        setNumber("action-batch", "1");
        setNumber("action-max-failures", "1");
        driver().findElement(By.id("action-rollout")).click();

        browser.waitUpTo(WAIT).withMessage(() -> "the rollout done; page: " + Page.text(driver()) + "\n"
                + console.diagnostics())
                .until(d -> "done".equals(d.findElement(By.id("rollout-status")).getAttribute("data-state")));
        WebElement status = driver().findElement(By.id("rollout-status"));
        assertThat(status.getAttribute("data-stopped")).isEqualTo("true");
        assertThat(status.getText()).startsWith("stopped: failure budget reached");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> rows = (List<Map<String, String>>) driver().executeScript(
                "return Array.from(document.querySelectorAll('#rollout-outcomes tr[data-node]')).map(tr => ({node:"
                + " tr.dataset.node, outcome: tr.dataset.outcome, shown: tr.querySelector(\"td[data-col='outcome']\").innerText,"
                + " detail: tr.querySelector(\"td[data-col='detail']\").innerText}));");
        assertThat(rows).extracting(r -> r.get("node")).containsExactlyInAnyOrderElementsOf(fleet.javaNodes());
        assertThat(rows).filteredOn(r -> "error".equals(r.get("outcome"))).hasSize(2)
                .allSatisfy(r -> assertThat(r.get("detail")).contains("pbt.console:type=Absent"));
        assertThat(rows).filteredOn(r -> "skipped".equals(r.get("outcome"))).hasSize(2)
                .allSatisfy(r -> assertThat(r.get("shown")).isEqualTo("not run"));
    }

    private static void setNumber(String id, String value) {
        WebElement e = driver().findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    @Test
    @Order(6)
    void withoutTheTokenEveryPageAssetApiCallStreamAndMetricsIsRefused() throws Exception {
        for (String path : List.of("/", "/static/app.js", "/api/session", "/api/nodes", "/api/stream", "/metrics",
                "/api/journal")) {
            assertThat(console.open(path).statusCode()).as("GET %s without a token", path).isEqualTo(401);
            assertThat(console.open(path, "Authorization", "Bearer wrong-" + console.token).statusCode())
                    .as("GET %s with a wrong token", path).isEqualTo(401);
            assertThat(console.open(path, "Authorization", console.bearer()).statusCode())
                    .as("GET %s with the token", path).isEqualTo(200);
        }
        HttpResponse<String> call = console.send("POST", "/api/call", "{\"method\": \"ping\"}",
                "Content-Type", "application/json");
        assertThat(call.statusCode()).isEqualTo(401);
        assertThat(JsonValues.decode(call.body())).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsKey("error");
        assertThat(console.send("POST", "/api/call", "{\"method\": \"ping\"}", "Content-Type", "application/json",
                "Authorization", console.bearer()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void theBrowserLandingWithoutTheTokenSeesTheRefusalPageAndNoFleet() {
        driver().manage().deleteAllCookies();
        driver().get(console.base() + "/");

        assertThat(driver().findElements(By.cssSelector("table#fleet"))).isEmpty();
        assertThat(driver().findElements(By.cssSelector("script[src]"))).isEmpty();
        assertThat(Page.text(driver())).containsIgnoringCase("token");

        driver().get(console.loginUrl("/"));
        awaitEveryNode("answering");
        assertThat(driver().getCurrentUrl()).as("the token leaves the address bar").doesNotContain(console.token);
    }

    @Test
    @Order(8)
    void aCookieAuthenticatedPostWithoutTheCsrfHeaderOrFromAForeignOriginIsRefused() throws Exception {
        String cookie = console.cookie();
        String csrf = (String) console.session("Cookie", cookie).get("csrf");
        assertThat(csrf).as("the cookie session's CSRF value").isNotBlank();
        String body = "{\"method\": \"ping\"}";

        HttpResponse<String> noHeader = console.send("POST", "/api/call", body, "Content-Type", "application/json",
                "Cookie", cookie);
        HttpResponse<String> wrongHeader = console.send("POST", "/api/call", body, "Content-Type", "application/json",
                "Cookie", cookie, "X-Pidbox-Csrf", csrf + "x");
        HttpResponse<String> foreign = console.send("POST", "/api/call", body, "Content-Type", "application/json",
                "Cookie", cookie, "X-Pidbox-Csrf", csrf, "Origin", "http://evil.example");
        HttpResponse<String> good = console.send("POST", "/api/call", body, "Content-Type", "application/json",
                "Cookie", cookie, "X-Pidbox-Csrf", csrf, "Origin", console.base());

        assertThat(noHeader.statusCode()).as(noHeader.body()).isEqualTo(403);
        assertThat(wrongHeader.statusCode()).as(wrongHeader.body()).isEqualTo(403);
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(403);
        assertThat(good.statusCode()).as("the same request with the defence: %s", good.body()).isEqualTo(200);
    }

    @Test
    @Order(9)
    @SuppressWarnings("unchecked")
    void aReadOnlyConsoleRefusesMutationsAndDisablesTheirControlsWhileReadsWork() throws Exception {
        try (ConsoleProcess readOnly = ConsoleProcess.start(fleet.namespace, "--interval", INTERVAL.toMillis() + "ms",
                "--celery", fleet.celeryNamespace)) {
            assertThat(readOnly.session()).containsEntry("read_only", true);
            String setLogger = "{\"method\": \"set_logger\", \"to\": [\"" + orders + "\"], \"arguments\": {\"name\": \""
                    + ShopApp.LOGGER + "\", \"level\": \"SEVERE\"}}";
            String loggers = "{\"method\": \"loggers\", \"to\": [\"" + orders + "\"], \"arguments\": {\"name\": \""
                    + ShopApp.LOGGER + "\"}}";
            // A read goes through once the new console has asked the node to describe its methods (until then
            // nothing is known to be read-only, and it refuses); then the refusal of set_logger is for its tier.
            AtomicReference<HttpResponse<String>> read = new AtomicReference<>();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
                read.set(readOnly.send("POST", "/api/call", loggers, "Content-Type", "application/json",
                        "Authorization", readOnly.bearer()));
                return read.get().statusCode() == 200;
            });
            HttpResponse<String> refused = readOnly.send("POST", "/api/call", setLogger, "Content-Type",
                    "application/json", "Authorization", readOnly.bearer());

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat((Map<String, Object>) JsonValues.decode(refused.body())).containsKey("error");
            assertThat(read.get().body()).contains(ShopApp.LOGGER).contains("FINE");
            assertThat(fleet.jvms.get(orders).out()).doesNotContain("LEVEL " + ShopApp.LOGGER + " SEVERE");

            // localhost, not 127.0.0.1: a cookie of its own, the main console's session stays
            driver().get(readOnly.loginUrl("/").replace("127.0.0.1", "localhost"));
            browser.waitUpTo(WAIT).until(d -> d.findElement(By.id("mode")).getText().equals("read-only"));
            driver().get("http://localhost:" + readOnly.port + "/#" + Page.nodeHash(orders, "loggers"));
            By select = By.cssSelector("select[data-logger='" + ShopApp.LOGGER + "'][data-framework='jul']");
            browser.waitUpTo(WAIT).withMessage(() -> "the logger's level control; page: " + Page.text(driver()))
                    .until(d -> !d.findElements(select).isEmpty());
            assertThat(driver().findElement(select).isEnabled()).as("level control in read-only mode").isFalse();
            assertThat(new Select(driver().findElement(select)).getFirstSelectedOption().getText()).isEqualTo("FINE");
            driver().get("http://localhost:" + readOnly.port + "/#" + Page.nodeHash(orders, "reload"));
            browser.waitUpTo(WAIT).until(d -> !d.findElements(By.id("reload-apply")).isEmpty());
            assertThat(driver().findElement(By.id("reload-apply")).isEnabled()).isFalse();
        }
    }

    @Test
    @Order(10)
    void aKilledNodeTurnsMissingWithinTheRefreshIntervalAndStaysListed() throws Exception {
        driver().get(console.base() + "/#/");
        awaitEveryNode("answering");
        String victim = fleet.javaNodes().get(3);
        long pid = fleet.jvms.get(victim).pid();

        long killedAt = System.nanoTime();
        assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor()).isZero();
        browser.waitUpTo(WAIT).withMessage(() -> victim + " missing; page: " + Page.text(driver()))
                .until(d -> "missing".equals(Page.stateOf(d, victim)));
        Duration took = Duration.ofNanos(System.nanoTime() - killedAt);

        // One interval until the next refresh at most, its gather's deadline (under an interval), and the render.
        assertThat(took).as("kill to missing").isLessThan(INTERVAL.multipliedBy(2).plusSeconds(2));
        assertThat(Page.fleetTable(driver()).get(victim).get("state")).matches("missing since \\d\\d:\\d\\d:\\d\\d.*");
        String refresh = driver().findElement(By.tagName("body")).getAttribute("data-refresh");
        browser.waitUpTo(WAIT).until(d -> Long.parseLong(d.findElement(By.tagName("body")).getAttribute("data-refresh"))
                >= Long.parseLong(refresh) + 2);
        assertThat(Page.stateOf(driver(), victim)).as("still listed two refreshes later").isEqualTo("missing");
        for (String node : everyNode()) {
            if (!node.equals(victim)) {
                assertThat(Page.stateOf(driver(), node)).as(node).isEqualTo("answering");
            }
        }
        assertThat(driver().findElement(By.cssSelector("[data-count='missing'] b")).getText()).isEqualTo("1");
        browser.screenshot(TARGET.resolve("console-fleet-missing.png"));
    }

    @Test
    @Order(11)
    @SuppressWarnings("unchecked")
    void theJournalShowsNodesAppearingAndTheKilledOneGoingMissingAndDownloadsAsJson() throws Exception {
        String victim = fleet.javaNodes().get(3);
        open("/journal");
        browser.waitUpTo(WAIT).withMessage(() -> "the journal's missing entry; page: " + Page.text(driver()))
                .until(d -> d.findElements(By.cssSelector("#journal-list tr[data-kind='missing']")).stream()
                        .anyMatch(r -> r.getText().contains(victim)));
        List<String> appeared = driver().findElements(By.cssSelector("#journal-list tr[data-kind='appeared'] td:nth-child(3)"))
                .stream().map(WebElement::getText).toList();
        assertThat(appeared).containsAll(everyNode());
        assertThat(driver().findElement(By.id("journal-download")).getAttribute("href"))
                .isEqualTo(console.base() + "/api/journal?download=1");

        HttpResponse<String> download = console.send("GET", "/api/journal?download=1", null, "Authorization",
                console.bearer());
        assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("attachment"));
        List<Map<String, Object>> entries = (List<Map<String, Object>>) JsonValues.decode(download.body());
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("kind", "missing").containsEntry("node", victim));
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("kind", "action")
                .hasEntrySatisfying("text", t -> assertThat((String) t).contains("rollout mbean.get")));
    }
}
