package io.propensity.dashboard.api;

import io.grpc.Status;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureVector;
import propensity.features.v1.GetDataOverviewRequest;
import propensity.features.v1.UserFeatures;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.Factor;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.ServedModel;
import propensity.registry.v1.GetModelVersionRequest;
import propensity.registry.v1.GoldenRow;
import propensity.registry.v1.ModelVersion;
import propensity.registry.v1.ModelVersionView;

/**
 * {@code GET /api/models/{name}/shap}: per-row SHAP contributions for a dependence plot. The rows
 * are the served version's golden rows (real held-out rows the registry keeps with the version)
 * and, for an ENGINE model, the current online features of the users in the feature-service's
 * overview sample, each explained in full by the inference-service's {@code Explain}; a PROVIDED
 * model (its features are its callers' own) has its golden rows only. Answers {@code served: false}
 * with a message when inference serves no version of the model.
 */
@Controller("/api/models")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ShapController {
  private final ServiceClients clients;
  private final Map<String, Map<String, Object>> cache = new ConcurrentHashMap<>();

  ShapController(ServiceClients clients) {
    this.clients = clients;
  }

  @Get("/{name}/shap")
  Map<String, Object> shap(String name) {
    Optional<ServedModel> served = served(name);
    if (served.isEmpty()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("served", false);
      out.put(
          "message",
          "inference-service serves no version of "
              + name
              + " yet: promote a version to production on the Models page and wait for the hot reload");
      return out;
    }
    long version = served.get().getVersion();
    return cache.computeIfAbsent(
        name + "@" + version + "#" + served.get().getArtifactSha256(), k -> explain(name, version));
  }

  private Optional<ServedModel> served(String name) {
    try {
      return clients
          .call(
              ServiceClients.INFERENCE_SERVICE,
              () ->
                  clients
                      .inference()
                      .getModelInfo(GetModelInfoRequest.newBuilder().setModelName(name).build()))
          .getModelsList()
          .stream()
          .filter(m -> m.getName().equals(name))
          .findFirst();
    } catch (ServiceCallException e) {
      Status.Code code = e.status().getCode();
      if (code == Status.Code.NOT_FOUND || code == Status.Code.FAILED_PRECONDITION) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Map<String, Object> explain(String name, long version) {
    ModelVersion v =
        clients
            .call(
                ServiceClients.TRAINING_SERVICE,
                () ->
                    clients
                        .registry()
                        .getModelVersion(
                            GetModelVersionRequest.newBuilder()
                                .setName(name)
                                .setVersion(version)
                                .setView(ModelVersionView.MODEL_VERSION_VIEW_FULL)
                                .build()))
            .getModelVersion();
    String hash = v.getFeatureSchema().getVersionHash();
    List<Map<String, Object>> rows = new ArrayList<>();
    double bias = 0;
    int limit = Math.min(v.getGoldenRowsCount(), clients.config().explainRows());
    for (GoldenRow row : v.getGoldenRowsList().subList(0, limit)) {
      bias = explainInto(rows, name, hash, row.getValuesList(), row.getUserId(), "test row");
    }
    boolean provided = FeatureSources.provided(v.getFeatureSchema());
    if (!provided) {
      bias = addOnlineRows(rows, name, hash, bias);
    }
    List<Map<String, Object>> features = new ArrayList<>();
    for (FeatureDefinition d : v.getFeatureSchema().getFeaturesList()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("name", d.getName());
      f.put("type", d.getType().name());
      f.put("description", d.getDescription());
      f.put("categories", d.getCategoriesList());
      features.add(f);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("served", true);
    out.put("name", name);
    out.put("version", version);
    out.put("bias", bias);
    out.put("featureSource", provided ? "PROVIDED" : "ENGINE");
    out.put("features", features);
    out.put("featureImportances", ProtoJson.toMaps(v.getFeatureImportancesList()));
    out.put("rows", rows);
    return out;
  }

  /**
   * Adds the current online features of a sample of users, so the plot of an ENGINE model has more
   * than the few golden rows (a PROVIDED model has no online features: the caller holds them);
   * returns the model's bias, {@code bias} when no row was added.
   */
  private double addOnlineRows(
      List<Map<String, Object>> rows, String name, String hash, double bias) {
    double out = bias;
    var overview =
        clients.call(
            ServiceClients.FEATURE_SERVICE,
            () ->
                clients
                    .features(clients.config().overviewDeadline())
                    .getDataOverview(
                        GetDataOverviewRequest.newBuilder()
                            .setSampleSize(Math.min(100, clients.config().explainRows()))
                            .build()));
    for (UserFeatures user : overview.getSampleFeatureRowsList()) {
      if (user.getVector().getSchemaVersionHash().equals(hash)) {
        out =
            explainInto(
                rows, name, hash, user.getVector().getValuesList(), user.getUserId(), "online");
      }
    }
    return out;
  }

  /** Explains one vector in full and adds it to {@code rows}; returns the model's bias. */
  private double explainInto(
      List<Map<String, Object>> rows,
      String name,
      String hash,
      List<Double> vector,
      String userId,
      String source) {
    var request =
        ExplainRequest.newBuilder()
            .setModelName(name)
            .setInput(
                PredictionInput.newBuilder()
                    .setFeatures(
                        FeatureVector.newBuilder().setSchemaVersionHash(hash).addAllValues(vector)))
            .build();
    var explained =
        clients.call(ServiceClients.INFERENCE_SERVICE, () -> clients.inference().explain(request));
    List<Double> values = new ArrayList<>();
    List<Double> contributions = new ArrayList<>();
    for (Factor f : explained.getContributionsList()) {
      values.add(Double.isFinite(f.getValue()) ? f.getValue() : null);
      contributions.add(f.getContribution());
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("userId", userId);
    r.put("source", source);
    r.put("probability", explained.getPrediction().getProbability());
    r.put("values", values);
    r.put("contributions", contributions);
    rows.add(r);
    return explained.getBias();
  }
}
