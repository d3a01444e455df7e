package io.propensity.dashboard.it;

import static io.propensity.dashboard.testing.SessionsTable.category;
import static io.propensity.dashboard.testing.SessionsTable.flag;
import static io.propensity.dashboard.testing.SessionsTable.missing;
import static io.propensity.dashboard.testing.SessionsTable.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.propensity.dashboard.testing.Json;
import io.propensity.dashboard.testing.RunningStack;
import io.propensity.dashboard.testing.StackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.ProvidedFeatures;

/**
 * The JSON API against the real services, with two trained versions of purchase-7d (v1 in
 * production, an ENGINE model) and sessions-csv v1 in production (a PROVIDED model trained from a
 * CSV table with string categoricals).
 */
@Order(2)
@ExtendWith(StackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardApiIT {
  static final String M = RunningStack.MODEL;
  static final String P = RunningStack.PROVIDED_MODEL;
  RunningStack stack;

  @BeforeAll
  void stack(RunningStack stack) throws Exception {
    this.stack = stack;
    stack.trainProvidedAndServe();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> model(Json.Reply models, String name) {
    return models.list("models").stream()
        .filter(m -> name.equals(m.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + models.body()));
  }

  @Test
  void overviewCarriesSamplesDwellByHourFunnelAndDailyCounts() {
    Json.Reply o = Json.get(stack.url("/api/overview?sample=5"));
    assertThat(o.status()).isEqualTo(200);
    assertThat(((Number) o.body().get("eventCount")).longValue()).isPositive();
    assertThat(o.list("sampleEvents")).hasSize(5);
    assertThat(o.list("sampleSessions")).isNotEmpty();
    assertThat(o.list("sampleFeatureRows")).isNotEmpty();
    assertThat(o.list("dwellByHour")).hasSize(24);
    assertThat(o.list("funnel")).extracting(f -> f.get("stage")).startsWith("FUNNEL_STAGE_SESSION");
    assertThat(o.list("eventsPerDay")).hasSizeGreaterThan(25);
  }

  @Test
  @SuppressWarnings("unchecked")
  void modelsListVersionsWithAliasesAndMetrics() {
    Json.Reply r = Json.get(stack.url("/api/models"));
    Map<String, Object> model = model(r, M);
    List<Map<String, Object>> versions = (List<Map<String, Object>>) model.get("versions");
    assertThat(versions)
        .extracting(v -> ((Number) v.get("version")).longValue())
        .containsExactly(2L, 1L);
    assertThat((List<String>) versions.get(1).get("aliases")).contains("production");
    assertThat((Map<String, Object>) versions.get(0).get("evaluation"))
        .containsKeys("f1", "precision", "recall", "rocAuc");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aVersionInFullHasCurvesDecilesBaselineTrialsAndImportances() {
    Json.Reply v = Json.get(stack.url("/api/models/" + M + "/versions/production"));
    assertThat(v.status()).isEqualTo(200);
    Map<String, Object> e = v.map("evaluation");
    assertThat((List<Object>) e.get("rocCurve")).hasSizeGreaterThan(2);
    assertThat((List<Object>) e.get("prCurve")).hasSizeGreaterThan(2);
    assertThat((List<Object>) e.get("deciles")).hasSize(10);
    assertThat((Map<String, Object>) e.get("confusionMatrix"))
        .containsKeys("truePositives", "falsePositives", "trueNegatives", "falseNegatives");
    assertThat(v.map("baselineEvaluation")).containsKey("f1");
    assertThat(v.list("tuningTrials")).hasSize(2);
    assertThat(v.list("featureImportances")).isNotEmpty();
    assertThat(Json.get(stack.url("/api/models/" + M + "/versions/99")).status()).isEqualTo(404);
  }

  @Test
  @SuppressWarnings("unchecked")
  void shapRowsComeFromTheServedVersionExplainedByInference() {
    stack.awaitServing(stack.productionVersion());
    Json.Reply s = Json.get(stack.url("/api/models/" + M + "/shap"));
    assertThat(s.body()).containsEntry("served", true);
    assertThat(((Number) s.body().get("version")).longValue()).isEqualTo(stack.productionVersion());
    List<Map<String, Object>> rows = s.list("rows");
    assertThat(rows).isNotEmpty();
    int features = s.list("features").size();
    assertThat((List<Object>) rows.get(0).get("contributions")).hasSize(features);
    assertThat(rows).extracting(r -> r.get("source")).contains("test row", "online");
    assertThat(Json.get(stack.url("/api/models/unknown-model/shap")).body())
        .containsEntry("served", false);
  }

  @Test
  void promoteAndRollbackMoveProductionAndAFailedRollbackSaysWhy() {
    synchronized (RunningStack.class) {
      long before = stack.productionVersion();
      long other = before == 1 ? 2 : 1;
      Json.Reply promoted =
          Json.post(stack.url("/api/models/" + M + "/promote"), "{\"version\":" + other + "}");
      assertThat(promoted.status()).isEqualTo(200);
      assertThat(stack.productionVersion()).isEqualTo(other);
      // the reload follows the alias asynchronously: see it served before moving production again
      stack.awaitServing(other);
      Json.Reply rolled = Json.post(stack.url("/api/models/" + M + "/rollback"), "{}");
      assertThat(rolled.status()).isEqualTo(200);
      assertThat(stack.productionVersion()).isEqualTo(before);
      stack.awaitServing(before);
      Json.Reply bad = Json.post(stack.url("/api/models/" + M + "/promote"), "{\"version\":99}");
      assertThat(bad.status()).isEqualTo(404);
      assertThat(bad.body().get("error")).asString().isNotBlank();
      Json.Reply noHistory =
          Json.post(stack.url("/api/models/" + M + "/rollback"), "{\"alias\":\"staging\"}");
      assertThat(noHistory.status()).isIn(404, 409);
      assertThat(noHistory.body()).containsEntry("service", "training-service");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void replayInterleavesSeveralRecentlyActiveUsersSeededFromTheirStoredHistory() {
    long after = seqOfLast();
    Json.Reply started = Json.post(stack.url("/api/live/replay"), "{\"events\":24}");
    assertThat(started.status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !(Boolean)
                    ((Map<String, Object>)
                            Json.get(stack.url("/api/live/predictions?after=0"))
                                .body()
                                .get("replay"))
                        .get("running"));
    Json.Reply feed = Json.get(stack.url("/api/live/predictions?after=" + after));
    assertThat(feed.map("replay"))
        .containsEntry("error", "")
        .containsEntry("total", 24)
        .containsEntry("answered", 24);
    assertThat(((Number) feed.map("replay").get("users")).intValue()).isGreaterThanOrEqualTo(3);
    List<Map<String, Object>> predictions = feed.list("predictions");
    assertThat(predictions).hasSize(24);
    assertThat(predictions)
        .allSatisfy(
            p -> {
              assertThat(((Number) p.get("probability")).doubleValue()).isBetween(0.0, 1.0);
              assertThat((List<Object>) p.get("factors")).hasSize(3);
              assertThat(p.get("modelName")).isEqualTo(M);
              assertThat(p.get("historySeed")).isIn("STORED", "TRUNCATED");
              assertThat(((Number) p.get("historyEventCount")).longValue()).isPositive();
            });
    List<Object> users = predictions.stream().map(p -> p.get("userId")).distinct().toList();
    assertThat(users).as("users in the replay").hasSizeGreaterThanOrEqualTo(3);
    assertThat(predictions).anySatisfy(p -> assertThat(p.get("historySeed")).isEqualTo("STORED"));
    // interleaved, not one user after another: some user's events are not all next to each other
    List<Object> order = predictions.stream().map(p -> p.get("userId")).toList();
    long runs =
        java.util.stream.IntStream.range(0, order.size())
            .filter(i -> i == 0 || !order.get(i).equals(order.get(i - 1)))
            .count();
    assertThat(runs).as("runs of one user's events in " + order).isGreaterThan(users.size());
  }

  @Test
  @SuppressWarnings("unchecked")
  void modelsSayWhereTheirFeaturesComeFromAndAProvidedModelShowsItsSchema() {
    Json.Reply r = Json.get(stack.url("/api/models"));
    Map<String, Object> engine = ((List<Map<String, Object>>) model(r, M).get("versions")).get(0);
    assertThat((Map<String, Object>) engine.get("featureSchema"))
        .containsEntry("source", "ENGINE")
        .doesNotContainKey("features");
    assertThat(
            ((Number) ((Map<String, Object>) engine.get("featureSchema")).get("featureCount"))
                .intValue())
        .isGreaterThan(50);
    Map<String, Object> provided = ((List<Map<String, Object>>) model(r, P).get("versions")).get(0);
    Map<String, Object> schema = (Map<String, Object>) provided.get("featureSchema");
    assertThat(schema).containsEntry("source", "PROVIDED").containsEntry("featureCount", 5);
    List<Map<String, Object>> features = (List<Map<String, Object>>) schema.get("features");
    assertThat(features)
        .extracting(f -> f.get("name"))
        .containsExactly("Month", "VisitorType", "Weekend", "PageValues", "ProductDuration");
    assertThat(features.get(0)).containsEntry("type", "FEATURE_TYPE_CATEGORICAL");
    assertThat((List<String>) features.get(0).get("categories"))
        .contains("Feb", "Mar", "May", "Nov", "Dec");
    assertThat(features.get(2)).containsEntry("type", "FEATURE_TYPE_BOOLEAN");

    // performance and importance read the same version in full as for an ENGINE model
    Json.Reply v = Json.get(stack.url("/api/models/" + P + "/versions/production"));
    assertThat(v.status()).isEqualTo(200);
    assertThat(v.map("featureSchema")).containsEntry("source", "PROVIDED");
    assertThat(v.map("evaluation")).containsKeys("rocAuc", "rocCurve", "deciles");
    assertThat(v.list("featureImportances"))
        .extracting(f -> f.get("feature"))
        .isSubsetOf("Month", "VisitorType", "Weekend", "PageValues", "ProductDuration")
        .isNotEmpty();
    assertThat(
            Json.get(stack.url("/api/models/" + M + "/versions/production")).map("featureSchema"))
        .containsEntry("source", "ENGINE");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aProvidedModelsShapRowsAreItsGoldenRowsExplainedByInference() {
    Json.Reply s = Json.get(stack.url("/api/models/" + P + "/shap"));
    assertThat(s.body()).containsEntry("served", true).containsEntry("featureSource", "PROVIDED");
    List<Map<String, Object>> rows = s.list("rows");
    assertThat(rows)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r).containsEntry("source", "test row"));
    assertThat((List<Object>) rows.get(0).get("contributions")).hasSize(5);
    assertThat(s.list("features")).extracting(f -> f.get("description")).containsOnly("");
  }

  @Test
  @SuppressWarnings("unchecked")
  void scoreModelsAreTheServedOnesWithTheirSource() {
    Json.Reply r = Json.get(stack.url("/api/score/models"));
    assertThat(r.status()).isEqualTo(200);
    assertThat((Map<String, Object>) model(r, M).get("featureSchema"))
        .containsEntry("source", "ENGINE");
    Map<String, Object> provided = (Map<String, Object>) model(r, P).get("featureSchema");
    assertThat(provided).containsEntry("source", "PROVIDED");
    assertThat((List<Map<String, Object>>) provided.get("features"))
        .extracting(f -> f.get("missingValues"))
        .containsOnly("MISSING_VALUES_NATIVE");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRowScoredThroughTheDashboardScoresAsInferencePredictsIt() {
    Json.Reply s =
        Json.post(
            stack.url("/api/score/" + P),
            "{\"rowId\":\"session-1\",\"values\":{\"Month\":\"Nov\",\"VisitorType\":\"New_Visitor\","
                + "\"Weekend\":true,\"PageValues\":12.5,\"ProductDuration\":null}}");
    assertThat(s.status()).as(s.body().toString()).isEqualTo(200);
    Map<String, Object> p = s.map("prediction");
    Prediction direct =
        stack.predictProvided(
            ProvidedFeatures.newBuilder()
                .setRowId("session-1")
                .putValues("Month", category("Nov"))
                .putValues("VisitorType", category("New_Visitor"))
                .putValues("Weekend", flag(true))
                .putValues("PageValues", number(12.5))
                .putValues("ProductDuration", missing())
                .build());
    assertThat(((Number) p.get("probability")).doubleValue())
        .isCloseTo(direct.getProbability(), within(1e-9));
    assertThat(p)
        .containsEntry("userId", "session-1")
        .containsEntry("label", direct.getLabel())
        .containsEntry("modelName", P);
    assertThat(((Number) p.get("threshold")).doubleValue()).isEqualTo(direct.getThreshold());
    assertThat((List<Map<String, Object>>) p.get("factors"))
        .extracting(f -> f.get("feature"))
        .hasSize(5)
        .containsExactlyElementsOf(
            direct.getFactorsList().stream().map(f -> (Object) f.getFeature()).toList());
  }

  @Test
  @SuppressWarnings("unchecked")
  void aValueTheModelCannotTakeIsA400NamingItsFieldAndAnEngineModelTakesNoRow() {
    Json.Reply bad =
        Json.post(
            stack.url("/api/score/" + P),
            "{\"values\":{\"Month\":\"Jan\",\"VisitorType\":\"New_Visitor\","
                + "\"Weekend\":true,\"PageValues\":\"lots\",\"ProductDuration\":1}}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body())
        .containsEntry("code", "INVALID_ARGUMENT")
        .containsEntry("service", "inference-service");
    List<Map<String, Object>> violations = bad.list("violations");
    assertThat(violations)
        .extracting(v -> v.get("field"))
        .contains("input.provided.values[Month]", "input.provided.values[PageValues]");
    assertThat(violations)
        .filteredOn(v -> v.get("field").equals("input.provided.values[Month]"))
        .singleElement()
        .satisfies(v -> assertThat(v.get("description")).asString().contains("Jan"));

    Json.Reply engine = Json.post(stack.url("/api/score/" + M), "{\"values\":{\"Month\":\"Nov\"}}");
    assertThat(engine.status()).isEqualTo(409);
    assertThat(engine.body()).containsEntry("code", "FAILED_PRECONDITION");

    Json.Reply shape =
        Json.post(stack.url("/api/score/" + P), "{\"values\":{\"Month\":[\"Nov\"]}}");
    assertThat(shape.status()).isEqualTo(400);
    assertThat(shape.body().toString()).contains("values[Month]");
  }

  private long seqOfLast() {
    List<Map<String, Object>> all =
        Json.get(stack.url("/api/live/predictions?after=0")).list("predictions");
    return all.isEmpty() ? 0 : ((Number) all.get(all.size() - 1).get("seq")).longValue();
  }
}
