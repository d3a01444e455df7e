package io.propensity.feature.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.annotation.GrpcService;
import io.micronaut.scheduling.TaskExecutors;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.grpc.FlowControlledSender;
import io.propensity.common.grpc.GrpcErrors;
import io.propensity.common.grpc.ServerStreams;
import io.propensity.engine.labels.TrainingRow;
import io.propensity.feature.campaign.Campaigns;
import io.propensity.feature.ingest.IngestTally;
import io.propensity.feature.ingest.Ingestor;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.outcome.Outcomes;
import io.propensity.feature.overview.DataOverviewService;
import io.propensity.feature.trainingset.TrainingSetPlan;
import io.propensity.feature.trainingset.TrainingSetSummary;
import io.propensity.feature.trainingset.TrainingSets;
import io.propensity.feature.users.UserDirectory;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import propensity.features.v1.BuildTrainingSetRequest;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetCampaignReportRequest;
import propensity.features.v1.GetCampaignReportResponse;
import propensity.features.v1.GetDataOverviewRequest;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.GetFeatureSchemaRequest;
import propensity.features.v1.GetFeatureSchemaResponse;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.GetOutcomesRequest;
import propensity.features.v1.GetOutcomesResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.ListCampaignsRequest;
import propensity.features.v1.ListCampaignsResponse;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.RecordCampaignRequest;
import propensity.features.v1.RecordCampaignResponse;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;
import propensity.features.v1.TrainingRowBatch;
import propensity.features.v1.TrainingSetProgress;

/** gRPC face of the feature service: converts protobuf to domain calls and back, nothing more. */
@GrpcService
final class FeatureGrpcEndpoint extends FeatureServiceGrpc.FeatureServiceImplBase {
  private static final int DEFAULT_BATCH = 1_000;
  private static final int MAX_BATCH = 10_000;
  private static final int DEFAULT_SAMPLES = 10;
  private static final int MAX_SAMPLES = 100;

  private final Ingestor ingestor;
  private final OnlineFeatures online;
  private final TrainingSets trainingSets;
  private final DataOverviewService overview;
  private final UserDirectory users;
  private final Clock clock;
  private final ExecutorService builders;
  private final Campaigns campaigns;
  private final Outcomes outcomes;

  FeatureGrpcEndpoint(
      Ingestor ingestor,
      OnlineFeatures online,
      TrainingSets trainingSets,
      DataOverviewService overview,
      UserDirectory users,
      Clock clock,
      @Named(TaskExecutors.BLOCKING) ExecutorService builders,
      Campaigns campaigns,
      Outcomes outcomes) {
    this.outcomes = outcomes;
    this.builders = builders;
    this.campaigns = campaigns;
    this.ingestor = ingestor;
    this.online = online;
    this.trainingSets = trainingSets;
    this.overview = overview;
    this.users = users;
    this.clock = clock;
  }

  @Override
  public void getOnlineFeatures(
      GetOnlineFeaturesRequest req, StreamObserver<GetOnlineFeaturesResponse> out) {
    Instant now = clock.instant();
    out.onNext(
        FeatureProtoMapper.toResponse(
            online.forUsers(req.getUserIdsList()), online.schema(), req.getIncludeSchema(), now));
    out.onCompleted();
  }

  @Override
  public void getFeatureSchema(
      GetFeatureSchemaRequest req, StreamObserver<GetFeatureSchemaResponse> out) {
    out.onNext(
        GetFeatureSchemaResponse.newBuilder()
            .setSchema(FeatureProtoMapper.toProto(online.schema()))
            .build());
    out.onCompleted();
  }

  @Override
  public void getDataOverview(
      GetDataOverviewRequest req, StreamObserver<GetDataOverviewResponse> out) {
    int samples = req.getSampleSize() == 0 ? DEFAULT_SAMPLES : req.getSampleSize();
    if (samples < 0 || samples > MAX_SAMPLES) {
      throw InvalidInputException.of(
          "sample_size", req.getSampleSize() + " is outside 0 to " + MAX_SAMPLES);
    }
    ZoneId zone;
    try {
      zone = req.getTimeZone().isEmpty() ? ZoneOffset.UTC : ZoneId.of(req.getTimeZone());
    } catch (java.time.DateTimeException e) {
      throw InvalidInputException.of("time_zone", "unknown time zone '" + req.getTimeZone() + "'");
    }
    out.onNext(FeatureProtoMapper.toProto(overview.overview(samples, zone), online.schema()));
    out.onCompleted();
  }

  @Override
  public void listUsers(ListUsersRequest req, StreamObserver<ListUsersResponse> out) {
    out.onNext(FeatureProtoMapper.toResponse(users.list(FeatureProtoMapper.toQuery(req))));
    out.onCompleted();
  }

  @Override
  public void getUserHistory(
      GetUserHistoryRequest req, StreamObserver<GetUserHistoryResponse> out) {
    out.onNext(FeatureProtoMapper.toResponse(users.history(FeatureProtoMapper.toQuery(req))));
    out.onCompleted();
  }

  @Override
  public StreamObserver<RecordCampaignRequest> recordCampaign(
      StreamObserver<RecordCampaignResponse> out) {
    return new StreamObserver<>() {
      private final CampaignProtoMapper.StreamedCampaign campaign =
          new CampaignProtoMapper.StreamedCampaign(Campaigns.MAX_MEMBERS);
      private boolean failed;

      @Override
      public void onNext(RecordCampaignRequest part) {
        if (failed) {
          return;
        }
        try {
          campaign.append(part);
        } catch (RuntimeException e) {
          failed = true;
          out.onError(GrpcErrors.toStatusException(e));
        }
      }

      @Override
      public void onError(Throwable t) {
        // the client gave up: nothing was stored, nothing to answer
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        try {
          failIfCancelled();
          out.onNext(
              RecordCampaignResponse.newBuilder()
                  .setCampaign(CampaignProtoMapper.toProto(campaigns.record(campaign.request())))
                  .build());
          out.onCompleted();
        } catch (RuntimeException e) {
          out.onError(GrpcErrors.toStatusException(e));
        }
      }
    };
  }

  @Override
  public void listCampaigns(ListCampaignsRequest req, StreamObserver<ListCampaignsResponse> out) {
    out.onNext(CampaignProtoMapper.toListResponse(campaigns.list()));
    out.onCompleted();
  }

  @Override
  public void getOutcomes(GetOutcomesRequest req, StreamObserver<GetOutcomesResponse> out) {
    out.onNext(OutcomeProtoMapper.toResponse(outcomes.label(OutcomeProtoMapper.toRequest(req))));
    out.onCompleted();
  }

  @Override
  public void getCampaignReport(
      GetCampaignReportRequest req, StreamObserver<GetCampaignReportResponse> out) {
    out.onNext(CampaignProtoMapper.toProto(campaigns.report(req.getName())));
    out.onCompleted();
  }

  @Override
  public void buildTrainingSet(
      BuildTrainingSetRequest req, StreamObserver<BuildTrainingSetResponse> plainOut) {
    int batchSize = req.getBatchSize() == 0 ? DEFAULT_BATCH : req.getBatchSize();
    if (batchSize < 0 || batchSize > MAX_BATCH) {
      throw InvalidInputException.of(
          "batch_size", req.getBatchSize() + " is outside 0 to " + MAX_BATCH);
    }
    TrainingSetPlan plan = trainingSets.plan(FeatureProtoMapper.toSpec(req.getSpec()));
    ServerStreams.produceOn(
        builders, plainOut, out -> streamTrainingSet(req, plan, batchSize, out));
  }

  private void streamTrainingSet(
      BuildTrainingSetRequest req,
      TrainingSetPlan plan,
      int batchSize,
      FlowControlledSender<BuildTrainingSetResponse> out) {
    out.send(
        BuildTrainingSetResponse.newBuilder()
            .setHeader(FeatureProtoMapper.header(plan, req.getSpec(), online.schema()))
            .build());
    TrainingRowBatch.Builder batch = TrainingRowBatch.newBuilder();
    long[] lastProgress = {System.nanoTime()};
    TrainingSetSummary summary =
        trainingSets.build(
            plan,
            new TrainingSets.RowSink() {
              @Override
              public void row(TrainingRow row) {
                batch.addRows(FeatureProtoMapper.toProto(row));
                if (batch.getRowsCount() >= batchSize) {
                  out.send(BuildTrainingSetResponse.newBuilder().setRows(batch.build()).build());
                  batch.clear();
                }
              }

              @Override
              public void progress(long usersDone, long usersTotal, long rows, long positives) {
                long now = System.nanoTime();
                if (now - lastProgress[0] > 1_000_000_000L || usersDone == usersTotal) {
                  lastProgress[0] = now;
                  out.send(
                      BuildTrainingSetResponse.newBuilder()
                          .setProgress(
                              TrainingSetProgress.newBuilder()
                                  .setCutoffsTotal(plan.cutoffs().size())
                                  .setCutoffsDone(
                                      usersDone >= usersTotal ? plan.cutoffs().size() : 0)
                                  .setRowsSent(rows)
                                  .setPositiveRowsSent(positives)
                                  .setUsersDone(usersDone)
                                  .setUsersTotal(usersTotal)
                                  .setPercent(
                                      usersTotal == 0 ? 100 : 100.0 * usersDone / usersTotal))
                          .build());
                }
              }
            },
            out::isCancelled);
    if (out.isCancelled()) {
      return;
    }
    if (batch.getRowsCount() > 0) {
      out.send(BuildTrainingSetResponse.newBuilder().setRows(batch.build()).build());
    }
    out.send(
        BuildTrainingSetResponse.newBuilder()
            .setSummary(FeatureProtoMapper.toProto(summary))
            .build());
    out.complete();
  }

  @Override
  public void ingestEvents(IngestEventsRequest req, StreamObserver<IngestEventsResponse> out) {
    failIfCancelled();
    out.onNext(
        FeatureProtoMapper.toResponse(
            ingestor.ingest(FeatureProtoMapper.toEvents(req.getEventsList()))));
    out.onCompleted();
  }

  @Override
  public StreamObserver<StreamIngestEventsRequest> streamIngestEvents(
      StreamObserver<StreamIngestEventsResponse> out) {
    return new StreamObserver<>() {
      private final IngestTally tally = new IngestTally(FeatureProtoMapper.MAX_LISTED_REJECTIONS);
      private boolean failed;

      @Override
      public void onNext(StreamIngestEventsRequest batch) {
        if (failed) {
          return;
        }
        try {
          failIfCancelled();
          tally.add(
              ingestor.ingestStreamBatch(FeatureProtoMapper.toEvents(batch.getEventsList())),
              batch.getEventsCount());
        } catch (RuntimeException e) {
          failed = true;
          out.onError(GrpcErrors.toStatusException(e));
        }
      }

      @Override
      public void onError(Throwable t) {
        // client went away: what was committed stays committed; nothing to answer
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          out.onNext(FeatureProtoMapper.toStreamResponse(tally));
          out.onCompleted();
        }
      }
    };
  }

  private static void failIfCancelled() {
    Context ctx = Context.current();
    if (ctx.isCancelled()) {
      throw Status.CANCELLED
          .withDescription("the call was cancelled or its deadline passed; nothing stored")
          .asRuntimeException();
    }
  }
}
