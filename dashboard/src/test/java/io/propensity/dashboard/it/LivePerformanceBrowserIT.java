package io.propensity.dashboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.dashboard.testing.Browser;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import propensity.inference.v1.GetLiveMetricsRequest;
import propensity.inference.v1.GetLiveMetricsResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.LiveInterval;
import propensity.inference.v1.LiveMetrics;
import propensity.registry.v1.ListModelVersionsRequest;
import propensity.registry.v1.ListModelVersionsResponse;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.ListModelsResponse;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelRegistryServiceGrpc;

/**
 * The "Live performance" page in headless Chromium against a planted GetLiveMetrics answer (a fake
 * gRPC registry and inference-service on loopback): it shows each version's and alias's metrics
 * with their intervals, overall and per day, and the ROC-AUC chart with its interval bars; it says
 * so when no outcome is joined yet; and a failing inference-service is an error banner, not a blank
 * page. Skipped without Chromium.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LivePerformanceBrowserIT implements TestPropertyProvider {
  static final String MODEL = "purchase-1d";
  static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

  /** What GetLiveMetrics answers next: a response, or a status to fail with. */
  final AtomicReference<Object> answer = new AtomicReference<>();

  final AtomicReference<GetLiveMetricsRequest> asked = new AtomicReference<>();
  Server fake;
  Browser browser;
  @Inject EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    try {
      fake =
          ServerBuilder.forPort(0)
              .addService(new Registry())
              .addService(new Inference())
              .build()
              .start();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String target = "127.0.0.1:" + fake.getPort();
    return Map.of(
        "propensity.dashboard.feature-service", target,
        "propensity.dashboard.training-service", target,
        "propensity.dashboard.inference-service", target,
        "propensity.dashboard.deadline", "10s");
  }

  @BeforeAll
  void start() throws Exception {
    browser = Browser.start();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (browser != null) {
      browser.close();
    }
    fake.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** The page, loaded afresh (a URL differing only in its hash would not reload it). */
  String url() {
    return "http://127.0.0.1:"
        + server.getPort()
        + "/live-performance.html?load="
        + System.nanoTime()
        + "#"
        + MODEL;
  }

  @Test
  void showsEachVersionsMetricsPerDayWithTheirIntervals() throws Exception {
    GetLiveMetricsResponse.Builder r =
        GetLiveMetricsResponse.newBuilder()
            .setModelName(MODEL)
            .setJoinedUntil(ts(TODAY.atStartOfDay(ZoneOffset.UTC).toInstant()))
            .addOverall(metrics(1, "production", null, 840, 69, 0.6361, 0.571, 0.701))
            .addOverall(metrics(2, "challenger", null, 840, 69, 0.8123, 0.765, 0.859));
    for (int d = 3; d >= 1; d--) {
      LocalDate day = TODAY.minusDays(d);
      r.addDaily(metrics(1, "production", day, 120, 10, 0.60 + d / 100.0, 0.45, 0.75));
      r.addDaily(metrics(2, "challenger", day, 120, 10, 0.80 + d / 100.0, 0.68, 0.92));
    }
    answer.set(r.build());

    assertThat(browser.open(url())).as("state; " + browser.text("message")).isEqualTo("ready");
    assertThat(asked.get().getModelName()).isEqualTo(MODEL);
    assertThat(browser.text("report-title")).contains(MODEL);
    assertThat(browser.text("report-joined")).contains("Outcomes joined");

    List<String> overall = rows("overall");
    assertThat(overall).hasSize(2);
    assertThat(overall.get(0)).contains("v1", "production", "840", "69", "0.636", "0.571 – 0.701");
    assertThat(overall.get(1)).contains("v2", "challenger", "0.812", "0.765 – 0.859");

    List<String> daily = rows("daily");
    assertThat(daily).hasSize(6);
    assertThat(daily.get(0))
        .startsWith(TODAY.minusDays(3).toString())
        .contains("v1", "production", "0.630", "0.450 – 0.750");
    assertThat(daily)
        .anyMatch(
            t ->
                t.startsWith(TODAY.minusDays(1).toString())
                    && t.contains("v2")
                    && t.contains("0.810")
                    && t.contains("0.680 – 0.920"));

    // two versions: a line and an interval series each, and the chance line; three days
    assertThat(browser.chartSeries("chart-auc")).isEqualTo(5);
    assertThat(browser.chartPoints("chart-auc")).isPositive();
    assertThat(browser.chartPainted("chart-auc")).isTrue();
    browser.screenshot("13-live-performance");
  }

  @Test
  void saysSoWhenNoOutcomeIsJoinedYet() {
    answer.set(GetLiveMetricsResponse.newBuilder().setModelName(MODEL).build());
    assertThat(browser.open(url())).isEqualTo("empty");
    assertThat(browser.text("message")).contains("No labelled prediction of " + MODEL + " yet");
    assertThat(browser.text("report-joined")).isEqualTo("No outcome joined yet.");
    assertThat(rows("overall")).isEmpty();
  }

  @Test
  void aFailingInferenceServiceIsAnErrorBanner() {
    answer.set(Status.FAILED_PRECONDITION.withDescription("the served-prediction log is disabled"));
    assertThat(browser.open(url())).isEqualTo("error");
    WebElement banner = browser.driver().findElement(By.id("message"));
    assertThat(banner.getAttribute("class")).contains("error");
    assertThat(banner.isDisplayed()).isTrue();
    assertThat(banner.getText()).contains("served-prediction log is disabled");
  }

  List<String> rows(String table) {
    return browser.driver().findElements(By.cssSelector("#" + table + " tr")).stream()
        .filter(tr -> !tr.findElements(By.tagName("td")).isEmpty())
        .map(WebElement::getText)
        .toList();
  }

  static LiveMetrics metrics(
      long version,
      String alias,
      LocalDate day,
      long count,
      long positives,
      double auc,
      double low,
      double high) {
    LiveMetrics.Builder m =
        LiveMetrics.newBuilder()
            .setModelVersion(version)
            .setModelAlias(alias)
            .setCount(count)
            .setPositives(positives)
            .setThreshold(0.3)
            .setPrecision(0.4)
            .setRecall(0.5)
            .setF1(0.444)
            .setRocAuc(auc)
            .setRocAucInterval(LiveInterval.newBuilder().setLow(low).setHigh(high))
            .setPrAuc(auc / 3)
            .setMeanPredicted(0.09)
            .setObservedRate(positives / (double) count)
            .setEce(0.02)
            .setBrier(0.07);
    if (day != null) {
      m.setDay(ts(day.atStartOfDay(ZoneOffset.UTC).toInstant()));
    }
    return m.build();
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
  }

  final class Inference extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void getLiveMetrics(
        GetLiveMetricsRequest request, StreamObserver<GetLiveMetricsResponse> out) {
      asked.set(request);
      Object a = answer.get();
      if (a instanceof Status s) {
        out.onError(s.asRuntimeException());
        return;
      }
      out.onNext((GetLiveMetricsResponse) a);
      out.onCompleted();
    }
  }

  static final class Registry extends ModelRegistryServiceGrpc.ModelRegistryServiceImplBase {
    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> out) {
      out.onNext(
          ListModelsResponse.newBuilder()
              .addModels(
                  Model.newBuilder()
                      .setName(MODEL)
                      .setLatestVersion(2)
                      .setVersionCount(2)
                      .putAliases("production", 1)
                      .putAliases("challenger", 2))
              .build());
      out.onCompleted();
    }

    @Override
    public void listModelVersions(
        ListModelVersionsRequest request, StreamObserver<ListModelVersionsResponse> out) {
      out.onNext(ListModelVersionsResponse.getDefaultInstance());
      out.onCompleted();
    }
  }
}
