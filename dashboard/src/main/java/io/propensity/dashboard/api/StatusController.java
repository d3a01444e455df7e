package io.propensity.dashboard.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Map;

/** {@code GET /api/status}: the gRPC health of each service, for the status bar of every page. */
@Controller("/api/status")
@ExecuteOn(TaskExecutors.BLOCKING)
final class StatusController {
  private final ServiceClients clients;

  StatusController(ServiceClients clients) {
    this.clients = clients;
  }

  @Get
  Map<String, Object> status() {
    return Map.of(
        "services",
        List.of(
            clients.health(ServiceClients.FEATURE_SERVICE),
            clients.health(ServiceClients.TRAINING_SERVICE),
            clients.health(ServiceClients.INFERENCE_SERVICE)));
  }
}
