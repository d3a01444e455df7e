package io.propensity.dashboard.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/campaigns}: the campaigns recorded in feature-service, newest first; {@code GET
 * /api/campaigns/NAME}: conversion of its targeted against its control users, uplift with a 95%
 * interval, and the model's predicted rates.
 */
@Controller("/api/campaigns")
@ExecuteOn(TaskExecutors.BLOCKING)
final class CampaignsController {
  private final ServiceClients clients;

  CampaignsController(ServiceClients clients) {
    this.clients = clients;
  }

  @Get
  List<Map<String, Object>> list() {
    var response =
        clients.call(
            ServiceClients.FEATURE_SERVICE,
            () -> clients.features(clients.config().deadline()).listCampaigns());
    return ProtoJson.toMaps(response.getCampaignsList());
  }

  @Get("/{name}")
  Map<String, Object> report(@PathVariable String name) {
    var response =
        clients.call(
            ServiceClients.FEATURE_SERVICE,
            () -> clients.features(clients.config().overviewDeadline()).campaignReport(name));
    return ProtoJson.toMap(response);
  }
}
