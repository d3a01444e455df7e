package io.propensity.dashboard.live;

import io.grpc.Status;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.propensity.dashboard.api.ProtoJson;
import io.propensity.dashboard.api.ServiceCallException;
import io.propensity.dashboard.api.ServiceClients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import propensity.inference.v1.GetModelInfoRequest;

/**
 * The live page: {@code GET /api/live/models} (what inference serves), {@code POST
 * /api/live/replay} (start replaying recent events through StreamPredict) and {@code GET
 * /api/live/predictions?after=N} (the predictions since sequence number N).
 */
@Controller("/api/live")
@ExecuteOn(TaskExecutors.BLOCKING)
final class LiveController {
  private final ServiceClients clients;
  private final LiveReplay replay;

  LiveController(ServiceClients clients, LiveReplay replay) {
    this.clients = clients;
    this.replay = replay;
  }

  /**
   * Body of a replay request: how many events (1 to 100, 0 = default) for which model (empty =
   * default).
   */
  @Serdeable
  record ReplayBody(int events, @Nullable String model) {}

  @Get("/models")
  Map<String, Object> models() {
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      var info =
          clients.call(
              ServiceClients.INFERENCE_SERVICE,
              () -> clients.inference().getModelInfo(GetModelInfoRequest.getDefaultInstance()));
      var models = new java.util.ArrayList<Map<String, Object>>();
      for (var m : info.getModelsList()) {
        Map<String, Object> mm = ProtoJson.toMap(m.toBuilder().clearFeatureSchema().build());
        models.add(mm);
      }
      out.put("models", models);
      out.put("defaultModelName", info.getDefaultModelName());
      if (models.isEmpty()) {
        out.put(
            "message",
            "inference-service serves no model yet: train one and promote it to production");
      }
    } catch (ServiceCallException e) {
      if (e.status().getCode() != Status.Code.FAILED_PRECONDITION
          && e.status().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      out.put("models", List.of());
      out.put("message", "inference-service serves no model yet: " + e.status().getDescription());
    }
    return out;
  }

  @Post("/replay")
  LiveReplay.ReplayStatus start(@Body ReplayBody body) {
    return replay.start(body.events(), body.model() == null ? "" : body.model());
  }

  @Get("/predictions")
  LiveReplay.Snapshot predictions(@QueryValue(defaultValue = "0") long after) {
    return replay.since(after);
  }
}
