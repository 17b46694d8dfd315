package dev.pidbox.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One real headless Chromium (Debian's {@code chromium}) driven through Debian's {@code chromedriver}, both named
 * by path so that Selenium Manager never goes to the network; a fresh profile in a temporary directory, removed
 * on close. {@code PIDBOX_CHROMIUM} and {@code PIDBOX_CHROMEDRIVER} name other binaries.
 */
final class HeadlessChromium implements AutoCloseable {
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Path chromium() {
        return Paths.get(env("PIDBOX_CHROMIUM", "/usr/bin/chromium"));
    }

    static Path chromedriver() {
        return Paths.get(env("PIDBOX_CHROMEDRIVER", "/usr/bin/chromedriver"));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /** Null when both programs are there, else why not. */
    static String missingReason() {
        for (Path p : new Path[] {chromium(), chromedriver()}) {
            if (!Files.isExecutable(p)) {
                return p + " is missing (apt-get install -y chromium chromium-driver)";
            }
        }
        return null;
    }

    static HeadlessChromium start() throws IOException {
        Path profile = Files.createTempDirectory("pbt-bench-chromium-");
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
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return new HeadlessChromium(driver, profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Runs {@code script} in the page and returns its value. */
    Object script(String script) {
        return driver.executeScript(script);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
