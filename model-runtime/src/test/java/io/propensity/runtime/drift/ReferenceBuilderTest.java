package io.propensity.runtime.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReferenceBuilderTest {

  @Test
  void quantileEdgesGiveTenBinsOfATenthEach() {
    double[] values = new double[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    FeatureReference ref = ReferenceBuilder.numeric("x", values);
    assertThat(ref.edges()).containsExactly(99, 199, 299, 399, 499, 599, 699, 799, 899);
    assertThat(ref.binCount()).isEqualTo(11);
    for (int i = 0; i < 10; i++) {
      assertThat(ref.shares()[i]).isCloseTo(0.1, within(1e-12));
    }
    assertThat(ref.shares()[10]).isZero(); // missing
  }

  @Test
  void repeatedValuesMergeEdgesAndAConstantIsOneBin() {
    double[] mostlyZero = new double[100];
    for (int i = 95; i < 100; i++) {
      mostlyZero[i] = i - 94;
    }
    FeatureReference ref = ReferenceBuilder.numeric("count", mostlyZero);
    assertThat(ref.edges()).containsExactly(0);
    assertThat(ref.shares()).containsExactly(0.95, 0.05, 0);

    FeatureReference constant = ReferenceBuilder.numeric("c", new double[] {3, 3, 3});
    assertThat(constant.edges()).isEmpty();
    assertThat(constant.binLabels()).containsExactly("all values", "missing");
    assertThat(constant.shares()).containsExactly(1, 0);
  }

  @Test
  void binsAreClosedOnTheRight() {
    FeatureReference ref =
        ReferenceBuilder.numeric("x", new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    assertThat(ref.bin(1)).isZero();
    assertThat(ref.bin(1.5)).isEqualTo(1);
    assertThat(ref.bin(-100)).isZero();
    assertThat(ref.bin(1e9)).isEqualTo(ref.binCount() - 2);
    assertThat(ref.bin(Double.NaN)).isEqualTo(ref.missingBin());
  }

  @Test
  void scoreEdgesSitBetweenScoresSoARecomputedScoreKeepsItsBin() {
    double[] scores = new double[100];
    for (int i = 0; i < 100; i++) {
      scores[i] = (i / 20) * 0.2 + 0.1; // five distinct scores, 20 rows each: 0.1, 0.3, ... 0.9
    }
    FeatureReference ref = ReferenceBuilder.score("score", scores);
    assertThat(ref.edges()).hasSize(4);
    assertThat(ref.edges()[0]).isCloseTo(0.2, within(1e-12));
    assertThat(ref.shares()).containsExactly(0.2, 0.2, 0.2, 0.2, 0.2, 0);
    // a few ulps above or below a training score: same bin
    assertThat(ref.bin(Math.nextUp(0.1))).isEqualTo(ref.bin(0.1));
    assertThat(ref.bin(Math.nextDown(0.3))).isEqualTo(ref.bin(0.3));
  }

  @Test
  void rareCategoriesGoToOther() {
    Random random = new Random(1);
    double[] values = new double[10_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble() < 0.995 ? random.nextInt(3) : 3 + random.nextInt(100);
    }
    FeatureReference ref = ReferenceBuilder.categorical("c", values, code -> "level" + code);
    assertThat(ref.codes()).hasSize(3);
    assertThat(ref.shares()[3]).isCloseTo(0.005, within(0.002));
  }

  @Test
  void theTextFormRoundTripsAndTravelsInTheReport() {
    DriftReference r =
        new DriftReference(
            10,
            4,
            List.of(
                ReferenceBuilder.numeric("a b\tc", new double[] {1, 2, Double.NaN, 4}),
                ReferenceBuilder.categorical(
                    "kind",
                    new double[] {0, 1, 1, 2},
                    code -> List.of("(missing)", "x,y", "").get(code))),
            ReferenceBuilder.numeric("score", new double[] {0.1, 0.2, 0.3, 0.9}));
    assertThat(DriftReferenceText.read(DriftReferenceText.write(r))).isEqualTo(r);
    String html = "<html><body><h1>report</h1></body></html>";
    String embedded = DriftReferenceText.embed(html, r);
    assertThat(embedded).endsWith("</body></html>");
    assertThat(DriftReferenceText.extract(embedded)).contains(r);
    assertThat(DriftReferenceText.extract(html)).isEqualTo(Optional.empty());
  }
}
