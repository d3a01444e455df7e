package io.propensity.training.pipeline.comparison;

import io.propensity.runtime.metrics.BootstrapResult;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.runtime.metrics.IntervalMetric;
import java.util.List;
import java.util.Objects;

/**
 * How sure a training run is of its model: bootstrap intervals of the model, the baseline and the
 * naive rules on the same test rows, the paired intervals of the model's lead over each, and the
 * verdict against the baseline.
 *
 * @param bootstrap the intervals; scorer {@link #MODEL} is the subject of the paired differences,
 *     {@link #BASELINE} and each evaluated rule (by its name) the references
 * @param rules every rule considered, evaluated or not (and why not), in order
 * @param verdict whether the model beats the baseline by more than the interval
 */
public record ModelComparison(BootstrapResult bootstrap, List<RuleResult> rules, Verdict verdict) {

  /** The scorer name of the LightGBM model. */
  public static final String MODEL = "lightgbm";

  /** The scorer name of the logistic baseline. */
  public static final String BASELINE = "baseline";

  public ModelComparison {
    Objects.requireNonNull(bootstrap, "bootstrap");
    rules = List.copyOf(rules);
    Objects.requireNonNull(verdict, "verdict");
  }

  /** The model's interval on {@code metric}. */
  public ConfidenceInterval model(IntervalMetric metric) {
    return bootstrap.interval(MODEL, metric);
  }

  /** The baseline's interval on {@code metric}. */
  public ConfidenceInterval baseline(IntervalMetric metric) {
    return bootstrap.interval(BASELINE, metric);
  }

  /** The paired interval of model − baseline on {@code metric}. */
  public ConfidenceInterval modelMinusBaseline(IntervalMetric metric) {
    return bootstrap.difference(BASELINE, metric);
  }
}
