package io.propensity.training.source;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.common.error.UnavailableException;
import io.propensity.engine.labels.Cutoffs;
import io.propensity.engine.labels.Target;
import io.propensity.training.jobs.DataLoader;
import io.propensity.training.pipeline.CancellationToken;
import io.propensity.training.pipeline.Progress;
import io.propensity.training.pipeline.ProgressListener;
import io.propensity.training.pipeline.Stage;
import io.propensity.training.pipeline.TrainingDataException;
import io.propensity.training.pipeline.TrainingSource;
import io.propensity.training.pipeline.data.Dataset;
import io.propensity.training.pipeline.data.FeatureKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.TrainingRow;
import propensity.features.v1.TrainingSetSpec;

/**
 * Loads a job's rows by streaming a point-in-time training set from feature-service into a {@link
 * Dataset} (features, labels, cutoffs and user ids, so the pipeline can split by time).
 */
public final class FeatureServiceTrainingData implements DataLoader {
  private final FeatureServiceClient client;
  private final TrainingSetSpec spec;
  private final Duration streamDeadline;

  public FeatureServiceTrainingData(
      FeatureServiceClient client, TrainingSetSpec spec, Duration streamDeadline) {
    this.client = client;
    this.spec = spec;
    this.streamDeadline = streamDeadline;
  }

  @Override
  public TrainingSource load(ProgressListener progress, CancellationToken cancel) {
    progress.onProgress(
        Progress.stage(Stage.LOADING, 0, "requesting the training set from feature-service"));
    Target target = targetOf(spec);
    Iterator<BuildTrainingSetResponse> stream;
    Dataset.Builder rows = null;
    int features = 0;
    long expected = 0;
    try {
      stream = client.trainingSet(spec, streamDeadline);
      while (stream.hasNext()) {
        cancel.throwIfCancelled();
        BuildTrainingSetResponse r = stream.next();
        switch (r.getPayloadCase()) {
          case HEADER -> {
            List<String> names = new ArrayList<>();
            List<FeatureKind> kinds = new ArrayList<>();
            for (FeatureDefinition f : r.getHeader().getSchema().getFeaturesList()) {
              names.add(f.getName());
              kinds.add(kindOf(f));
            }
            features = names.size();
            rows = Dataset.builder(names, kinds);
          }
          case ROWS -> {
            for (TrainingRow row : r.getRows().getRowsList()) {
              if (row.getValuesCount() != features) {
                throw new TrainingDataException(
                    "feature-service sent a row with "
                        + row.getValuesCount()
                        + " values for "
                        + features
                        + " features");
              }
              double[] values = new double[features];
              for (int i = 0; i < features; i++) {
                values[i] = row.getValues(i);
              }
              rows.add(
                  values,
                  row.getLabel(),
                  EventProtoMapper.instant(row.getCutoff()),
                  row.getUserId());
            }
          }
          case PROGRESS ->
              progress.onProgress(
                  new Progress(
                      Stage.LOADING,
                      0,
                      0,
                      0,
                      "rows",
                      r.getProgress().getRowsSent(),
                      Math.min(9, r.getProgress().getPercent() / 10),
                      String.format(
                          Locale.ROOT,
                          "loading the training set: %,d rows, %.0f%% of users",
                          r.getProgress().getRowsSent(),
                          r.getProgress().getPercent())));
          case SUMMARY -> expected = r.getSummary().getRowCount();
          default -> {}
        }
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE
          || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw new UnavailableException(
            "feature-service could not deliver the training set: "
                + e.getStatus().getCode()
                + " "
                + Optional.ofNullable(e.getStatus().getDescription()).orElse(""),
            Optional.of(Duration.ofSeconds(5)),
            e);
      }
      throw new TrainingDataException(
          "feature-service refused the training set: "
              + e.getStatus().getCode()
              + ": "
              + refusal(e));
    }
    if (rows == null || rows.rowCount() == 0) {
      throw new TrainingDataException(
          "the training set is empty: no user is eligible at the requested cutoffs"
              + (target == Target.SESSION_CONVERSION
                  ? " (no session has an event between the first and last cutoff)"
                  : " (no user has an event in the 30 days before a cutoff)")
              + "; move the cutoffs to where the events are (--from, --to; without them the"
              + " CLI places them where the events are dense), or ingest more events");
    }
    if (expected != rows.rowCount()) {
      throw new TrainingDataException(
          "the training set stream ended early: "
              + rows.rowCount()
              + " of "
              + expected
              + " rows arrived");
    }
    String name = spec.getTarget().name().replace("TARGET_", "").toLowerCase(Locale.ROOT);
    Duration horizon = EventProtoMapper.duration(spec.getHorizon());
    return new TrainingSource.InMemory(
        rows.build(),
        "feature-service training set: target "
            + name
            + (target.usesHorizon() ? ", horizon " + Cutoffs.format(horizon) : ""),
        name,
        target.labelReach(horizon),
        moreRowsAdvice(target));
  }

  /** The target of {@code spec}; feature-service has refused any other before rows arrive. */
  private static Target targetOf(TrainingSetSpec spec) {
    return switch (spec.getTarget()) {
      case TARGET_CHURN -> Target.CHURN;
      case TARGET_SESSION_CONVERSION -> Target.SESSION_CONVERSION;
      default -> Target.PURCHASE;
    };
  }

  /** What to change in the request for more rows, or rows of a missing class. */
  static String moreRowsAdvice(Target target) {
    return switch (target) {
      case PURCHASE ->
          "widen the cutoffs (an earlier --from or a later --to) or lengthen the horizon"
              + " (--horizon), so that more rows see a purchase";
      case CHURN ->
          "widen the cutoffs (an earlier --from or a later --to) or change the horizon"
              + " (--horizon), so that both active and silent users appear";
      case SESSION_CONVERSION ->
          "widen the cutoffs (an earlier --from or a later --to) to cover more sessions,"
              + " converting ones among them";
    };
  }

  /** The status description and every field violation it carries, on one line. */
  private static String refusal(StatusRuntimeException e) {
    StringBuilder out =
        new StringBuilder(Optional.ofNullable(e.getStatus().getDescription()).orElse(""));
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details != null) {
      for (Any a : details.getDetailsList()) {
        if (a.is(BadRequest.class)) {
          try {
            for (var v : a.unpack(BadRequest.class).getFieldViolationsList()) {
              String violation = v.getField() + ": " + v.getDescription();
              if (out.indexOf(violation) < 0) { // the description often names the first
                out.append("; ").append(violation);
              }
            }
          } catch (InvalidProtocolBufferException unreadable) {
            // the description alone then
          }
        }
      }
    }
    return out.toString();
  }

  private static FeatureKind kindOf(FeatureDefinition f) {
    return switch (f.getType()) {
      case FEATURE_TYPE_BOOLEAN -> FeatureKind.BOOLEAN;
      case FEATURE_TYPE_CATEGORICAL -> FeatureKind.CATEGORICAL;
      default -> FeatureKind.NUMERIC;
    };
  }
}
