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
 * {@code GET /api/models/{name}/shap}: per-row SHAP contributions for a dependence plot. The rows are
 * the served version's golden rows (real held-out rows the registry keeps with the version), each
 * explained in full by the inference-service's {@code Explain}. Answers {@code served: false} with a
 * message when inference serves no version of the model.
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
      out.put("message", "inference-service serves no version of " + name
          + " yet: promote a version to production on the Models page and wait for the hot reload");
      return out;
    }
    long version = served.get().getVersion();
    return cache.computeIfAbsent(name + "@" + version + "#" + served.get().getArtifactSha256(), k -> explain(name, version));
  }

  private Optional<ServedModel> served(String name) {
    try {
      return clients.call(ServiceClients.INFERENCE_SERVICE,
              () -> clients.inference().getModelInfo(GetModelInfoRequest.newBuilder().setModelName(name).build()))
          .getModelsList().stream().filter(m -> m.getName().equals(name)).findFirst();
    } catch (ServiceCallException e) {
      Status.Code code = e.status().getCode();
      if (code == Status.Code.NOT_FOUND || code == Status.Code.FAILED_PRECONDITION) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Map<String, Object> explain(String name, long version) {
    ModelVersion v = clients.call(ServiceClients.TRAINING_SERVICE, () -> clients.registry().getModelVersion(
        GetModelVersionRequest.newBuilder().setName(name).setVersion(version).setView(ModelVersionView.MODEL_VERSION_VIEW_FULL).build()))
        .getModelVersion();
    List<Map<String, Object>> rows = new ArrayList<>();
    double bias = 0;
    int limit = Math.min(v.getGoldenRowsCount(), clients.config().explainRows());
    for (GoldenRow row : v.getGoldenRowsList().subList(0, limit)) {
      var request = ExplainRequest.newBuilder().setModelName(name)
          .setInput(PredictionInput.newBuilder().setFeatures(FeatureVector.newBuilder()
              .setSchemaVersionHash(v.getFeatureSchema().getVersionHash()).addAllValues(row.getValuesList())))
          .build();
      var explained = clients.call(ServiceClients.INFERENCE_SERVICE, () -> clients.inference().explain(request));
      bias = explained.getBias();
      List<Double> values = new ArrayList<>();
      List<Double> contributions = new ArrayList<>();
      for (Factor f : explained.getContributionsList()) {
        values.add(Double.isFinite(f.getValue()) ? f.getValue() : null);
        contributions.add(f.getContribution());
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("userId", row.getUserId());
      r.put("probability", explained.getPrediction().getProbability());
      r.put("values", values);
      r.put("contributions", contributions);
      rows.add(r);
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
    out.put("features", features);
    out.put("featureImportances", ProtoJson.toMaps(v.getFeatureImportancesList()));
    out.put("rows", rows);
    return out;
  }
}
