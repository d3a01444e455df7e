package io.propensity.training.pipeline.drift;

import io.propensity.runtime.drift.DriftReference;
import io.propensity.runtime.drift.FeatureReference;
import io.propensity.runtime.drift.ReferenceBuilder;
import io.propensity.training.pipeline.data.CategoricalVocabulary;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a model version's {@link DriftReference} at training time: every feature's distribution
 * over the (real, never synthetic) training rows, and the served probability's over the held-out
 * test rows, whose scores are what live scores should look like (training rows' scores are
 * over-fitted).
 */
public final class DriftReferences {
  private DriftReferences() {}

  /**
   * The reference of a model trained on {@code trainRows} of {@code data}.
   *
   * @param scores the served (calibrated) probabilities of the test rows
   */
  public static DriftReference of(Dataset data, int[] trainRows, double[] scores) {
    List<FeatureReference> features = new ArrayList<>(data.featureCount());
    double[] values = new double[trainRows.length];
    for (int f = 0; f < data.featureCount(); f++) {
      for (int i = 0; i < trainRows.length; i++) {
        values[i] = data.value(trainRows[i], f);
      }
      String name = data.featureNames().get(f);
      if (data.kind(f) == FeatureKind.CATEGORICAL) {
        CategoricalVocabulary vocab = data.vocabularies().get(name);
        features.add(
            ReferenceBuilder.categorical(
                name,
                values,
                code ->
                    vocab != null && code >= 0 && code < vocab.values().size()
                        ? vocab.value(code)
                        : Integer.toString(code)));
      } else {
        features.add(ReferenceBuilder.numeric(name, values));
      }
    }
    return new DriftReference(
        trainRows.length, scores.length, features, ReferenceBuilder.score("score", scores));
  }
}
