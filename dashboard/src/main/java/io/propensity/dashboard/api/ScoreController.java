package io.propensity.dashboard.api;

import io.grpc.Status;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictionInput;
import propensity.inference.v1.ProvidedFeatureValue;
import propensity.inference.v1.ProvidedFeatures;
import propensity.inference.v1.ServedModel;

/**
 * The "score a row" page: {@code GET /api/score/models} (the models inference-service serves, each
 * with its schema and whether it scores rows its caller sends) and {@code POST /api/score/{name}},
 * which scores one row of a PROVIDED model through inference-service's {@code Predict} with a
 * provided input and its top SHAP factors. The row is {@code {"rowId": "...", "values": {"Month":
 * "Nov", "PageValues": 12.5, "Weekend": true, "VisitorType": null}, "explainTopK": 5}}: a JSON
 * number is a number, a string a categorical level, a boolean a flag and null a missing value. The
 * service validates the row against the model's schema; its field violations come back as a 400
 * (see {@link ServiceCallExceptionHandler}).
 */
@Controller("/api/score")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ScoreController {
  /** Top factors when the body does not say. */
  static final int DEFAULT_TOP_K = 5;

  private final ServiceClients clients;

  ScoreController(ServiceClients clients) {
    this.clients = clients;
  }

  @Get("/models")
  Map<String, Object> models() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> models = new ArrayList<>();
    try {
      var info =
          clients.call(
              ServiceClients.INFERENCE_SERVICE,
              () -> clients.inference().getModelInfo(GetModelInfoRequest.getDefaultInstance()));
      for (ServedModel m : info.getModelsList()) {
        boolean provided = FeatureSources.provided(m.getFeatureSchema());
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("name", m.getName());
        mm.put("version", m.getVersion());
        mm.put("alias", m.getAlias());
        mm.put("threshold", m.getThreshold());
        mm.put("featureSchema", FeatureSources.describe(m.getFeatureSchema(), provided));
        models.add(mm);
      }
      if (models.isEmpty()) {
        out.put("message", "inference-service serves no model yet: promote one to production");
      }
    } catch (ServiceCallException e) {
      if (e.status().getCode() != Status.Code.FAILED_PRECONDITION
          && e.status().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      out.put("message", "inference-service serves no model yet: " + e.status().getDescription());
    }
    out.put("models", models);
    return out;
  }

  @Post("/{name}")
  Map<String, Object> score(String name, @Body JsonNode body) {
    PredictRequest request =
        PredictRequest.newBuilder()
            .setModelName(name)
            .setInput(PredictionInput.newBuilder().setProvided(row(body)))
            .setExplainTopK(topK(body.get("explainTopK")))
            .build();
    var response =
        clients.call(ServiceClients.INFERENCE_SERVICE, () -> clients.inference().predict(request));
    return ProtoJson.toMap(response);
  }

  /** The body's row; only its JSON shape is checked here, its values by the service. */
  static ProvidedFeatures row(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw bad("the body must be a JSON object with \"values\"");
    }
    ProvidedFeatures.Builder row = ProvidedFeatures.newBuilder();
    JsonNode rowId = body.get("rowId");
    if (rowId != null && !rowId.isNull()) {
      if (!rowId.isString()) {
        throw bad("rowId must be a string");
      }
      row.setRowId(rowId.getStringValue());
    }
    JsonNode values = body.get("values");
    if (values == null || !values.isObject()) {
      throw bad("values must be an object of feature name to value");
    }
    for (Map.Entry<String, JsonNode> e : values.entries()) {
      row.putValues(e.getKey(), value(e.getKey(), e.getValue()));
    }
    return row.build();
  }

  private static ProvidedFeatureValue value(String feature, JsonNode v) {
    ProvidedFeatureValue.Builder b = ProvidedFeatureValue.newBuilder();
    if (v.isNull()) {
      return b.setMissing(true).build();
    }
    if (v.isNumber()) {
      return b.setNumber(v.getDoubleValue()).build();
    }
    if (v.isString()) {
      return b.setCategory(v.getStringValue()).build();
    }
    if (v.isBoolean()) {
      return b.setFlag(v.getBooleanValue()).build();
    }
    throw bad(
        "values["
            + feature
            + "] must be a number, a string (a categorical level), a boolean or null (missing)");
  }

  private static int topK(JsonNode k) {
    if (k == null || k.isNull()) {
      return DEFAULT_TOP_K;
    }
    if (!k.isNumber()) {
      throw bad("explainTopK must be a number, 0 to 50");
    }
    return k.getIntValue();
  }

  private static HttpStatusException bad(String message) {
    return new HttpStatusException(HttpStatus.BAD_REQUEST, message);
  }
}
