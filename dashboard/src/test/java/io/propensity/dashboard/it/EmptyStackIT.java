package io.propensity.dashboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.dashboard.testing.Browser;
import io.propensity.dashboard.testing.Json;
import io.propensity.dashboard.testing.RunningStack;
import io.propensity.dashboard.testing.StackExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Before any model exists (empty registry, inference not started), the pages say so in words
 * instead of breaking, and the data overview already works.
 */
@Order(1)
@ExtendWith(StackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmptyStackIT {
  RunningStack stack;

  @BeforeAll
  void stack(RunningStack stack) {
    this.stack = stack;
  }

  @Test
  void apiSaysThereIsNoModelAndInferenceIsDown() {
    Json.Reply models = Json.get(stack.url("/api/models"));
    assertThat(models.status()).isEqualTo(200);
    assertThat(models.list("models")).isEmpty();
    Json.Reply live = Json.get(stack.url("/api/live/models"));
    assertThat(live.status()).isEqualTo(503);
    assertThat(live.body().get("error")).asString().contains("inference-service is unreachable");
  }

  @Test
  void pagesShowEmptyStatesInsteadOfBreaking() throws Exception {
    try (Browser browser = Browser.start()) {
      assertThat(browser.open(stack.url("/models.html"))).isEqualTo("empty");
      assertThat(browser.text("message")).contains("No model registered yet");
      assertThat(browser.open(stack.url("/performance.html"))).isEqualTo("empty");
      assertThat(browser.text("message")).contains("No model registered yet");
      assertThat(browser.open(stack.url("/importance.html"))).isEqualTo("empty");
      browser.screenshot("0-empty-importance");
      assertThat(browser.open(stack.url("/live.html"))).isEqualTo("error");
      assertThat(browser.text("message")).contains("inference-service is unreachable");
      browser.screenshot("0-empty-live");
      browser.severeConsoleEntries();
      assertThat(browser.open(stack.url("/"))).isEqualTo("ready");
      assertThat(browser.chartPoints("chart-daily")).isPositive();
      assertThat(browser.severeConsoleEntries()).isEmpty();
    }
  }
}
