package io.propensity.runtime.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.runtime.Contributions;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopFactorsTest {

  private static final List<String> NAMES = List.of("a", "b", "c", "d", "e");
  private static final double[] ROW = {1, 2, Double.NaN, 4, 5};
  private static final Contributions SHAP =
      new Contributions(new double[] {0.5, -1.0, 0.0, 0.2, -0.5}, -0.3);

  @Test
  void ordersByAbsoluteContributionWithTiesInSchemaOrder() {
    assertThat(TopFactors.top(SHAP, ROW, NAMES, 3))
        .containsExactly(
            new Factor("b", 2, -1.0), new Factor("a", 1, 0.5), new Factor("e", 5, -0.5));
  }

  @Test
  void neverListsFeaturesThatDidNotMoveTheScore() {
    assertThat(TopFactors.top(SHAP, ROW, NAMES, 10))
        .extracting(Factor::feature)
        .containsExactly("b", "a", "e", "d");
  }

  @Test
  void zeroFactorsIsAnEmptyList() {
    assertThat(TopFactors.top(SHAP, ROW, NAMES, 0)).isEmpty();
  }

  @Test
  void inputsOfDifferentLengthsAreRejected() {
    assertThatThrownBy(() -> TopFactors.top(SHAP, new double[4], NAMES, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contributions cover 5 features but the row has 4 values and 5 names");
    assertThatThrownBy(() -> TopFactors.top(SHAP, ROW, NAMES, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
