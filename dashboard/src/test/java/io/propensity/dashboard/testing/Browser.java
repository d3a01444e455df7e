package io.propensity.dashboard.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/** Debian's headless Chromium driven by its chromedriver; skips the test when either is missing. */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Screenshots go here, outside the repository. */
  public static final Path SCREENSHOTS =
      Path.of(System.getProperty("dashboard.screenshots", "/tmp/propensity-dashboard-screens"));

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Starts a fresh browser profile, or skips the calling test when Chromium is not installed. */
  public static Browser start() throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): apt-get install chromium chromium-driver");
    Path profile =
        Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile,
        "--window-size=1400,1000");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new Browser(new ChromeDriver(service, options));
  }

  public ChromeDriver driver() {
    return driver;
  }

  /**
   * Opens a page and waits until its script says it has loaded (ready, empty or error); returns
   * that state.
   */
  public String open(String url) {
    driver.get(url);
    await("page " + url + " loaded")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> driver.findElement(By.tagName("body")).getAttribute("data-state") != null);
    return driver.findElement(By.tagName("body")).getAttribute("data-state");
  }

  /** Console entries of level SEVERE since the last call (errors, failed requests). */
  public List<String> severeConsoleEntries() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::toString)
        .toList();
  }

  /**
   * Data points in the series of the ECharts chart rendered into the element with this id (0 if
   * none).
   */
  public long chartPoints(String id) {
    Object n =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const c = window.dashboard && window.dashboard.charts[arguments[0]];"
                    + "if (!c) return 0;"
                    + "return c.getOption().series.reduce((n, s) => n + (s.data ? s.data.length : 0), 0);",
                id);
    return ((Number) n).longValue();
  }

  /** Number of series of a chart (0 when it is not drawn). */
  public long chartSeries(String id) {
    Object n =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const c = window.dashboard && window.dashboard.charts[arguments[0]];"
                    + "return c ? c.getOption().series.length : 0;",
                id);
    return ((Number) n).longValue();
  }

  /** Whether the chart's canvas has any non-transparent pixel. */
  public boolean chartPainted(String id) {
    Object painted =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const canvas = document.querySelector('#' + arguments[0] + ' canvas');"
                    + "if (!canvas) return false;"
                    + "const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;"
                    + "for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }"
                    + "return false;",
                id);
    return Boolean.TRUE.equals(painted);
  }

  /** Text of the element with this id. */
  public String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  /** Saves a full-page screenshot as {@code name}.png under {@link #SCREENSHOTS}. */
  public Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    long height =
        ((Number) ((JavascriptExecutor) driver).executeScript("return document.body.scrollHeight"))
            .longValue();
    driver
        .manage()
        .window()
        .setSize(
            new org.openqa.selenium.Dimension(
                1400, (int) Math.min(4000, Math.max(1000, height + 40))));
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
    return file;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
