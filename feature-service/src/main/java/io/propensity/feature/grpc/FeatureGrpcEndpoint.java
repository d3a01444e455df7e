package io.propensity.feature.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.grpc.annotation.GrpcService;
import io.propensity.common.grpc.GrpcErrors;
import io.propensity.feature.ingest.IngestTally;
import io.propensity.feature.ingest.Ingestor;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;

/** gRPC face of the feature service: converts protobuf to domain calls and back, nothing more. */
@GrpcService
final class FeatureGrpcEndpoint extends FeatureServiceGrpc.FeatureServiceImplBase {
  private final Ingestor ingestor;

  FeatureGrpcEndpoint(Ingestor ingestor) {
    this.ingestor = ingestor;
  }

  @Override
  public void ingestEvents(IngestEventsRequest req, StreamObserver<IngestEventsResponse> out) {
    failIfCancelled();
    out.onNext(FeatureProtoMapper.toResponse(ingestor.ingest(FeatureProtoMapper.toItems(req.getEventsList()))));
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
              ingestor.ingestStreamBatch(FeatureProtoMapper.toItems(batch.getEventsList())),
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
      throw Status.CANCELLED.withDescription("the call was cancelled or its deadline passed; nothing stored")
          .asRuntimeException();
    }
  }
}
