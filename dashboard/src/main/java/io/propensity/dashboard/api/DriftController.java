package io.propensity.dashboard.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Map;
import propensity.inference.v1.GetDriftRequest;
import propensity.inference.v1.GetModelInfoRequest;

/**
 * {@code GET /api/drift}: the models inference-service serves; {@code GET /api/drift/NAME?hours=H}:
 * the served version's drift over the last H hours (default: the service's window) — PSI per
 * feature, largest first, and the score's distribution, reference against live.
 */
@Controller("/api/drift")
@ExecuteOn(TaskExecutors.BLOCKING)
final class DriftController {
  private final ServiceClients clients;

  DriftController(ServiceClients clients) {
    this.clients = clients;
  }

  @Get
  List<Map<String, Object>> served() {
    var response =
        clients.call(
            ServiceClients.INFERENCE_SERVICE,
            () -> clients.inference().getModelInfo(GetModelInfoRequest.getDefaultInstance()));
    return ProtoJson.toMaps(response.getModelsList());
  }

  @Get("/{name}")
  Map<String, Object> drift(@PathVariable String name, @Nullable @QueryValue Integer hours) {
    GetDriftRequest.Builder request = GetDriftRequest.newBuilder().setModelName(name);
    if (hours != null) {
      request.setWindow(com.google.protobuf.Duration.newBuilder().setSeconds(hours * 3600L));
    }
    var response =
        clients.call(
            ServiceClients.INFERENCE_SERVICE, () -> clients.inference().drift(request.build()));
    return ProtoJson.toMap(response);
  }
}
