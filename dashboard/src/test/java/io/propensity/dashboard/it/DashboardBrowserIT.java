package io.propensity.dashboard.it;

import static io.propensity.dashboard.testing.SessionsTable.category;
import static io.propensity.dashboard.testing.SessionsTable.flag;
import static io.propensity.dashboard.testing.SessionsTable.missing;
import static io.propensity.dashboard.testing.SessionsTable.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.ProvidedFeatures;

/**
 * Every page in headless Chromium against the running stack: it loads without console errors, its
 * charts hold data and are painted, the promote and rollback buttons move the registry's production
 * alias, the live page shows predictions of a replay it starts, and a PROVIDED model (trained from
 * a CSV table) shows its schema, its performance and importance, and scores a row typed into its
 * form exactly as inference-service's Predict does. Screenshots go to
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
    stack.trainProvidedAndServe();
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
  void campaignsPageShowsTargetedAgainstControlWithTheUpliftInterval() throws Exception {
    stack.recordDemoCampaign("browser-campaign", 200);
    assertPage("/campaigns.html#browser-campaign", "11-campaigns", List.of("chart-conversion"));
    assertThat(browser.driver().findElements(By.cssSelector("#campaigns a[data-campaign]")))
        .extracting(WebElement::getText)
        .contains("browser-campaign");
    assertThat(browser.text("report-title")).contains("browser-campaign");
    assertThat(browser.driver().findElements(By.cssSelector("#groups tr"))).hasSize(3);
    assertThat(browser.text("groups")).contains("180").contains("20");
    assertThat(browser.text("uplift-interval")).matches("[+-]\\d+\\.\\d\\d% to [+-]\\d+\\.\\d\\d%");
  }

  @Test
  void driftPageShowsPsiPerFeatureAndTheScoreDistributionAgainstTraining() throws Exception {
    stack.trainAndServe();
    // served traffic: the demo users scored by id, so the log holds their feature values
    var inference =
        new io.propensity.client.InferenceServiceClient(
            stack.inferenceChannel(), java.time.Duration.ofSeconds(30));
    var batch =
        propensity.inference.v1.PredictBatchRequest.newBuilder().setModelName(RunningStack.MODEL);
    for (int i = 0; i < 300; i++) {
      batch.addInputs(
          propensity.inference.v1.PredictionInput.newBuilder()
              .setUserId(io.propensity.sources.demo.DemoDataGenerator.userId(i)));
    }
    inference.predictBatch(batch.build());
    org.awaitility.Awaitility.await("drift sees the served rows")
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                inference
                        .drift(
                            propensity.inference.v1.GetDriftRequest.newBuilder()
                                .setModelName(RunningStack.MODEL)
                                .build())
                        .getRowsUsed()
                    >= 300);
    assertPage(
        "/drift.html#" + RunningStack.MODEL, "12-drift", List.of("chart-psi", "chart-score"));
    assertThat(browser.text("drift-title")).contains(RunningStack.MODEL);
    assertThat(browser.text("drift-window")).containsPattern("[0-9,]+ predictions compared");
    assertThat(browser.driver().findElements(By.cssSelector("#psi-table tr")).size())
        .isGreaterThan(50);
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

  @Test
  void modelsPageSaysWhereFeaturesComeFromWithAProvidedModelsSchema() throws Exception {
    assertPage("/models.html", "6-models-sources", List.of());
    assertThat(browser.text("features-" + RunningStack.MODEL))
        .contains("ENGINE: features computed from events by feature-service");
    assertThat(browser.text("features-" + RunningStack.PROVIDED_MODEL))
        .contains("PROVIDED: scores rows you send (5 features")
        .contains("Month")
        .contains("Dec, Feb, Mar, May, Nov")
        .contains("VisitorType")
        .contains("native");
  }

  @Test
  void performanceAndImportanceOfAProvidedModelRenderAsForAnEngineOne() throws Exception {
    String model = "?model=" + RunningStack.PROVIDED_MODEL;
    assertPage(
        "/performance.html" + model,
        "7-provided-performance",
        List.of("chart-confusion", "chart-roc", "chart-pr", "chart-gain", "chart-calibration"));
    assertThat(browser.text("version-info")).contains("PROVIDED: scores rows you send");
    assertPage(
        "/importance.html" + model,
        "8-provided-importance",
        List.of("chart-importance", "chart-dependence"));
    assertThat(browser.text("dependence-info")).contains("no online rows");
    assertThat(browser.text("feature-description")).isNotBlank();
  }

  @Test
  void aRowTypedIntoTheFormScoresAsInferencePredictsItWithItsTopFactors() throws Exception {
    assertPage("/score.html?model=" + RunningStack.PROVIDED_MODEL, "9-score-form", List.of());
    var driver = browser.driver();
    driver.findElement(By.id("row-id")).sendKeys("session-7");
    choose(field("Month"), "Nov");
    choose(field("VisitorType"), "");
    choose(field("Weekend"), "true");
    field("PageValues").sendKeys("12.5");
    // ProductDuration left empty: missing
    submit();
    assertThat(browser.text("message")).isEmpty();
    double shown =
        Double.parseDouble(driver.findElement(By.id("probability")).getAttribute("data-value"));
    Prediction direct =
        stack.predictProvided(
            ProvidedFeatures.newBuilder()
                .putValues("Month", category("Nov"))
                .putValues("VisitorType", missing())
                .putValues("Weekend", flag(true))
                .putValues("PageValues", number(12.5))
                .putValues("ProductDuration", missing())
                .build());
    assertThat(shown).isCloseTo(direct.getProbability(), within(1e-9));
    assertThat(browser.text("decision")).isEqualTo(direct.getLabel() ? "positive" : "negative");
    assertThat(browser.text("result")).contains("session-7");
    assertThat(driver.findElements(By.cssSelector("#factors .factor"))).hasSize(5);
    assertThat(browser.text("factors")).contains(direct.getFactors(0).getFeature());
    browser.screenshot("9-score-result");
    assertThat(browser.severeConsoleEntries()).as("a 200 leaves no console error").isEmpty();
  }

  @Test
  void aLevelTheModelDoesNotKnowIsShownNextToItsFieldAndAnEngineModelGetsNoForm() throws Exception {
    assertPage("/score.html?model=" + RunningStack.PROVIDED_MODEL, "10-score-error", List.of());
    var driver = browser.driver();
    // a page older than the served version may offer a level the model no longer knows
    ((JavascriptExecutor) driver)
        .executeScript(
            "const s = arguments[0]; const o = document.createElement('option');"
                + " o.value = o.textContent = 'Jan'; s.appendChild(o); s.value = 'Jan';",
            field("Month"));
    submit();
    assertThat(driver.findElement(By.tagName("body")).getAttribute("data-action"))
        .isEqualTo("failed");
    assertThat(browser.text("violation-0")).contains("Jan");
    assertThat(browser.text("violation-1")).isEmpty();
    assertThat(browser.text("message")).contains("inference-service");
    browser.screenshot("10-score-error");
    browser.severeConsoleEntries(); // the 400 itself is logged by the browser

    choose(driver.findElement(By.id("model")), RunningStack.MODEL);
    assertThat(browser.text("message"))
        .contains(RunningStack.MODEL + " is an ENGINE model")
        .contains("computed from events by feature-service");
    assertThat(driver.findElement(By.id("content")).isDisplayed()).isFalse();
  }

  private WebElement field(String feature) {
    return browser.driver().findElement(By.cssSelector("#fields [data-feature='" + feature + "']"));
  }

  /** Picks the option of a select by its value, as a click does (firing its change event). */
  private static void choose(WebElement select, String value) {
    select.findElement(By.cssSelector("option[value='" + value + "']")).click();
  }

  private void submit() {
    browser.driver().findElement(By.id("score")).click();
    await("the row scored or refused")
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              String action =
                  browser.driver().findElement(By.tagName("body")).getAttribute("data-action");
              return "done".equals(action) || "failed".equals(action);
            });
  }
}
