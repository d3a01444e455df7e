package io.propensity.dashboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.propensity.dashboard.testing.Browser;
import io.propensity.dashboard.testing.RunningStack;
import io.propensity.dashboard.testing.StackExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * Every page in headless Chromium against the running stack: it loads without console errors, its
 * charts hold data and are painted, the promote and rollback buttons move the registry's production
 * alias, and the live page shows predictions of a replay it starts. Screenshots go to
 * /tmp/propensity-dashboard-screens.
 */
@Order(3)
@ExtendWith(StackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {
  RunningStack stack;
  Browser browser;

  @BeforeAll
  void start(RunningStack stack) throws Exception {
    this.stack = stack;
    browser = Browser.start();
    stack.trainAndServe();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  private void assertPage(String path, String screenshot, List<String> charts) throws Exception {
    browser.severeConsoleEntries();
    assertThat(browser.open(stack.url(path)))
        .as(path + " state; message: " + browser.text("message"))
        .isEqualTo("ready");
    for (String chart : charts) {
      assertThat(browser.chartPoints(chart)).as(path + " " + chart + " data points").isPositive();
      assertThat(browser.chartPainted(chart)).as(path + " " + chart + " painted").isTrue();
    }
    browser.screenshot(screenshot);
    assertThat(browser.severeConsoleEntries()).as(path + " console errors").isEmpty();
  }

  @Test
  void dataOverviewRendersItsChartsAndTables() throws Exception {
    assertPage(
        "/", "1-overview", List.of("chart-daily", "chart-types", "chart-dwell", "chart-funnel"));
    assertThat(browser.driver().findElements(By.cssSelector("#events tr"))).hasSizeGreaterThan(5);
    assertThat(browser.driver().findElements(By.cssSelector("#sessions tr"))).hasSizeGreaterThan(2);
    assertThat(browser.driver().findElements(By.cssSelector("#features th")).size())
        .isGreaterThan(50);
  }

  @Test
  void modelPerformanceRendersMetricsIntervalsCurvesLiftAndTrials() throws Exception {
    assertPage(
        "/performance.html",
        "2-performance",
        List.of(
            "chart-confusion",
            "chart-roc",
            "chart-pr",
            "chart-gain",
            "chart-calibration",
            "chart-trials"));
    assertThat(browser.text("metrics"))
        .contains("F1")
        .contains("Precision")
        .contains("Recall")
        .contains("baseline");
    // the reliability curve has its bins beside the two ends of the diagonal
    assertThat(browser.chartPoints("chart-calibration")).isGreaterThan(2);
    assertThat(browser.text("calibration")).contains("Brier").contains("ECE");
    assertThat(browser.text("calibration-method")).startsWith("(calibration: ");
    assertThat(browser.text("comparison"))
        .contains("95% confidence intervals")
        .contains("bootstrap resamples of")
        .contains("logistic baseline");
    assertThat(browser.text("intervals"))
        .contains("model − baseline")
        .containsPattern("ROC-AUC\\s+0\\.[0-9]{3} \\[0\\.[0-9]{3}, [01]\\.[0-9]{3}\\]")
        .containsPattern("[+−][0-9]\\.[0-9]{3} \\[[+−][0-9]\\.[0-9]{3}, [+−][0-9]\\.[0-9]{3}\\]");
    assertThat(browser.text("rules")).contains("bought in the last 30 days");
  }

  @Test
  void featureImportanceRendersShapSummaryAndDependence() throws Exception {
    assertPage("/importance.html", "3-importance", List.of("chart-importance", "chart-dependence"));
  }

  @Test
  void liveReplayShowsEachUsersPredictionsWithTopFactorsAndHistorySeed() throws Exception {
    assertPage("/live.html", "5-live-before", List.of());
    browser.driver().findElement(By.id("count")).clear();
    browser.driver().findElement(By.id("count")).sendKeys("20");
    browser.driver().findElement(By.id("replay")).click();
    await("predictions on the page")
        .atMost(Duration.ofSeconds(60))
        .until(() -> browser.driver().findElements(By.cssSelector("#predictions tr")).size() > 20);
    assertThat(browser.chartPoints("chart-live")).isGreaterThanOrEqualTo(20);
    assertThat(browser.chartSeries("chart-live"))
        .as("one series per user")
        .isGreaterThanOrEqualTo(3);
    assertThat(browser.driver().findElements(By.cssSelector("#users tr")))
        .as("header and one row per user")
        .hasSizeGreaterThan(3);
    assertThat(browser.text("users")).containsPattern("seeded from [1-9][0-9]* stored events");
    assertThat(browser.driver().findElements(By.cssSelector("#predictions .factor"))).isNotEmpty();
    browser.screenshot("5-live");
    assertThat(browser.severeConsoleEntries()).isEmpty();
  }

  @Test
  void promoteAndRollbackButtonsMoveProductionInTheRegistry() throws Exception {
    synchronized (RunningStack.class) {
      assertPage("/models.html", "4-models", List.of());
      long before = stack.productionVersion();
      long other = before == 1 ? 2 : 1;
      browser.driver().findElement(By.id("promote-" + RunningStack.MODEL + "-" + other)).click();
      await("production moved to v" + other)
          .atMost(Duration.ofSeconds(20))
          .until(() -> stack.productionVersion() == other);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  "done"
                      .equals(
                          browser
                              .driver()
                              .findElement(By.tagName("body"))
                              .getAttribute("data-action")));
      assertThat(browser.text("message")).contains("production now points at v" + other);
      browser.screenshot("4-models-promoted");
      stack.awaitServing(other);
      browser.driver().findElement(By.id("rollback-" + RunningStack.MODEL)).click();
      await("production rolled back to v" + before)
          .atMost(Duration.ofSeconds(20))
          .until(() -> stack.productionVersion() == before);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> browser.text("message").contains("rolled back"));
      assertThat(browser.severeConsoleEntries()).isEmpty();
      stack.awaitServing(before);
    }
  }
}
