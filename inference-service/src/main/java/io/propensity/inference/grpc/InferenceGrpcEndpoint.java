package io.propensity.inference.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.annotation.GrpcService;
import io.micronaut.scheduling.TaskExecutors;
import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.grpc.GrpcErrors;
import io.propensity.common.grpc.ServerStreams;
import io.propensity.inference.drift.DriftService;
import io.propensity.inference.live.LiveScoring;
import io.propensity.inference.live.StreamOutcome;
import io.propensity.inference.outcomes.LiveOutcomes;
import io.propensity.inference.outcomes.metrics.LiveMetricsService;
import io.propensity.inference.predictionlog.PredictionLog;
import io.propensity.inference.predictionlog.PredictionRecorder;
import io.propensity.inference.predictionlog.ServedEndpoint;
import io.propensity.inference.ranking.RankRequest;
import io.propensity.inference.ranking.RankedTarget;
import io.propensity.inference.ranking.RankingSummary;
import io.propensity.inference.ranking.TargetRanker;
import io.propensity.inference.scoring.Prediction;
import io.propensity.inference.scoring.RowOutcome;
import io.propensity.inference.scoring.Scorer;
import io.propensity.inference.serving.ServedModel;
import io.propensity.inference.serving.ServedModels;
import io.propensity.inference.shadow.ShadowScorer;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import propensity.inference.v1.ExplainRequest;
import propensity.inference.v1.ExplainResponse;
import propensity.inference.v1.GetDriftRequest;
import propensity.inference.v1.GetDriftResponse;
import propensity.inference.v1.GetLiveMetricsRequest;
import propensity.inference.v1.GetLiveMetricsResponse;
import propensity.inference.v1.GetModelInfoRequest;
import propensity.inference.v1.GetModelInfoResponse;
import propensity.inference.v1.InferenceServiceGrpc;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.PredictResponse;
import propensity.inference.v1.RankTargetsRequest;
import propensity.inference.v1.RankTargetsResponse;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/** gRPC face of the inference service: converts protobuf to domain calls and back, nothing more. */
@GrpcService
final class InferenceGrpcEndpoint extends InferenceServiceGrpc.InferenceServiceImplBase {
  private final Scorer scorer;
  private final LiveScoring live;
  private final TargetRanker ranker;
  private final ServedModels models;
  private final ExecutorService rankers;
  private final PredictionRecorder recorder;
  private final DriftService drift;
  private final Optional<ShadowScorer> shadow;
  private final LiveOutcomes outcomes;

  InferenceGrpcEndpoint(
      Scorer scorer,
      LiveScoring live,
      TargetRanker ranker,
      ServedModels models,
      @Named(TaskExecutors.BLOCKING) ExecutorService rankers,
      PredictionRecorder recorder,
      DriftService drift,
      Optional<ShadowScorer> shadow,
      LiveOutcomes outcomes) {
    this.outcomes = outcomes;
    this.scorer = scorer;
    this.live = live;
    this.ranker = ranker;
    this.models = models;
    this.rankers = rankers;
    this.recorder = recorder;
    this.drift = drift;
    this.shadow = shadow;
  }

  @Override
  public void predict(PredictRequest req, StreamObserver<PredictResponse> out) {
    String requestId = PredictionRecorder.requestId(req.getRequestId(), "request_id");
    Prediction p =
        scorer.predict(
            InferenceProtoMapper.modelName(req.getModelName()),
            InferenceProtoMapper.toInput(req.getInput()),
            req.getExplainTopK());
    boolean sampled = recorder.sampled(ServedEndpoint.PREDICT);
    out.onNext(InferenceProtoMapper.toResponse(p, requestId));
    out.onCompleted();
    // recorded once the answer is on its way: building the record is not the caller's latency
    if (sampled) {
      recorder.predicted(requestId, p);
      shadow.ifPresent(s -> s.predicted(requestId, p));
    }
  }

  @Override
  public void predictBatch(PredictBatchRequest req, StreamObserver<PredictBatchResponse> out) {
    String requestId = PredictionRecorder.requestId(req.getRequestId(), "request_id");
    List<RowOutcome> outcomes =
        scorer.predictBatch(
            InferenceProtoMapper.modelName(req.getModelName()),
            InferenceProtoMapper.toInputs(req.getInputsList()),
            req.getExplainTopK());
    boolean sampled = recorder.sampled(ServedEndpoint.PREDICT_BATCH);
    out.onNext(InferenceProtoMapper.toBatchResponse(outcomes, requestId));
    out.onCompleted();
    if (sampled) {
      recorder.batch(requestId, outcomes);
      shadow.ifPresent(s -> s.batch(requestId, outcomes));
    }
  }

  @Override
  public void listServedPredictions(
      ListServedPredictionsRequest req, StreamObserver<ListServedPredictionsResponse> out) {
    PredictionLog log =
        recorder
            .log()
            .orElseThrow(
                () ->
                    new FailedPreconditionException(
                        "the served-prediction log is disabled on this replica"
                            + " (propensity.inference.prediction-log.enabled=false)"));
    out.onNext(
        PredictionLogProtoMapper.toProto(
            log.store()
                .list(
                    PredictionLogProtoMapper.toQuery(req), PredictionLogProtoMapper.toAlias(req))));
    out.onCompleted();
  }

  @Override
  public void getDrift(GetDriftRequest req, StreamObserver<GetDriftResponse> out) {
    DriftProtoMapper.Query q = DriftProtoMapper.toQuery(req);
    out.onNext(
        DriftProtoMapper.toProto(drift.drift(q.model(), q.version(), q.alias(), q.window())));
    out.onCompleted();
  }

  @Override
  public void getLiveMetrics(
      GetLiveMetricsRequest req, StreamObserver<GetLiveMetricsResponse> out) {
    LiveMetricsService metrics =
        outcomes
            .metrics()
            .orElseThrow(
                () ->
                    new FailedPreconditionException(
                        "live metrics need the served-prediction log, which is disabled on this"
                            + " replica (propensity.inference.prediction-log.enabled=false)"));
    out.onNext(
        LiveMetricsProtoMapper.toProto(metrics.metrics(LiveMetricsProtoMapper.toQuery(req))));
    out.onCompleted();
  }

  @Override
  public void explain(ExplainRequest req, StreamObserver<ExplainResponse> out) {
    out.onNext(
        InferenceProtoMapper.toResponse(
            scorer.explain(
                InferenceProtoMapper.modelName(req.getModelName()),
                InferenceProtoMapper.toInput(req.getInput()))));
    out.onCompleted();
  }

  @Override
  public void getModelInfo(GetModelInfoRequest req, StreamObserver<GetModelInfoResponse> out) {
    List<ServedModel> served;
    if (req.getModelName().isEmpty()) {
      served = models.current();
    } else {
      served =
          List.of(
              models
                  .current(req.getModelName())
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "model '" + req.getModelName() + "' is not served")));
    }
    out.onNext(InferenceProtoMapper.toModelInfo(served, models.defaultModel()));
    out.onCompleted();
  }

  @Override
  public void rankTargets(RankTargetsRequest req, StreamObserver<RankTargetsResponse> plainOut) {
    RankRequest request = InferenceProtoMapper.toRankRequest(req);
    TargetRanker.check(request);
    String requestId = PredictionRecorder.requestId(req.getRequestId(), "request_id");
    int keep = recorder.sampled(ServedEndpoint.RANK_TARGETS) ? recorder.rankTargetsMaxRows() : 0;
    // The caller's context goes with the worker: its deadline and cancellation reach the
    // feature-service calls the ranking makes.
    ServerStreams.produceOn(
        rankers,
        plainOut,
        out -> {
          List<RankedTarget> kept = new ArrayList<>(Math.min(keep, 1024));
          RankingSummary summary =
              ranker.rank(
                  request,
                  t -> {
                    if (kept.size() < keep) {
                      kept.add(t);
                    }
                    out.send(InferenceProtoMapper.toProto(t));
                  },
                  out::isCancelled);
          if (keep > 0) {
            recorder.ranked(requestId, kept, summary, models.current(summary.modelName()));
          }
          out.send(InferenceProtoMapper.toProto(summary, requestId));
          out.complete();
        });
  }

  @Override
  public StreamObserver<StreamPredictRequest> streamPredict(
      StreamObserver<StreamPredictResponse> plainOut) {
    ServerCallStreamObserver<StreamPredictResponse> out =
        (ServerCallStreamObserver<StreamPredictResponse>) plainOut;
    // Inbound flow control: read the next message only once the client takes our answers, so a
    // client that stops reading cannot make us buffer predictions without bound.
    out.disableAutoRequest();
    boolean[] wantMore = {false};
    boolean[] cancelled = {false};
    out.setOnCancelHandler(() -> cancelled[0] = true);
    out.setOnReadyHandler(
        () -> {
          if (wantMore[0] && out.isReady()) {
            wantMore[0] = false;
            out.request(1);
          }
        });
    out.request(1);
    return new StreamObserver<>() {
      private LiveScoring.Session session;
      private boolean failed;
      private String requestId;
      private boolean sampled;
      private long answered;

      @Override
      public void onNext(StreamPredictRequest req) {
        if (failed || cancelled[0]) {
          return;
        }
        try {
          if (session == null) {
            requestId = PredictionRecorder.requestId(req.getRequestId(), "request_id");
            sampled = recorder.sampled(ServedEndpoint.STREAM_PREDICT);
            session =
                live.open(InferenceProtoMapper.modelName(req.getModelName()), req.getExplainTopK());
          }
          List<StreamOutcome> outcomes =
              session.apply(InferenceProtoMapper.toEvents(req.getEventsList()));
          long first = answered;
          for (StreamOutcome o : outcomes) {
            if (cancelled[0]) {
              return;
            }
            if (sampled) {
              recorder.streamed(requestId, answered, o);
            }
            answered++;
            out.onNext(InferenceProtoMapper.toProto(o, requestId));
          }
          if (sampled && shadow.isPresent()) {
            shadow.get().streamed(requestId, first, outcomes);
          }
          if (out.isReady()) {
            out.request(1);
          } else {
            wantMore[0] = true;
          }
        } catch (RuntimeException e) {
          failed = true;
          if (!cancelled[0]) {
            out.onError(GrpcErrors.toStatusException(e));
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        // The client went away; its users' live state stays for other streams.
      }

      @Override
      public void onCompleted() {
        if (!failed && !cancelled[0]) {
          out.onCompleted();
        }
      }
    };
  }
}
