package io.propensity.inference.outcomes;

import java.time.Instant;
import java.util.List;

/** Served predictions joined to their outcomes, read by live evaluation and promotion policies. */
public interface LabeledPredictions {

  /**
   * The labeled served predictions of one model, every version and alias (shadow answers included),
   * served in {@code [from, to)}, in order of serving time; predictions whose outcome is not final
   * yet are left out.
   */
  List<LabeledPrediction> servedBetween(String modelName, Instant from, Instant to);
}
