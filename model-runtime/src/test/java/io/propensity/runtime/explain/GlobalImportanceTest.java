package io.propensity.runtime.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.runtime.Contributions;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobalImportanceTest {

  private static final Contributions[] ROWS = {
    new Contributions(new double[] {1, -2, 0}, 0.1), new Contributions(new double[] {-3, 0, 1}, 0.1)
  };

  @Test
  void meanAbsoluteShapPerFeatureInSchemaOrder() {
    assertThat(GlobalImportance.meanAbsShap(ROWS)).containsExactly(2.0, 1.0, 0.5);
  }

  @Test
  void rankedPutsTheMostImportantFirst() {
    assertThat(GlobalImportance.ranked(ROWS, List.of("x", "y", "z")))
        .containsExactly(
            new FeatureImportance("x", 2.0),
            new FeatureImportance("y", 1.0),
            new FeatureImportance("z", 0.5));
  }

  @Test
  void noRowsOrRaggedRowsAreRejected() {
    assertThatThrownBy(() -> GlobalImportance.meanAbsShap(new Contributions[0]))
        .isInstanceOf(IllegalArgumentException.class);
    Contributions[] ragged = {ROWS[0], new Contributions(new double[] {1}, 0)};
    assertThatThrownBy(() -> GlobalImportance.meanAbsShap(ragged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows[1] has 1 features, rows[0] has 3");
  }
}
