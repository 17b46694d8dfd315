package dev.pidbox.it.console;

import java.io.File;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium}) through its own {@code chromedriver}, both named by path so
 * that Selenium Manager never looks for a driver on the network. Tests annotated {@link Required} are skipped with
 * a printed reason when either is absent, and fail instead when {@code CI} or {@code PIDBOX_REQUIRE_INTEROP} is set.
 */
public final class Browser implements AutoCloseable {
    /** Marks a test class that needs Chromium and chromedriver. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(Condition.class)
    public @interface Required {
    }

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Path chromium() {
        return Paths.get(env("PIDBOX_CHROMIUM", "/usr/bin/chromium"));
    }

    public static Path chromedriver() {
        return Paths.get(env("PIDBOX_CHROMEDRIVER", "/usr/bin/chromedriver"));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /** Null when both programs are there, else why not. */
    public static String missingReason() {
        for (Path p : new Path[] {chromium(), chromedriver()}) {
            if (!Files.isExecutable(p)) {
                return p + " is missing; install Debian's chromium and chromium-driver (apt-get install -y chromium"
                        + " chromium-driver) or set PIDBOX_CHROMIUM / PIDBOX_CHROMEDRIVER";
            }
        }
        return null;
    }

    /** A new headless browser with a fresh profile, 1400 x 900 CSS pixels. */
    public static Browser start() throws IOException {
        Path profile = Files.createTempDirectory("pbt-chromium-");
        System.setProperty("webdriver.chrome.driver", chromedriver().toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().toFile())
                .usingAnyFreePort()
                .withLogFile(profile.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,900", "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Runs {@code script} in the page and returns its value. */
    public Object script(String script) {
        return driver.executeScript(script);
    }

    WebDriverWait waitUpTo(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Saves a PNG of the page as {@code file}: the viewport is made as tall as the page (300 to 900 pixels) for the
     * shot, and the window put back to 1400 x 900 afterwards.
     */
    public Path screenshot(Path file) throws IOException {
        long[] heights = ((List<?>) driver.executeScript("return [Math.ceil(document.body.getBoundingClientRect().height),"
                + " window.outerHeight - window.innerHeight];")).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
        long viewport = Math.max(300, Math.min(900, heights[0]));
        driver.manage().window().setSize(new Dimension(1400, (int) (viewport + heights[1])));
        File shot;
        try {
            shot = driver.getScreenshotAs(OutputType.FILE);
        } finally {
            driver.manage().window().setSize(new Dimension(1400, 900));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir left behind
            }
        }
    }

    /** Skips (or, in CI or with PIDBOX_REQUIRE_INTEROP, fails) browser tests when Chromium is absent. */
    public static final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String reason = missingReason();
            if (reason == null) {
                return ConditionEvaluationResult.enabled("chromium and chromedriver present");
            }
            if (isSet("CI") || isSet("PIDBOX_REQUIRE_INTEROP")) {
                throw new IllegalStateException("CI or PIDBOX_REQUIRE_INTEROP is set but " + reason);
            }
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }

        private static boolean isSet(String name) {
            String v = System.getenv(name);
            return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
        }
    }
}
