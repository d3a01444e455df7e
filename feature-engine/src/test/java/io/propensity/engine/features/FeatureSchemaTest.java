package io.propensity.engine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {

  private static final List<FeatureSpec> SMALL =
      List.of(
          new FeatureSpec(
              "events_7d", FeatureType.COUNT, "Events in the window.", FeatureWindow.DAYS_7),
          new FeatureSpec(
              "session_active",
              FeatureType.BOOLEAN,
              "A session is going on.",
              FeatureWindow.CURRENT_SESSION));

  @Test
  void theHashIsSixteenLowercaseHexDigits() {
    assertThat(FeatureCatalog.SCHEMA.versionHash()).matches("[0-9a-f]{16}");
  }

  @Test
  void theHashIsAFunctionOfTheCanonicalTextAlone() {
    // Pinned: the same on every JVM and run; SHA-256 of the canonical text, first 16 hex digits.
    assertThat(FeatureSchema.canonicalText(SMALL))
        .isEqualTo(
            "propensity-feature-schema/1\n"
                + "events_7d\tCOUNT\t7d\tEvents in the window.\n"
                + "session_active\tBOOLEAN\tsession\tA session is going on.\n");
    assertThat(FeatureSchema.of(SMALL).versionHash()).isEqualTo("e7de0800bf74c5af");
  }

  @Test
  void theCatalogHashIsStableAcrossCallsAndPinned() {
    // Changing a feature changes this hash: update it here and in the README, on purpose.
    String hash = FeatureSchema.of(FeatureCatalog.SCHEMA.features()).versionHash();
    assertThat(hash)
        .isEqualTo(FeatureCatalog.SCHEMA.versionHash())
        .isEqualTo(
            FeatureSchema.of(new ArrayList<>(FeatureCatalog.SCHEMA.features())).versionHash())
        .isEqualTo(CATALOG_HASH);
  }

  @Test
  void anyChangeOfAFeatureChangesTheHash() {
    String base = FeatureSchema.of(SMALL).versionHash();
    FeatureSpec f = SMALL.get(0);
    List<FeatureSpec> renamed =
        List.of(
            new FeatureSpec("events_7days", f.type(), f.description(), f.window()), SMALL.get(1));
    List<FeatureSpec> retyped =
        List.of(
            new FeatureSpec(f.name(), FeatureType.NUMERIC, f.description(), f.window()),
            SMALL.get(1));
    List<FeatureSpec> rewindowed =
        List.of(
            new FeatureSpec(f.name(), f.type(), f.description(), FeatureWindow.DAYS_30),
            SMALL.get(1));
    List<FeatureSpec> redescribed =
        List.of(new FeatureSpec(f.name(), f.type(), "Events.", f.window()), SMALL.get(1));
    List<FeatureSpec> reordered = List.of(SMALL.get(1), SMALL.get(0));
    List<FeatureSpec> shorter = List.of(SMALL.get(0));
    assertThat(List.of(renamed, retyped, rewindowed, redescribed, reordered, shorter))
        .extracting(l -> FeatureSchema.of(l).versionHash())
        .doesNotContain(base)
        .doesNotHaveDuplicates();
  }

  @Test
  void duplicateNamesAreRefused() {
    assertThatThrownBy(() -> FeatureSchema.of(List.of(SMALL.get(0), SMALL.get(0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("events_7d");
  }

  @Test
  void aHashThatDoesNotMatchTheFeaturesIsRefused() {
    assertThatThrownBy(() -> new FeatureSchema(SMALL, "0000000000000000"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesMustBeSnakeCaseAndDescriptionsOneLine() {
    assertThatThrownBy(() -> new FeatureSpec("Events", FeatureType.COUNT, "x", FeatureWindow.DAY_1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FeatureSpec("e", FeatureType.COUNT, "a\nb", FeatureWindow.DAY_1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCatalogHasAtLeastFortyFiveFeaturesCoveringEveryWindow() {
    assertThat(FeatureCatalog.SCHEMA.size()).isGreaterThanOrEqualTo(45);
    assertThat(FeatureCatalog.SCHEMA.features())
        .extracting(FeatureSpec::window)
        .contains(FeatureWindow.values());
  }

  static final String CATALOG_HASH = "000e1052f75509a5";
}
