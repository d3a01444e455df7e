package io.propensity.dashboard.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Map;
import propensity.features.v1.GetDataOverviewRequest;

/**
 * {@code GET /api/overview?sample=20&timeZone=UTC}: the feature-service's data overview (volumes,
 * sample raw events, processed sessions, online feature rows with their schema, dwell by hour,
 * funnel, events per day).
 */
@Controller("/api/overview")
@ExecuteOn(TaskExecutors.BLOCKING)
final class OverviewController {
  private final ServiceClients clients;

  OverviewController(ServiceClients clients) {
    this.clients = clients;
  }

  @Get
  Map<String, Object> overview(
      @QueryValue(defaultValue = "20") int sample, @Nullable @QueryValue String timeZone) {
    var request =
        GetDataOverviewRequest.newBuilder()
            .setSampleSize(Math.max(1, Math.min(100, sample)))
            .setTimeZone(timeZone == null ? "" : timeZone)
            .build();
    var response =
        clients.call(
            ServiceClients.FEATURE_SERVICE,
            () -> clients.features(clients.config().overviewDeadline()).getDataOverview(request));
    return ProtoJson.toMap(response);
  }
}
