package io.propensity.inference.predictionlog;

import io.propensity.engine.features.FeatureSpec;
import io.propensity.inference.live.StreamOutcome;
import io.propensity.inference.ranking.RankedTarget;
import io.propensity.inference.ranking.RankingSummary;
import io.propensity.inference.scoring.ExplainedFactor;
import io.propensity.inference.scoring.Prediction;
import io.propensity.inference.scoring.RowOutcome;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.inference.serving.ServedModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns the answers of the endpoints into {@link ServedPrediction}s and hands them to the {@link
 * PredictionLog}; with the log disabled it only hands out request ids. What the endpoints call, so
 * that they stay one line longer each.
 */
public final class PredictionRecorder implements AutoCloseable {
  private final Optional<PredictionLog> log;
  private final Map<String, LoggedSchema> schemas = new ConcurrentHashMap<>();

  /** A recorder writing to {@code log}, or recording nothing when it is empty. */
  public PredictionRecorder(Optional<PredictionLog> log) {
    this.log = log;
  }

  /** Writes what is queued and closes the log. */
  @Override
  public void close() {
    log.ifPresent(PredictionLog::close);
  }

  /** The log, when enabled. */
  public Optional<PredictionLog> log() {
    return log;
  }

  /**
   * The id a request is answered and recorded under: the caller's, checked, or a new random
   * (version 4) UUID.
   */
  public static String requestId(String given, String field) {
    if (given.isEmpty()) {
      // a log key, not a secret: ThreadLocalRandom keeps SecureRandom's lock off the request path
      ThreadLocalRandom r = ThreadLocalRandom.current();
      return new UUID(
              (r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & ~(3L << 62)) | (1L << 63))
          .toString();
    }
    return PredictionLog.requestId(given, field);
  }

  /** Whether a request of this endpoint is recorded. */
  public boolean sampled(ServedEndpoint endpoint) {
    return log.isPresent() && log.get().sampled(endpoint);
  }

  /** Records a Predict answer. */
  public void predicted(String requestId, Prediction p) {
    log.ifPresent(l -> l.record(of(requestId, 0, ServedEndpoint.PREDICT, l.now(), p)));
  }

  /** Records the scored rows of a PredictBatch answer (failed rows are not answers). */
  public void batch(String requestId, List<RowOutcome> outcomes) {
    log.ifPresent(
        l -> {
          Instant at = l.now();
          for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof RowOutcome.Scored s) {
              l.record(of(requestId, i, ServedEndpoint.PREDICT_BATCH, at, s.prediction()));
            }
          }
        });
  }

  /** Records one StreamPredict answer, {@code index} counting over the stream. */
  public void streamed(String requestId, long index, StreamOutcome o) {
    if (o instanceof StreamOutcome.Predicted p) {
      log.ifPresent(
          l ->
              l.record(
                  of(
                      requestId,
                      (int) Math.min(Integer.MAX_VALUE, index),
                      ServedEndpoint.STREAM_PREDICT,
                      l.now(),
                      p.prediction())));
    }
  }

  /** Most ranked targets recorded per ranking. */
  public int rankTargetsMaxRows() {
    return log.map(PredictionLog::rankTargetsMaxRows).orElse(0);
  }

  /**
   * Records the kept targets of a ranking once its summary is known. Their feature values are not
   * recorded (a ranking may score a million users; the values as of {@code features_as_of} can be
   * rebuilt from feature-service), only the schema hash of {@code model}.
   *
   * @param model the version serving the summary's model now, if any: its alias and schema are
   *     recorded (when it is not the summary's version, the alias and schema of the newer one)
   */
  public void ranked(
      String requestId,
      List<RankedTarget> targets,
      RankingSummary summary,
      Optional<ServedModel> model) {
    log.ifPresent(
        l -> {
          Instant at = l.now();
          String alias = model.map(ServedModel::alias).orElse("");
          LoggedSchema schema =
              model.map(this::schemaOf).orElse(new LoggedSchema("unknown", List.of()));
          List<ServedPrediction> out = new ArrayList<>(targets.size());
          for (RankedTarget t : targets) {
            out.add(
                new ServedPrediction(
                    requestId,
                    (int) Math.min(Integer.MAX_VALUE, t.rank() - 1),
                    at,
                    ServedEndpoint.RANK_TARGETS,
                    Optional.of(t.userId()),
                    summary.modelName(),
                    summary.modelVersion(),
                    alias,
                    schema,
                    new double[0],
                    t.probability(),
                    t.probability() >= summary.threshold(),
                    summary.threshold(),
                    t.coldStart(),
                    factors(t.factors())));
          }
          l.recordAll(out);
        });
  }

  private ServedPrediction of(
      String requestId, int row, ServedEndpoint endpoint, Instant at, Prediction p) {
    ServedModel m = p.servedBy().model();
    return new ServedPrediction(
        requestId,
        row,
        at,
        endpoint,
        p.userId(),
        p.modelName(),
        p.modelVersion(),
        m.alias(),
        schemaOf(m),
        p.servedBy().values(),
        p.probability(),
        p.label(),
        p.threshold(),
        p.coldStart(),
        factors(p.factors()));
  }

  private static List<ServedPrediction.LoggedFactor> factors(List<ExplainedFactor> factors) {
    if (factors.isEmpty()) {
      return List.of();
    }
    List<ServedPrediction.LoggedFactor> out = new ArrayList<>(factors.size());
    for (ExplainedFactor f : factors) {
      out.add(new ServedPrediction.LoggedFactor(f.feature(), f.value(), f.contribution()));
    }
    return out;
  }

  /** The names (and for a table's model, categorical levels) of a version's vectors. */
  public LoggedSchema schemaOf(ServedModel m) {
    String hash = m.descriptor().schemaHash();
    LoggedSchema known = schemas.get(hash);
    if (known != null) {
      return known;
    }
    List<LoggedSchema.Feature> features = new ArrayList<>();
    if (m.provided()) {
      for (ModelSchema.Feature f : m.features().features()) {
        features.add(new LoggedSchema.Feature(f.name(), f.type(), f.categories()));
      }
    } else {
      for (FeatureSpec f : m.schema().features()) {
        features.add(new LoggedSchema.Feature(f.name(), Optional.of(f.type()), List.of()));
      }
    }
    LoggedSchema made = new LoggedSchema(hash, features);
    schemas.putIfAbsent(hash, made);
    return made;
  }
}
