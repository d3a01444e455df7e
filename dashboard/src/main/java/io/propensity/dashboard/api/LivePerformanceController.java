package io.propensity.dashboard.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import propensity.inference.v1.GetLiveMetricsRequest;

/**
 * {@code GET /api/live-performance/MODEL?days=N}: the model's live metrics per version, alias and
 * UTC day (inference-service's GetLiveMetrics over its served predictions joined to outcomes).
 */
@Controller("/api/live-performance")
@ExecuteOn(TaskExecutors.BLOCKING)
final class LivePerformanceController {
  private final ServiceClients clients;

  LivePerformanceController(ServiceClients clients) {
    this.clients = clients;
  }

  @Get("/{model}")
  Map<String, Object> metrics(
      @PathVariable String model, @QueryValue(defaultValue = "30") int days) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    GetLiveMetricsRequest request =
        GetLiveMetricsRequest.newBuilder()
            .setModelName(model)
            .setStartDay(day(today.minusDays(Math.max(0, days - 1L))))
            .setEndDay(day(today))
            .build();
    var response =
        clients.call(
            ServiceClients.INFERENCE_SERVICE, () -> clients.inference().getLiveMetrics(request));
    return ProtoJson.toMap(response);
  }

  private static com.google.protobuf.Timestamp day(LocalDate d) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(d.atStartOfDay(ZoneOffset.UTC).toEpochSecond())
        .build();
  }
}
