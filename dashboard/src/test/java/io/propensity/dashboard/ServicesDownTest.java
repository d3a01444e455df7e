package io.propensity.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.propensity.common.testing.ServiceProcess;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With every service down, the dashboard still serves its pages, says which service is unreachable
 * where, and answers each API call with 503 and that message instead of failing.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServicesDownTest implements TestPropertyProvider {
  private final String features = "127.0.0.1:" + ServiceProcess.freePort();
  private final String training = "127.0.0.1:" + ServiceProcess.freePort();
  private final String inference = "127.0.0.1:" + ServiceProcess.freePort();

  @Inject
  @Client("/")
  HttpClient http;

  @Override
  public Map<String, String> getProperties() {
    return Map.of(
        "propensity.dashboard.feature-service", features,
        "propensity.dashboard.training-service", training,
        "propensity.dashboard.inference-service", inference,
        "propensity.dashboard.deadline", "10s");
  }

  @Test
  @SuppressWarnings("unchecked")
  void statusReportsEachServiceUnreachableWithItsAddress() {
    Map<String, Object> status =
        http.toBlocking().retrieve(HttpRequest.GET("/api/status"), Map.class);
    List<Map<String, Object>> services = (List<Map<String, Object>>) status.get("services");
    assertThat(services)
        .extracting(s -> s.get("service"))
        .containsExactly("feature-service", "training-service", "inference-service");
    assertThat(services).allSatisfy(s -> assertThat(s.get("status")).isEqualTo("UNREACHABLE"));
    assertThat(services.get(0).get("message"))
        .asString()
        .contains("feature-service is unreachable at " + features);
  }

  @Test
  void everyApiCallAnswers503NamingTheUnreachableService() {
    assertUnavailable(HttpRequest.GET("/api/overview"), "feature-service", features);
    assertUnavailable(HttpRequest.GET("/api/models"), "training-service", training);
    assertUnavailable(
        HttpRequest.GET("/api/models/purchase-7d/versions/production"),
        "training-service",
        training);
    assertUnavailable(
        HttpRequest.POST("/api/models/purchase-7d/promote", Map.of("version", 2)),
        "training-service",
        training);
    assertUnavailable(
        HttpRequest.POST("/api/models/purchase-7d/rollback", Map.of()),
        "training-service",
        training);
    assertUnavailable(
        HttpRequest.GET("/api/models/purchase-7d/shap"), "inference-service", inference);
    assertUnavailable(HttpRequest.GET("/api/live/models"), "inference-service", inference);
    assertUnavailable(HttpRequest.GET("/api/score/models"), "inference-service", inference);
    assertUnavailable(
        HttpRequest.POST(
            "/api/score/sessions-csv",
            Map.of("values", Map.of("Month", "Nov", "PageValues", 1.5, "Weekend", true))),
        "inference-service",
        inference);
    assertUnavailable(
        HttpRequest.POST("/api/live/replay", Map.of("events", 5)), "feature-service", features);
  }

  @Test
  @SuppressWarnings("unchecked")
  void liveFeedIsEmptyButAnswersWhileNothingRuns() {
    Map<String, Object> feed =
        http.toBlocking().retrieve(HttpRequest.GET("/api/live/predictions?after=0"), Map.class);
    assertThat((List<Object>) feed.get("predictions")).isEmpty();
    assertThat((Map<String, Object>) feed.get("replay")).containsEntry("running", false);
  }

  @Test
  void pagesChartsLibraryHealthAndMetricsAreServed() {
    for (String page :
        List.of("/", "/performance.html", "/importance.html", "/models.html", "/live.html")) {
      String html = http.toBlocking().retrieve(page);
      assertThat(html)
          .as(page)
          .contains("<header id=\"nav\">")
          .contains("/webjars/echarts/")
          .doesNotContain("${");
    }
    assertThat((String) http.toBlocking().retrieve("/score.html"))
        .contains("<header id=\"nav\">")
        .contains("/score.js");
    String html = http.toBlocking().retrieve("/");
    String echarts =
        html.substring(
            html.indexOf("/webjars/echarts/"),
            html.indexOf("echarts.min.js") + "echarts.min.js".length());
    assertThat(http.toBlocking().exchange(echarts, byte[].class).getStatus().getCode())
        .isEqualTo(200);
    assertThat((String) http.toBlocking().retrieve("/health")).contains("UP");
    assertThat((String) http.toBlocking().retrieve("/prometheus"))
        .contains("jvm_memory_used_bytes");
  }

  @SuppressWarnings("unchecked")
  private void assertUnavailable(HttpRequest<?> request, String service, String target) {
    try {
      http.toBlocking().exchange(request, Map.class);
      throw new AssertionError(request.getPath() + " should have failed");
    } catch (HttpClientResponseException e) {
      assertThat(e.getStatus().getCode()).as(request.getPath()).isEqualTo(503);
      Map<String, Object> body = e.getResponse().getBody(Map.class).orElseThrow();
      assertThat(body)
          .as(request.getPath())
          .containsEntry("service", service)
          .containsEntry("target", target)
          .containsEntry("code", "UNAVAILABLE");
      assertThat((Object) body.get("error"))
          .asString()
          .contains(service + " is unreachable at " + target);
    }
  }
}
