package io.propensity.dashboard.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.ListModelVersionsRequest;
import propensity.registry.v1.ListModelsRequest;
import propensity.registry.v1.Model;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;
import propensity.registry.v1.RollbackRequest;
import propensity.registry.v1.SetAliasRequest;

/**
 * The model registry (in the training-service) for the models, performance and importance pages:
 * {@code GET /api/models} (models with their versions, aliases and metrics), {@code GET
 * /api/models/{name}/versions/{version}} (one version in full: curves, lift, trials, importances;
 * {@code version} is a number, an alias or {@code latest}), each version's {@code featureSchema}
 * with its {@code source} resolved ({@code ENGINE} or {@code PROVIDED}; the features themselves
 * listed for a PROVIDED version, and for every version in full), and the buttons {@code POST
 * /api/models/{name}/promote} and {@code POST /api/models/{name}/rollback}.
 */
@Controller("/api/models")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ModelsController {
  private static final String REGISTRY = ServiceClients.TRAINING_SERVICE;
  private final ServiceClients clients;

  ModelsController(ServiceClients clients) {
    this.clients = clients;
  }

  /** Body of a promotion: point {@code alias} (default production) at {@code version}. */
  @Serdeable
  record PromoteBody(long version, @Nullable String alias) {}

  /** Body of a rollback of {@code alias} (default production). */
  @Serdeable
  record RollbackBody(@Nullable String alias) {}

  @Get
  Map<String, Object> models() {
    List<Model> models = new ArrayList<>();
    String token = "";
    do {
      String page = token;
      var response =
          clients.call(
              REGISTRY,
              () ->
                  clients
                      .registry()
                      .listModels(
                          ListModelsRequest.newBuilder()
                              .setPageSize(100)
                              .setPageToken(page)
                              .build()));
      models.addAll(response.getModelsList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Model model : models) {
      Map<String, Object> m = ProtoJson.toMap(model);
      var versions =
          clients.call(
              REGISTRY,
              () ->
                  clients
                      .registry()
                      .listModelVersions(
                          ListModelVersionsRequest.newBuilder()
                              .setName(model.getName())
                              .setPageSize(100)
                              .setView(ModelVersionView.MODEL_VERSION_VIEW_BASIC)
                              .build()));
      List<Map<String, Object>> vs = new ArrayList<>();
      for (ModelVersion v : versions.getModelVersionsList()) {
        Map<String, Object> vm = ProtoJson.toMap(v);
        // an ENGINE schema is feature-engine's (over a hundred features, the same for every
        // version): its source and size are enough here; a PROVIDED one is the team's own table
        vm.put(
            "featureSchema",
            FeatureSources.describe(
                v.getFeatureSchema(), FeatureSources.provided(v.getFeatureSchema())));
        vm.remove("goldenRows");
        vs.add(vm);
      }
      m.put("versions", vs);
      out.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("models", out);
    return body;
  }

  @Get("/{name}/versions/{version}")
  Map<String, Object> version(String name, String version) {
    GetModelVersionRequest.Builder request =
        GetModelVersionRequest.newBuilder()
            .setName(name)
            .setView(ModelVersionView.MODEL_VERSION_VIEW_FULL);
    if (version.chars().allMatch(Character::isDigit)) {
      request.setVersion(Long.parseLong(version));
    } else if (!version.equals("latest")) {
      request.setAlias(version);
    }
    ModelVersion v =
        clients
            .call(REGISTRY, () -> clients.registry().getModelVersion(request.build()))
            .getModelVersion();
    Map<String, Object> out = ProtoJson.toMap(v);
    out.put("featureSchema", FeatureSources.describe(v.getFeatureSchema(), true));
    out.remove("goldenRows");
    out.put("goldenRowCount", v.getGoldenRowsCount());
    return out;
  }

  @Post("/{name}/promote")
  Map<String, Object> promote(String name, @Body PromoteBody body) {
    String alias = body.alias() == null || body.alias().isBlank() ? "production" : body.alias();
    var response =
        clients.call(
            REGISTRY,
            () ->
                clients
                    .registry()
                    .setAlias(
                        SetAliasRequest.newBuilder()
                            .setName(name)
                            .setAlias(alias)
                            .setVersion(body.version())
                            .build()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("alias", alias);
    out.put("version", response.getModelVersion().getVersion());
    out.put("previousVersion", response.getPreviousVersion());
    return out;
  }

  @Post("/{name}/rollback")
  Map<String, Object> rollback(String name, @Body RollbackBody body) {
    String alias = body.alias() == null || body.alias().isBlank() ? "production" : body.alias();
    var response =
        clients.call(
            REGISTRY,
            () ->
                clients
                    .registry()
                    .rollback(RollbackRequest.newBuilder().setName(name).setAlias(alias).build()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("alias", alias);
    out.put("version", response.getModelVersion().getVersion());
    out.put("rolledBackVersion", response.getRolledBackVersion());
    return out;
  }
}
