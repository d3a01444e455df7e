package io.propensity.inference.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.propensity.engine.features.FeatureCatalog;
import io.propensity.engine.features.FeatureSchema;
import org.junit.jupiter.api.Test;

class FactorDescriberTest {
  final FeatureSchema schema = FeatureCatalog.schema();
  final FactorDescriber d = new FactorDescriber(schema);

  String describe(String feature, double value, double contribution) {
    return d.describe(schema.indexOf(feature), value, contribution);
  }

  @Test
  void windowedCountsNameTheirWindowAndDirection() {
    assertThat(describe("sessions_7d", 3, 0.4))
        .isEqualTo("Sessions in the last 7 days: 3 (raises)");
    assertThat(describe("cart_adds_1d", 0, -0.1))
        .isEqualTo("Cart adds in the last 24 hours: 0 (lowers)");
  }

  @Test
  void categoricalLevelsAndBooleansAreShownByName() {
    assertThat(describe("dominant_device_30d", 2, -0.2))
        .isEqualTo("Most frequent known device (last 30 days): mobile (lowers)");
    assertThat(describe("dominant_source_30d", 4, 0.2))
        .isEqualTo("Most frequent known source (last 30 days): email (raises)");
    assertThat(describe("session_active", 1, 0.3)).isEqualTo("Session active: yes (raises)");
    assertThat(describe("session_reached_checkout", 0, -0.3))
        .isEqualTo("Session reached checkout: no (lowers)");
  }

  @Test
  void formulasReadAsTheFeatureNameAndTheCutoffAsNow() {
    assertThat(describe("view_to_cart_rate_30d", 0.25, 0.1))
        .isEqualTo("View to cart rate (last 30 days): 0.25 (raises)");
    assertThat(describe("hours_since_last_event", 5.5, -1))
        .isEqualTo("Hours from the latest event to now, capped at 2160: 5.5 (lowers)");
    assertThat(describe("night_share_30d", 0.12345, 0))
        .isEqualTo("Share of events between 00:00-06:00 UTC (last 30 days): 0.123 (no effect)");
  }

  @Test
  void missingAndLargeValuesAreReadable() {
    assertThat(describe("monetary_30d", Double.NaN, 0.1)).endsWith(": missing (raises)");
    assertThat(describe("monetary_30d", 12345.678, 0.1)).endsWith(": 12346 (raises)");
  }

  @Test
  void everyFeatureHasAPhraseWithoutTheCutoffLetterOrRawNames() {
    for (int i = 0; i < schema.size(); i++) {
      String phrase = d.phrase(i);
      assertThat(phrase)
          .doesNotContainPattern("\\bT\\b")
          .doesNotContainPattern("[a-z]+_[a-z0-9]+")
          .isNotBlank();
      assertThat(Character.isUpperCase(phrase.charAt(0))).as(phrase).isTrue();
    }
  }
}
