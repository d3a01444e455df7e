package io.propensity.inference.drift;

import io.propensity.inference.predictionlog.LoggedSchema;
import io.propensity.inference.predictionlog.PredictionLogStore;
import io.propensity.inference.predictionlog.PredictionPage;
import io.propensity.inference.predictionlog.PredictionQuery;
import io.propensity.inference.predictionlog.ServedPrediction;
import io.propensity.runtime.drift.DriftReference;
import io.propensity.runtime.drift.FeatureReference;
import io.propensity.runtime.drift.Psi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Computes a version's drift over a window: reads the version's logged predictions of the window
 * from the served-prediction log, bins their feature values and probabilities with the version's
 * reference bins and compares the shares (PSI).
 */
public final class DriftAnalyzer {
  private static final int PAGE = 5_000;

  private final Optional<PredictionLogStore> log;
  private final ReferenceLookup references;
  private final long minRows;
  private final long maxRows;

  /**
   * @param log the served-prediction log; empty when it is off
   */
  public DriftAnalyzer(
      Optional<PredictionLogStore> log, ReferenceLookup references, long minRows, long maxRows) {
    this.log = log;
    this.references = references;
    this.minRows = minRows;
    this.maxRows = maxRows;
  }

  /** The drift of {@code name}@{@code version} over [{@code from}, {@code to}). */
  public DriftReport analyze(String name, long version, Instant from, Instant to) {
    if (log.isEmpty()) {
      return DriftReport.unavailable(
          name,
          version,
          "the served-prediction log is off (propensity.inference.prediction-log.enabled=false)",
          from,
          to,
          minRows);
    }
    ReferenceLookup.Found found = references.find(name, version);
    if (found instanceof ReferenceLookup.Missing m) {
      return DriftReport.unavailable(name, version, m.reason(), from, to, minRows);
    }
    DriftReference reference = ((ReferenceLookup.Reference) found).reference();
    List<FeatureReference> features = reference.features();
    long[][] counts = new long[features.size()][];
    for (int f = 0; f < counts.length; f++) {
      counts[f] = new long[features.get(f).binCount()];
    }
    boolean[] seen = new boolean[features.size()];
    long[] scoreCounts = new long[reference.score().binCount()];
    Map<String, int[]> positions = new HashMap<>();
    long used = 0;
    long withoutValues = 0;
    long read = 0;
    PredictionQuery query =
        new PredictionQuery(
            Optional.of(name),
            OptionalLong.of(version),
            Optional.of(from),
            Optional.of(to),
            Optional.empty(),
            0,
            PAGE);
    while (read < maxRows) {
      PredictionPage page = log.get().list(query);
      for (ServedPrediction p : page.predictions()) {
        if (read++ >= maxRows) {
          break;
        }
        if (!p.hasFeatures()) {
          withoutValues++;
          continue;
        }
        int[] at =
            positions.computeIfAbsent(
                p.schema().hash(),
                h -> positionsOf(features, page.schemas().getOrDefault(h, p.schema())));
        double[] values = p.features();
        for (int f = 0; f < at.length; f++) {
          if (at[f] >= 0 && at[f] < values.length) {
            counts[f][features.get(f).bin(values[at[f]])]++;
            seen[f] = true;
          }
        }
        scoreCounts[reference.score().bin(p.probability())]++;
        used++;
      }
      if (page.next().isEmpty()) {
        break;
      }
      query = query.after(page.next().getAsLong());
    }
    List<DriftReport.Distribution> out = new ArrayList<>(features.size());
    for (int f = 0; f < features.size(); f++) {
      out.add(distribution(features.get(f), counts[f], !seen[f]));
    }
    out.sort(
        Comparator.comparingDouble(DriftReport.Distribution::psi)
            .reversed()
            .thenComparing(DriftReport.Distribution::name));
    DriftReport.Status status;
    String reason;
    if (used >= minRows) {
      status = DriftReport.Status.AVAILABLE;
      reason = "";
    } else {
      status = DriftReport.Status.TOO_FEW_ROWS;
      reason =
          used
              + " logged predictions with feature values in the window, "
              + minRows
              + " needed (propensity.inference.drift.min-rows)";
    }
    return new DriftReport(
        name,
        version,
        status,
        reason,
        from,
        to,
        used,
        withoutValues,
        reference.rows(),
        minRows,
        Optional.of(distribution(reference.score(), scoreCounts, false)),
        out);
  }

  /** Where each reference feature sits in vectors of {@code schema}; −1 when absent. */
  private static int[] positionsOf(List<FeatureReference> features, LoggedSchema schema) {
    List<String> names = schema.names();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.putIfAbsent(names.get(i), i);
    }
    int[] at = new int[features.size()];
    for (int f = 0; f < at.length; f++) {
      at[f] = index.getOrDefault(features.get(f).name(), -1);
    }
    return at;
  }

  private static DriftReport.Distribution distribution(
      FeatureReference ref, long[] counts, boolean absent) {
    double[] live = FeatureReference.shares(counts);
    boolean empty = java.util.Arrays.stream(counts).sum() == 0;
    return new DriftReport.Distribution(
        ref.name(),
        empty ? 0 : Psi.of(ref.shares(), live),
        ref.binLabels(),
        ref.shares(),
        live,
        counts,
        absent);
  }
}
