package io.propensity.inference.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.propensity.client.EventProtoMapper;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.grpc.ClientTimes;
import io.propensity.common.grpc.GrpcErrors;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.engine.features.FeatureSchema;
import io.propensity.engine.features.FeatureSpec;
import io.propensity.engine.labels.Target;
import io.propensity.inference.live.HistorySeed;
import io.propensity.inference.live.StreamOutcome;
import io.propensity.inference.ranking.RankRequest;
import io.propensity.inference.ranking.RankedTarget;
import io.propensity.inference.ranking.RankingSummary;
import io.propensity.inference.scoring.ExplainedFactor;
import io.propensity.inference.scoring.Explanation;
import io.propensity.inference.scoring.Prediction;
import io.propensity.inference.scoring.PredictionInput;
import io.propensity.inference.scoring.ProvidedValue;
import io.propensity.inference.scoring.RowOutcome;
import io.propensity.inference.serving.ModelEvaluation;
import io.propensity.inference.serving.ModelSchema;
import io.propensity.inference.serving.ServedModel;
import io.propensity.runtime.calibration.Calibration;
import io.propensity.runtime.metrics.CalibrationBin;
import io.propensity.runtime.metrics.LiftDecile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import propensity.events.v1.EventRejection;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.FeatureSource;
import propensity.features.v1.FeatureType;
import propensity.features.v1.MissingValues;
import propensity.features.v1.WindowKind;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.Factor;
import propensity.inference.v1.GetModelInfoResponse;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictBatchResult;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.ProvidedFeatureValue;
import propensity.inference.v1.ProvidedFeatures;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.StreamPredictResponse;
import propensity.registry.v1.CalibrationPoint;
import propensity.registry.v1.ConfusionMatrix;
import propensity.registry.v1.DecileLift;
import propensity.registry.v1.Evaluation;
import propensity.registry.v1.IsotonicCalibration;
import propensity.registry.v1.NoCalibration;
import propensity.registry.v1.PlattScaling;

/** Translates between the inference.v1 contract and the service's domain types, nothing else. */
final class InferenceProtoMapper {
  private InferenceProtoMapper() {}

  /** A proto3 model name: empty means the default. */
  static Optional<String> modelName(String name) {
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  static PredictionInput toInput(propensity.inference.v1.PredictionInput in) {
    return toInput(in, "input.");
  }

  /**
   * @param prefix path of {@code in} in its request, e.g. {@code input.} or {@code inputs[3].}
   * @throws InvalidInputException when a timestamp is outside the range a Timestamp may hold
   */
  static PredictionInput toInput(propensity.inference.v1.PredictionInput in, String prefix) {
    switch (in.getInputCase()) {
      case USER_ID:
        return new PredictionInput.ByUser(in.getUserId());
      case FEATURES:
        return new PredictionInput.ByVector(
            in.getFeatures().getSchemaVersionHash(),
            in.getFeatures().getValuesList().stream().mapToDouble(Double::doubleValue).toArray());
      case EVENTS:
        return new PredictionInput.ByEvents(
            toEvents(in.getEvents().getEventsList()),
            in.getEvents().hasAsOf()
                ? Optional.of(
                    ClientTimes.instant(in.getEvents().getAsOf(), prefix + "events.as_of"))
                : Optional.empty());
      case PROVIDED:
        return toProvided(in.getProvided());
      default:
        return new PredictionInput.Missing();
    }
  }

  static PredictionInput.ByProvided toProvided(ProvidedFeatures p) {
    Map<String, ProvidedValue> values = new HashMap<>();
    p.getValuesMap().forEach((name, v) -> values.put(name, toValue(v)));
    return new PredictionInput.ByProvided(p.getRowId(), values);
  }

  static ProvidedValue toValue(ProvidedFeatureValue v) {
    switch (v.getValueCase()) {
      case NUMBER:
        return new ProvidedValue.OfNumber(v.getNumber());
      case CATEGORY:
        return new ProvidedValue.OfText(v.getCategory());
      case FLAG:
        return new ProvidedValue.OfFlag(v.getFlag());
      case MISSING:
        return new ProvidedValue.Missing();
      default:
        return new ProvidedValue.Unset();
    }
  }

  static List<PredictionInput> toInputs(List<propensity.inference.v1.PredictionInput> inputs) {
    List<PredictionInput> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      out.add(toInput(inputs.get(i), "inputs[" + i + "]."));
    }
    return out;
  }

  static List<ReceivedEvent> toEvents(List<propensity.events.v1.Event> events) {
    return EventProtoMapper.fromProto(events);
  }

  static PredictResponse toResponse(Prediction p, String requestId) {
    return PredictResponse.newBuilder().setPrediction(toProto(p)).setRequestId(requestId).build();
  }

  static propensity.inference.v1.Prediction toProto(Prediction p) {
    propensity.inference.v1.Prediction.Builder b =
        propensity.inference.v1.Prediction.newBuilder()
            .setProbability(p.probability())
            .setLabel(p.label())
            .setThreshold(p.threshold())
            .setModelName(p.modelName())
            .setModelVersion(p.modelVersion())
            .setColdStart(p.coldStart());
    p.userId().ifPresent(b::setUserId);
    p.featuresAsOf().ifPresent(t -> b.setFeaturesAsOf(EventProtoMapper.timestamp(t)));
    for (ExplainedFactor f : p.factors()) {
      b.addFactors(toProto(f));
    }
    return b.build();
  }

  static Factor toProto(ExplainedFactor f) {
    return Factor.newBuilder()
        .setFeature(f.feature())
        .setValue(f.value())
        .setContribution(f.contribution())
        .setDescription(f.description())
        .build();
  }

  static ExplainResponse toResponse(Explanation e) {
    ExplainResponse.Builder b =
        ExplainResponse.newBuilder()
            .setPrediction(toProto(e.prediction()))
            .setBias(e.bias())
            .setRawScore(e.rawScore());
    for (ExplainedFactor f : e.contributions()) {
      b.addContributions(toProto(f));
    }
    return b.build();
  }

  static PredictBatchResponse toBatchResponse(List<RowOutcome> outcomes, String requestId) {
    PredictBatchResponse.Builder b = PredictBatchResponse.newBuilder().setRequestId(requestId);
    for (RowOutcome o : outcomes) {
      if (o instanceof RowOutcome.Scored s) {
        b.addResults(PredictBatchResult.newBuilder().setPrediction(toProto(s.prediction())));
      } else {
        b.addResults(
            PredictBatchResult.newBuilder().setError(toStatus(((RowOutcome.Failed) o).error())));
      }
    }
    return b.build();
  }

  /** A domain error as the google.rpc.Status a client would receive for it, details included. */
  static com.google.rpc.Status toStatus(RuntimeException error) {
    StatusRuntimeException sre = GrpcErrors.toStatusException(error);
    com.google.rpc.Status status = StatusProto.fromThrowable(sre);
    if (status != null) {
      return status;
    }
    return com.google.rpc.Status.newBuilder()
        .setCode(sre.getStatus().getCode().value())
        .setMessage(
            sre.getStatus().getDescription() == null ? "" : sre.getStatus().getDescription())
        .build();
  }

  static propensity.inference.v1.HistorySeed toProto(HistorySeed.Origin o) {
    return switch (o) {
      case STORED -> propensity.inference.v1.HistorySeed.HISTORY_SEED_STORED;
      case NONE_STORED -> propensity.inference.v1.HistorySeed.HISTORY_SEED_NONE_STORED;
      case TRUNCATED -> propensity.inference.v1.HistorySeed.HISTORY_SEED_TRUNCATED;
      case UNAVAILABLE -> propensity.inference.v1.HistorySeed.HISTORY_SEED_UNAVAILABLE;
    };
  }

  static StreamPredictResponse toProto(StreamOutcome o, String requestId) {
    StreamPredictResponse.Builder b =
        StreamPredictResponse.newBuilder().setEventId(o.eventId()).setRequestId(requestId);
    if (o instanceof StreamOutcome.Predicted p) {
      b.setPrediction(toProto(p.prediction()))
          .setHistorySeed(toProto(p.seed().origin()))
          .setHistoryEventCount(p.seed().events());
    } else {
      StreamOutcome.Rejected r = (StreamOutcome.Rejected) o;
      EventRejection.Builder rejection =
          EventRejection.newBuilder().setIndex(r.index()).setEventId(truncate(r.eventId()));
      for (FieldViolation v : r.violations()) {
        rejection.addViolations(
            propensity.events.v1.FieldViolation.newBuilder()
                .setField(v.field())
                .setDescription(v.reason()));
      }
      b.setRejection(rejection);
    }
    return b.build();
  }

  private static String truncate(String id) {
    return id.length() <= 128 ? id : id.substring(0, 128);
  }

  static RankRequest toRankRequest(RankTargetsRequest r) {
    return new RankRequest(
        modelName(r.getModelName()),
        r.getSegment().getUserIdsList(),
        r.getSegment().hasActiveSince()
            ? Optional.of(
                ClientTimes.instant(r.getSegment().getActiveSince(), "segment.active_since"))
            : Optional.empty(),
        r.getSegment().hasActiveBefore()
            ? Optional.of(
                ClientTimes.instant(r.getSegment().getActiveBefore(), "segment.active_before"))
            : Optional.empty(),
        r.getTopK(),
        r.hasMinProbability() ? OptionalDouble.of(r.getMinProbability()) : OptionalDouble.empty(),
        r.getExplainTopK(),
        r.getSegment().getRowsList().stream().map(InferenceProtoMapper::toProvided).toList());
  }

  static RankTargetsResponse toProto(RankedTarget t) {
    propensity.inference.v1.RankedTarget.Builder b =
        propensity.inference.v1.RankedTarget.newBuilder()
            .setRank(t.rank())
            .setUserId(t.userId())
            .setProbability(t.probability())
            .setColdStart(t.coldStart());
    for (ExplainedFactor f : t.factors()) {
      b.addFactors(toProto(f));
    }
    return RankTargetsResponse.newBuilder().setTarget(b).build();
  }

  static RankTargetsResponse toProto(RankingSummary s, String requestId) {
    propensity.inference.v1.RankingSummary.Builder b =
        propensity.inference.v1.RankingSummary.newBuilder()
            .setRequestId(requestId)
            .setModelName(s.modelName())
            .setModelVersion(s.modelVersion())
            .setScoredCount(s.scored())
            .setSelectedCount(s.selected())
            .setExpectedConversions(s.expectedConversions())
            .setBaseRate(s.baseRate())
            .setLift(s.lift())
            .setThreshold(s.threshold());
    s.featuresAsOf().ifPresent(t -> b.setFeaturesAsOf(EventProtoMapper.timestamp(t)));
    return RankTargetsResponse.newBuilder().setSummary(b).build();
  }

  static GetModelInfoResponse toModelInfo(List<ServedModel> models, String defaultModel) {
    GetModelInfoResponse.Builder b =
        GetModelInfoResponse.newBuilder().setDefaultModelName(defaultModel);
    for (ServedModel m : models) {
      b.addModels(toProto(m));
    }
    return b.build();
  }

  static propensity.inference.v1.ServedModel toProto(ServedModel m) {
    propensity.inference.v1.ServedModel.Builder b =
        propensity.inference.v1.ServedModel.newBuilder()
            .setName(m.name())
            .setVersion(m.version())
            .setAlias(m.alias())
            .setFeatureSchema(
                m.provided()
                    ? toProto(m.features())
                    : toProto(m.schema()).toBuilder()
                        .setSource(FeatureSource.FEATURE_SOURCE_ENGINE)
                        .build())
            .setThreshold(m.threshold())
            .setLoadedAt(EventProtoMapper.timestamp(m.loadedAt()))
            .setArtifactSha256(m.verifiedSha256())
            .setTarget(toProto(m.descriptor().target()));
    m.descriptor().evaluation().ifPresent(e -> b.setEvaluation(toProto(e)));
    b.setCalibration(toProto(m.descriptor().calibration()));
    return b.build();
  }

  /** The contract form of the calibration a version serves through. */
  static propensity.registry.v1.Calibration toProto(Calibration c) {
    propensity.registry.v1.Calibration.Builder b = propensity.registry.v1.Calibration.newBuilder();
    if (c instanceof Calibration.Platt p) {
      b.setPlatt(PlattScaling.newBuilder().setSlope(p.slope()).setIntercept(p.intercept()));
    } else if (c instanceof Calibration.Isotonic iso) {
      IsotonicCalibration.Builder points = IsotonicCalibration.newBuilder();
      double[] raw = iso.rawScores();
      double[] probabilities = iso.probabilities();
      for (int i = 0; i < raw.length; i++) {
        points.addPoints(
            CalibrationPoint.newBuilder().setRawScore(raw[i]).setProbability(probabilities[i]));
      }
      b.setIsotonic(points);
    } else {
      b.setNone(NoCalibration.getDefaultInstance());
    }
    return b.build();
  }

  static propensity.features.v1.Target toProto(Optional<Target> target) {
    if (target.isEmpty()) {
      return propensity.features.v1.Target.TARGET_UNSPECIFIED;
    }
    switch (target.get()) {
      case PURCHASE:
        return propensity.features.v1.Target.TARGET_PURCHASE;
      case CHURN:
        return propensity.features.v1.Target.TARGET_CHURN;
      case SESSION_CONVERSION:
        return propensity.features.v1.Target.TARGET_SESSION_CONVERSION;
      default:
        return propensity.features.v1.Target.TARGET_UNSPECIFIED;
    }
  }

  static propensity.features.v1.FeatureSchema toProto(FeatureSchema schema) {
    propensity.features.v1.FeatureSchema.Builder b =
        propensity.features.v1.FeatureSchema.newBuilder().setVersionHash(schema.versionHash());
    for (FeatureSpec f : schema.features()) {
      FeatureDefinition.Builder d =
          FeatureDefinition.newBuilder()
              .setName(f.name())
              .setType(toProto(f.type()))
              .setDescription(f.description());
      switch (f.window()) {
        case LIFETIME:
          d.setWindowKind(WindowKind.WINDOW_KIND_LIFETIME);
          break;
        case CURRENT_SESSION:
          d.setWindowKind(WindowKind.WINDOW_KIND_CURRENT_SESSION);
          break;
        default:
          d.setWindowKind(WindowKind.WINDOW_KIND_SLIDING);
          f.window().length().ifPresent(len -> d.setWindow(EventProtoMapper.duration(len)));
      }
      b.addFeatures(d);
    }
    return b.build();
  }

  /** A PROVIDED version's own schema, as registered, with how its missing values are fed. */
  static propensity.features.v1.FeatureSchema toProto(ModelSchema schema) {
    propensity.features.v1.FeatureSchema.Builder b =
        propensity.features.v1.FeatureSchema.newBuilder()
            .setVersionHash(schema.versionHash())
            .setSource(
                schema.provided()
                    ? FeatureSource.FEATURE_SOURCE_PROVIDED
                    : FeatureSource.FEATURE_SOURCE_ENGINE);
    for (ModelSchema.Feature f : schema.features()) {
      FeatureDefinition.Builder d =
          FeatureDefinition.newBuilder()
              .setName(f.name())
              .setDescription(f.description())
              .addAllCategories(f.categories());
      f.type().ifPresent(t -> d.setType(toProto(t)));
      if (schema.provided()) {
        d.setMissingValues(MissingValues.MISSING_VALUES_NATIVE);
      }
      b.addFeatures(d);
    }
    return b.build();
  }

  static FeatureType toProto(io.propensity.engine.features.FeatureType t) {
    switch (t) {
      case NUMERIC:
        return FeatureType.FEATURE_TYPE_NUMERIC;
      case COUNT:
        return FeatureType.FEATURE_TYPE_COUNT;
      case RATIO:
        return FeatureType.FEATURE_TYPE_RATIO;
      case BOOLEAN:
        return FeatureType.FEATURE_TYPE_BOOLEAN;
      case CATEGORICAL:
        return FeatureType.FEATURE_TYPE_CATEGORICAL;
      default:
        return FeatureType.FEATURE_TYPE_UNSPECIFIED;
    }
  }

  static Evaluation toProto(ModelEvaluation e) {
    Evaluation.Builder b =
        Evaluation.newBuilder()
            .setModelKind(e.modelKind())
            .setRowCount(e.rows())
            .setPositiveCount(e.positives())
            .setThreshold(e.threshold())
            .setF1(e.f1())
            .setPrecision(e.precision())
            .setRecall(e.recall())
            .setConfusionMatrix(
                ConfusionMatrix.newBuilder()
                    .setTruePositives(e.confusion().truePositives())
                    .setFalsePositives(e.confusion().falsePositives())
                    .setTrueNegatives(e.confusion().trueNegatives())
                    .setFalseNegatives(e.confusion().falseNegatives()))
            .setRocAuc(e.rocAuc())
            .setPrAuc(e.prAuc())
            .setLogLoss(e.logLoss())
            .setBrier(e.brier());
    for (LiftDecile d : e.deciles()) {
      b.addDeciles(
          DecileLift.newBuilder()
              .setDecile(d.decile())
              .setRowCount(d.rows())
              .setPositiveCount(d.positives())
              .setMinProbability(d.minProbability())
              .setPositiveRate(d.positiveRate())
              .setLift(d.lift())
              .setCumulativeGain(d.cumulativeGain())
              .setCumulativeLift(d.cumulativeLift()));
    }
    for (CalibrationBin c : e.calibration()) {
      b.addCalibrationBins(
          propensity.registry.v1.CalibrationBin.newBuilder()
              .setLowerBound(c.lower())
              .setUpperBound(c.upper())
              .setRowCount(c.rows())
              .setMeanPredictedProbability(c.meanPredicted())
              .setObservedPositiveRate(c.observedRate()));
    }
    return b.build();
  }
}
