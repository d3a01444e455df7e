package io.propensity.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.propensity.engine.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import propensity.features.v1.BuildTrainingSetRequest;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetDataOverviewRequest;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.GetFeatureSchemaRequest;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;
import propensity.features.v1.TrainingSetSpec;

/** A client of the feature service; every call carries a deadline. */
public final class FeatureServiceClient implements AutoCloseable {
  private final Channel channel;
  private final ManagedChannel owned;
  private final Duration deadline;

  /** A client on a channel the caller owns. */
  public FeatureServiceClient(Channel channel, Duration deadline) {
    this.channel = channel;
    this.owned = null;
    this.deadline = deadline;
  }

  private FeatureServiceClient(ManagedChannel owned, Duration deadline) {
    this.channel = owned;
    this.owned = owned;
    this.deadline = deadline;
  }

  /** Connects (plaintext) to {@code host:port}; closing the client closes the channel. */
  public static FeatureServiceClient connect(String target, Duration deadline) {
    return new FeatureServiceClient(plaintext(target), deadline);
  }

  /** A plaintext channel to {@code host:port} with a message limit fit for training sets. */
  public static ManagedChannel plaintext(String target) {
    return ManagedChannelBuilder.forTarget(target)
        .usePlaintext()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  private FeatureServiceGrpc.FeatureServiceBlockingStub blocking() {
    return FeatureServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Sends every event over one client stream in batches of {@code batchSize}, respecting flow
   * control, and returns the server's summary. {@code progress} hears the count of events sent.
   *
   * @param streamDeadline how long the whole stream may take
   */
  public StreamIngestEventsResponse ingest(
      Iterator<Event> events, int batchSize, Duration streamDeadline, LongConsumer progress) {
    CompletableFuture<StreamIngestEventsResponse> answer = new CompletableFuture<>();
    ReentrantLock lock = new ReentrantLock();
    Condition ready = lock.newCondition();
    ClientCallStreamObserver<StreamIngestEventsRequest>[] requests =
        new ClientCallStreamObserver[1];
    FeatureServiceGrpc.newStub(channel)
        .withDeadlineAfter(streamDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .streamIngestEvents(
            new ClientResponseObserver<StreamIngestEventsRequest, StreamIngestEventsResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<StreamIngestEventsRequest> stream) {
                requests[0] = stream;
                stream.setOnReadyHandler(
                    () -> {
                      lock.lock();
                      try {
                        ready.signalAll();
                      } finally {
                        lock.unlock();
                      }
                    });
              }

              @Override
              public void onNext(StreamIngestEventsResponse value) {
                answer.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                answer.completeExceptionally(t);
                lock.lock();
                try {
                  ready.signalAll();
                } finally {
                  lock.unlock();
                }
              }

              @Override
              public void onCompleted() {}
            });
    ClientCallStreamObserver<StreamIngestEventsRequest> out = requests[0];
    long sent = 0;
    List<propensity.events.v1.Event> batch = new ArrayList<>(batchSize);
    while (events.hasNext() && !answer.isDone()) {
      batch.add(EventProtoMapper.toProto(events.next()));
      if (batch.size() == batchSize || !events.hasNext()) {
        awaitReady(out, lock, ready, answer);
        if (answer.isDone()) {
          break;
        }
        out.onNext(StreamIngestEventsRequest.newBuilder().addAllEvents(batch).build());
        sent += batch.size();
        batch.clear();
        progress.accept(sent);
      }
    }
    if (!answer.isDone()) {
      out.onCompleted();
    }
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.cancel("interrupted", e);
      throw new IllegalStateException("interrupted while ingesting", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException sre) {
        throw sre;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static void awaitReady(
      ClientCallStreamObserver<?> out,
      ReentrantLock lock,
      Condition ready,
      CompletableFuture<?> answer) {
    lock.lock();
    try {
      while (!out.isReady() && !answer.isDone()) {
        ready.await(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Current features of some users. */
  public GetOnlineFeaturesResponse onlineFeatures(List<String> userIds, boolean includeSchema) {
    return blocking()
        .getOnlineFeatures(
            GetOnlineFeaturesRequest.newBuilder()
                .addAllUserIds(userIds)
                .setIncludeSchema(includeSchema)
                .build());
  }

  /**
   * One page of the users with stored events, ascending by id.
   *
   * @param pageSize 0 (the server's default, 1,000) to 10,000
   * @param pageToken the previous page's next_page_token, or empty for the first page
   * @param activeSince only users whose newest event is at or after this instant, when present
   * @param activeBefore only users whose newest event is at or before this instant, when present
   */
  public ListUsersResponse listUsers(
      int pageSize,
      String pageToken,
      java.util.Optional<java.time.Instant> activeSince,
      java.util.Optional<java.time.Instant> activeBefore) {
    ListUsersRequest.Builder req =
        ListUsersRequest.newBuilder().setPageSize(pageSize).setPageToken(pageToken);
    activeSince.ifPresent(t -> req.setActiveSince(EventProtoMapper.timestamp(t)));
    activeBefore.ifPresent(t -> req.setActiveBefore(EventProtoMapper.timestamp(t)));
    return blocking().listUsers(req.build());
  }

  /**
   * The stored events of one user, oldest first: the newest {@code maxEvents} (0 means the server's
   * most, 10,000) of those at or after {@code since} (every event when empty).
   */
  public GetUserHistoryResponse userHistory(
      String userId, java.util.Optional<java.time.Instant> since, int maxEvents) {
    GetUserHistoryRequest.Builder req =
        GetUserHistoryRequest.newBuilder().setUserId(userId).setMaxEvents(maxEvents);
    since.ifPresent(t -> req.setSince(EventProtoMapper.timestamp(t)));
    return blocking().getUserHistory(req.build());
  }

  /** The feature schema. */
  public FeatureSchema schema() {
    return blocking().getFeatureSchema(GetFeatureSchemaRequest.getDefaultInstance()).getSchema();
  }

  /** The data overview. */
  public GetDataOverviewResponse overview(int sampleSize, String timeZone) {
    return blocking()
        .getDataOverview(
            GetDataOverviewRequest.newBuilder()
                .setSampleSize(sampleSize)
                .setTimeZone(timeZone)
                .build());
  }

  /** Streams a training set (header, row batches, progress, summary). */
  public Iterator<BuildTrainingSetResponse> trainingSet(
      TrainingSetSpec spec, Duration streamDeadline) {
    return FeatureServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(streamDeadline.toMillis(), TimeUnit.MILLISECONDS)
        .buildTrainingSet(BuildTrainingSetRequest.newBuilder().setSpec(spec).build());
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
      try {
        owned.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
