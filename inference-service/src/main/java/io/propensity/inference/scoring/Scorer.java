package io.propensity.inference.scoring;

import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.error.PropensityException;
import io.propensity.inference.scoring.OnlineFeatureSource.OnlineFeatures;
import io.propensity.inference.scoring.OnlineFeatureSource.UserFeatures;
import io.propensity.inference.scoring.ScoringMetrics.Operation;
import io.propensity.inference.serving.ModelLease;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores single inputs, batches and explanations with the version each request leases: by user id
 * (online features from the feature service), by inline feature vector, by inline events, or (for a
 * model of a team's own table) by provided feature values.
 */
public final class Scorer {
  /** Most factors a prediction may ask for. */
  public static final int MAX_TOP_K = 50;

  /** Most inputs of one batch. */
  public static final int MAX_BATCH = 1_000;

  private final ServedModels models;
  private final OnlineFeatureSource features;
  private final InputResolver resolver;
  private final RowScorer rows;
  private final ColdStartPolicy coldStart;
  private final ScoringMetrics metrics;

  public Scorer(
      ServedModels models,
      OnlineFeatureSource features,
      InputResolver resolver,
      RowScorer rows,
      ColdStartPolicy coldStart,
      ScoringMetrics metrics) {
    this.models = models;
    this.features = features;
    this.resolver = resolver;
    this.rows = rows;
    this.coldStart = coldStart;
    this.metrics = metrics;
  }

  /** Checks a requested number of factors. */
  public static int checkTopK(int k, int max, String field) {
    if (k < 0 || k > max) {
      throw InvalidInputException.of(field, k + " is outside 0 to " + max);
    }
    return k;
  }

  /** Scores one input. */
  public Prediction predict(Optional<String> model, PredictionInput input, int topK) {
    long started = System.nanoTime();
    checkTopK(topK, MAX_TOP_K, "explain_top_k");
    try (ModelLease lease = models.lease(model)) {
      FeatureRow row = resolve(lease.served(), input, "input.");
      Prediction p = rows.score(lease, row, topK);
      metrics.predicted(lease.served(), kind(input), 1);
      return p;
    } finally {
      metrics.timed(Operation.PREDICT, System.nanoTime() - started);
    }
  }

  /** Explains one input fully. */
  public Explanation explain(Optional<String> model, PredictionInput input) {
    long started = System.nanoTime();
    try (ModelLease lease = models.lease(model)) {
      FeatureRow row = resolve(lease.served(), input, "input.");
      Explanation e = rows.explain(lease, row);
      metrics.predicted(lease.served(), kind(input), 1);
      return e;
    } finally {
      metrics.timed(Operation.EXPLAIN, System.nanoTime() - started);
    }
  }

  /**
   * Scores a batch with one version; a bad input fails its own row. Users are fetched from the
   * feature service in one go; if it cannot answer, only the by-user rows fail.
   */
  public List<RowOutcome> predictBatch(
      Optional<String> model, List<PredictionInput> inputs, int topK) {
    long started = System.nanoTime();
    if (inputs.isEmpty()) {
      throw InvalidInputException.of("inputs", "at least 1 input is required");
    }
    if (inputs.size() > MAX_BATCH) {
      throw InvalidInputException.of(
          "inputs", inputs.size() + " inputs, at most " + MAX_BATCH + " allowed");
    }
    checkTopK(topK, MAX_TOP_K, "explain_top_k");
    try (ModelLease lease = models.lease(model)) {
      ServedModel m = lease.served();
      Object[] resolved = new Object[inputs.size()];
      LinkedHashSet<String> users = new LinkedHashSet<>();
      for (int i = 0; i < inputs.size(); i++) {
        PredictionInput in = inputs.get(i);
        try {
          if (in instanceof PredictionInput.ByUser && m.provided()) {
            throw InputResolver.takesProvidedFeatures(m, "a user id");
          } else if (in instanceof PredictionInput.ByUser u) {
            users.add(InputResolver.checkUserId(u.userId(), "user_id"));
          } else {
            resolved[i] = resolve(m, in, "");
          }
        } catch (PropensityException e) {
          resolved[i] = e;
        }
      }
      if (!users.isEmpty()) {
        Map<String, Object> byUser = new HashMap<>();
        try {
          List<String> ids = List.copyOf(users);
          List<Object> fetched = userRows(m, ids);
          for (int i = 0; i < ids.size(); i++) {
            byUser.put(ids.get(i), fetched.get(i));
          }
        } catch (PropensityException e) {
          users.forEach(u -> byUser.put(u, e));
        }
        for (int i = 0; i < inputs.size(); i++) {
          if (resolved[i] == null && inputs.get(i) instanceof PredictionInput.ByUser u) {
            resolved[i] = byUser.get(u.userId());
          }
        }
      }
      List<RowOutcome> out = new ArrayList<>(inputs.size());
      Map<String, Long> counts = new HashMap<>();
      for (int i = 0; i < inputs.size(); i++) {
        if (resolved[i] instanceof FeatureRow row) {
          out.add(new RowOutcome.Scored(rows.score(lease, row, topK)));
          counts.merge(kind(inputs.get(i)), 1L, Long::sum);
        } else {
          out.add(new RowOutcome.Failed((PropensityException) resolved[i]));
        }
      }
      counts.forEach((kind, n) -> metrics.predicted(m, kind, n));
      return out;
    } finally {
      metrics.timed(Operation.PREDICT_BATCH, System.nanoTime() - started);
    }
  }

  private FeatureRow resolve(ServedModel m, PredictionInput input, String prefix) {
    if (input instanceof PredictionInput.ByProvided p) {
      if (!m.provided()) {
        throw InputResolver.computesItsFeatures(m, prefix + "provided");
      }
      return InputResolver.provided(p, m, prefix + "provided");
    }
    if (m.provided() && input instanceof PredictionInput.ByUser) {
      throw InputResolver.takesProvidedFeatures(m, "a user id");
    }
    if (m.provided() && input instanceof PredictionInput.ByEvents) {
      throw InputResolver.takesProvidedFeatures(m, "inline events");
    }
    if (input instanceof PredictionInput.ByUser u) {
      Object row =
          userRows(m, List.of(InputResolver.checkUserId(u.userId(), prefix + "user_id"))).get(0);
      if (row instanceof PropensityException e) {
        throw e;
      }
      return (FeatureRow) row;
    }
    if (input instanceof PredictionInput.ByVector v) {
      return resolver.vector(v, m, prefix);
    }
    if (input instanceof PredictionInput.ByEvents e) {
      return resolver.events(e, prefix);
    }
    throw InvalidInputException.of(
        prefix.isEmpty() ? "input" : prefix.substring(0, prefix.length() - 1),
        m.provided()
            ? "one of provided or features is required"
            : "one of user_id, features or events is required");
  }

  /**
   * Rows of users from the feature service, in order: a {@link FeatureRow}, or the {@link
   * PropensityException} of a user refused by the cold-start policy.
   *
   * @throws PropensityException when the feature service cannot answer or serves another schema
   */
  public List<Object> userRows(ServedModel m, List<String> userIds) {
    OnlineFeatures f = features.fetch(userIds);
    if (!f.schemaHash().equals(m.descriptor().schemaHash())) {
      throw InputResolver.otherComputedSchema(m, f.schemaHash(), ": deploy matching versions");
    }
    List<Object> out = new ArrayList<>(f.users().size());
    for (UserFeatures u : f.users()) {
      if (u.coldStart() && coldStart == ColdStartPolicy.REJECT) {
        out.add(
            new NotFoundException(
                "user '"
                    + u.userId()
                    + "' has no events in the feature service, and cold-start scoring is disabled"
                    + " (propensity.inference.cold-start=reject)"));
      } else {
        out.add(
            new FeatureRow(
                Optional.of(u.userId()), u.values(), u.coldStart(), Optional.of(f.asOf())));
      }
    }
    return out;
  }

  private static String kind(PredictionInput input) {
    if (input instanceof PredictionInput.ByUser) {
      return "user";
    }
    if (input instanceof PredictionInput.ByVector) {
      return "features";
    }
    if (input instanceof PredictionInput.ByEvents) {
      return "events";
    }
    if (input instanceof PredictionInput.ByProvided) {
      return "provided";
    }
    return "none";
  }
}
