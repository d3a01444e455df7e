package io.propensity.inference.scoring;

import io.propensity.inference.explain.FactorDescriber;
import io.propensity.inference.serving.ModelLease;
import io.propensity.inference.serving.ServedModel;
import io.propensity.runtime.Contributions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Scores resolved rows with a leased version: probability, label, and factors when asked. */
public final class RowScorer {
  private final FactorDescriber describer;
  private final List<String> engineNames;

  public RowScorer(FactorDescriber describer) {
    this.describer = describer;
    this.engineNames = describer.schema().names();
  }

  /** Feature names of a version's rows: the service's schema, or a PROVIDED version's own. */
  private List<String> names(ServedModel m) {
    return m.provided() ? m.featureNames() : engineNames;
  }

  /** One factor for people: the schema's phrase for ENGINE, the column's name for PROVIDED. */
  private String text(ServedModel m, int feature, double value, double contribution) {
    return m.provided()
        ? FactorDescriber.describeProvided(
            m.features().features().get(feature), value, contribution)
        : describer.describe(feature, value, contribution);
  }

  /** The prediction of one row, with the top {@code topK} factors (none when 0). */
  public Prediction score(ModelLease lease, FeatureRow row, int topK) {
    double p = lease.probability(row.values());
    return prediction(
        lease.served(), row, p, topK > 0 ? topFactors(lease, row.values(), topK) : List.of());
  }

  /** A prediction from an already computed probability. */
  public Prediction prediction(
      ServedModel m, FeatureRow row, double probability, List<ExplainedFactor> factors) {
    return new Prediction(
        row.userId(),
        probability,
        probability >= m.threshold(),
        m.threshold(),
        m.name(),
        m.version(),
        row.coldStart(),
        factors,
        row.asOf(),
        new Prediction.ServedBy(m, row.values()));
  }

  /** The {@code k} features that moved this row's score most, described. */
  public List<ExplainedFactor> topFactors(ModelLease lease, double[] values, int k) {
    return describe(lease.served(), compactTopFactors(lease, values, k));
  }

  /**
   * Top factors without their descriptions: three small arrays instead of objects and strings, for
   * holding many (a ranking) until they are sent.
   */
  public record CompactFactors(int[] features, double[] values, double[] contributions) {
    public static final CompactFactors NONE =
        new CompactFactors(new int[0], new double[0], new double[0]);
  }

  /**
   * The {@code k} features that moved this row's score most, compactly: the model selects them (the
   * Java scorer without building every contribution or sorting them), in decreasing |contribution|
   * with ties in schema order, features that did not move the score left out.
   */
  public CompactFactors compactTopFactors(ModelLease lease, double[] values, int k) {
    int capacity = Math.min(k, values.length);
    int[] features = new int[capacity];
    double[] contributions = new double[capacity];
    int n = lease.topContributions(values, k, features, contributions);
    if (n == 0) {
      return CompactFactors.NONE;
    }
    double[] vals = new double[n];
    for (int i = 0; i < n; i++) {
      vals[i] = values[features[i]];
    }
    return new CompactFactors(
        n == capacity ? features : Arrays.copyOf(features, n),
        vals,
        n == capacity ? contributions : Arrays.copyOf(contributions, n));
  }

  /** Compact factors of a version's row with names and descriptions. */
  public List<ExplainedFactor> describe(ServedModel m, CompactFactors f) {
    List<String> names = names(m);
    List<ExplainedFactor> out = new ArrayList<>(f.features().length);
    for (int i = 0; i < f.features().length; i++) {
      int index = f.features()[i];
      out.add(
          new ExplainedFactor(
              names.get(index),
              f.values()[i],
              f.contributions()[i],
              text(m, index, f.values()[i], f.contributions()[i])));
    }
    return out;
  }

  /** Every feature's contribution, in schema order, and the bias. */
  public Explanation explain(ModelLease lease, FeatureRow row) {
    double[] values = row.values();
    double p = lease.probability(values);
    Contributions c = lease.contributions(values);
    List<String> names = names(lease.served());
    List<ExplainedFactor> all = new ArrayList<>(values.length);
    for (int i = 0; i < values.length; i++) {
      double contribution = c.contribution(i);
      all.add(
          new ExplainedFactor(
              names.get(i),
              values[i],
              contribution,
              text(lease.served(), i, values[i], contribution)));
    }
    return new Explanation(
        prediction(lease.served(), row, p, List.of()), c.bias(), all, c.rawScore());
  }
}
