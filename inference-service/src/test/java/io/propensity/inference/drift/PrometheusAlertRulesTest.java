package io.propensity.inference.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules shipped in {@code deploy/prometheus/propensity-alerts.yml} are valid Prometheus
 * rule groups over the metrics the services export, with the documented thresholds.
 */
class PrometheusAlertRulesTest {
  static final Path FILE = Path.of("..", "deploy", "prometheus", "propensity-alerts.yml");

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules() throws IOException {
    try (InputStream in = Files.newInputStream(FILE)) {
      Map<String, Object> doc = new Yaml().load(in);
      assertThat(doc).containsOnlyKeys("groups");
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
        assertThat(group).containsOnlyKeys("name", "rules");
        out.addAll((List<Map<String, Object>>) group.get("rules"));
      }
      return out;
    }
  }

  static Map<String, Object> rule(String alert) throws IOException {
    return rules().stream().filter(r -> alert.equals(r.get("alert"))).findFirst().orElseThrow();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRuleIsAWellFormedAlert() throws IOException {
    List<Map<String, Object>> rules = rules();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(6);
    for (Map<String, Object> r : rules) {
      assertThat(r).containsKeys("alert", "expr", "for", "labels", "annotations");
      assertThat(r.keySet()).isSubsetOf("alert", "expr", "for", "labels", "annotations");
      assertThat((String) r.get("alert")).matches("[A-Z][A-Za-z0-9]*");
      assertThat((String) r.get("for")).matches("\\d+[smhd]");
      assertThat(((Map<String, Object>) r.get("labels")).get("severity"))
          .isIn("info", "warning", "critical");
      assertThat((Map<String, Object>) r.get("annotations")).containsKeys("summary", "description");
      String expr = (String) r.get("expr");
      assertThat(expr.chars().filter(c -> c == '(').count())
          .as(expr)
          .isEqualTo(expr.chars().filter(c -> c == ')').count());
      assertThat(expr)
          .as("only metrics the services export")
          .containsAnyOf(
              "propensity_drift_psi",
              "propensity_drift_score_psi",
              "propensity_drift_available",
              "propensity_prediction_log_dropped_total");
    }
  }

  @Test
  void driftAlertsUseTheDocumentedThresholds() throws IOException {
    assertThat(rule("PropensityFeatureDriftWarning"))
        .containsEntry("for", "30m")
        .extractingByKey("expr")
        .asString()
        .contains("propensity_drift_psi")
        .endsWith("> 0.2");
    assertThat(rule("PropensityFeatureDriftCritical"))
        .containsEntry("for", "30m")
        .extractingByKey("expr")
        .asString()
        .endsWith("> 0.25");
    assertThat(rule("PropensityScoreDriftCritical").get("expr").toString())
        .contains("propensity_drift_score_psi")
        .endsWith("> 0.25");
    assertThat(rule("PropensityPredictionLogDrops").get("expr").toString())
        .contains("rate(propensity_prediction_log_dropped_total[5m])");
  }
}
