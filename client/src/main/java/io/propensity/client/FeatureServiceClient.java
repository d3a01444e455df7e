package io.propensity.client;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.engine.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.ToIntFunction;
import propensity.features.v1.BuildTrainingSetRequest;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.CampaignMember;
import propensity.features.v1.FeatureSchema;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.GetDataOverviewRequest;
import propensity.features.v1.GetDataOverviewResponse;
import propensity.features.v1.GetFeatureSchemaRequest;
import propensity.features.v1.GetFeatureSchemaResponse;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.IngestEventsRequest;
import propensity.features.v1.IngestEventsResponse;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.RecordCampaignRequest;
import propensity.features.v1.RecordCampaignResponse;
import propensity.features.v1.StreamIngestEventsRequest;
import propensity.features.v1.StreamIngestEventsResponse;
import propensity.features.v1.TrainingSetSpec;

/**
 * A client of the feature service ({@code features.v1.FeatureService}); every call carries the
 * client's deadline (or the one a method takes) and its credentials, if any. Failures surface as
 * the {@link StatusRuntimeException} the server sent.
 */
public final class FeatureServiceClient implements AutoCloseable {
  /** Members a RecordCampaign message carries (about 0.7 MiB with 20-character user ids). */
  public static final int CAMPAIGN_MEMBERS_PER_MESSAGE = 20_000;

  private final Channel channel;
  private final Optional<ManagedChannel> owned;
  private final ClientOptions options;

  /** A client on a channel the caller owns, each call with {@code deadline}. */
  public FeatureServiceClient(Channel channel, Duration deadline) {
    this(channel, ClientOptions.deadline(deadline));
  }

  /** A client on a channel the caller owns. */
  public FeatureServiceClient(Channel channel, ClientOptions options) {
    this(channel, Optional.empty(), options);
  }

  private FeatureServiceClient(
      Channel channel, Optional<ManagedChannel> owned, ClientOptions options) {
    this.channel = channel;
    this.owned = owned;
    this.options = options;
  }

  /** Connects (plaintext) to {@code host:port}; closing the client closes the channel. */
  public static FeatureServiceClient connect(String target, Duration deadline) {
    return connect(target, ChannelSecurity.plaintext(), deadline);
  }

  /**
   * Connects to {@code host:port} with {@code security} (TLS, client certificate, token, or
   * plaintext); closing the client closes the channel.
   */
  public static FeatureServiceClient connect(
      String target, ChannelSecurity security, Duration deadline) {
    ManagedChannel ch = security.open(target);
    return new FeatureServiceClient(ch, Optional.of(ch), ClientOptions.deadline(deadline));
  }

  /** A plaintext channel to {@code host:port} with a message limit fit for training sets. */
  public static ManagedChannel plaintext(String target) {
    return ChannelSecurity.plaintext().open(target);
  }

  /**
   * This client with another deadline for each call, on the same channel (which this one still
   * owns, if it does).
   */
  public FeatureServiceClient withDeadline(Duration deadline) {
    return new FeatureServiceClient(channel, Optional.empty(), options.withDeadline(deadline));
  }

  /** The deadline and credentials of each call. */
  public ClientOptions options() {
    return options;
  }

  private FeatureServiceGrpc.FeatureServiceBlockingStub blocking() {
    return options.apply(FeatureServiceGrpc.newBlockingStub(channel));
  }

  /** Stores one batch of events (IngestEvents). */
  public IngestEventsResponse ingestEvents(IngestEventsRequest request) {
    return blocking().ingestEvents(request);
  }

  /**
   * Sends every event over one client stream in batches of {@code batchSize}, respecting flow
   * control, and returns the server's summary. {@code progress} hears the count of events sent.
   *
   * @param streamDeadline how long the whole stream may take
   */
  public StreamIngestEventsResponse ingest(
      Iterator<Event> events, int batchSize, Duration streamDeadline, LongConsumer progress) {
    Iterator<StreamIngestEventsRequest> batches =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return events.hasNext();
          }

          @Override
          public StreamIngestEventsRequest next() {
            if (!events.hasNext()) {
              throw new NoSuchElementException();
            }
            List<propensity.events.v1.Event> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && events.hasNext()) {
              batch.add(EventProtoMapper.toProto(events.next()));
            }
            return StreamIngestEventsRequest.newBuilder().addAllEvents(batch).build();
          }
        };
    return streamIngestEvents(batches, streamDeadline, progress);
  }

  /**
   * Sends every batch over one StreamIngestEvents client stream, writing a batch only when the
   * transport is ready (flow control), and returns the server's summary. Stops sending as soon as
   * the server answers or fails. {@code progress} hears the count of events sent after each batch.
   *
   * @param streamDeadline how long the whole stream may take
   */
  public StreamIngestEventsResponse streamIngestEvents(
      Iterator<StreamIngestEventsRequest> batches, Duration streamDeadline, LongConsumer progress) {
    return sendStream(
        "StreamIngestEvents",
        batches,
        answer ->
            options
                .withDeadline(streamDeadline)
                .apply(FeatureServiceGrpc.newStub(channel))
                .streamIngestEvents(answer),
        StreamIngestEventsRequest::getEventsCount,
        progress);
  }

  /** Records a campaign (RecordCampaign) within the client's deadline; see below. */
  public RecordCampaignResponse recordCampaign(RecordCampaignRequest campaign) {
    return recordCampaign(campaign, options.deadline());
  }

  /**
   * Records a campaign (RecordCampaign, a client stream): the campaign fields and the first {@value
   * #CAMPAIGN_MEMBERS_PER_MESSAGE} members in the first message, the other members in further
   * messages of as many, so that a campaign of any allowed size fits the maximum message size.
   * Nothing is stored unless the whole stream arrives.
   *
   * @param streamDeadline how long sending and storing the whole campaign may take
   */
  public RecordCampaignResponse recordCampaign(
      RecordCampaignRequest campaign, Duration streamDeadline) {
    List<RecordCampaignRequest> parts = new ArrayList<>();
    RecordCampaignRequest.Builder part = campaign.toBuilder().clearTargeted().clearControl();
    int inPart = 0;
    for (int g = 0; g < 2; g++) {
      List<CampaignMember> members =
          g == 0 ? campaign.getTargetedList() : campaign.getControlList();
      for (CampaignMember m : members) {
        if (inPart == CAMPAIGN_MEMBERS_PER_MESSAGE) {
          parts.add(part.build());
          part = RecordCampaignRequest.newBuilder();
          inPart = 0;
        }
        if (g == 0) {
          part.addTargeted(m);
        } else {
          part.addControl(m);
        }
        inPart++;
      }
    }
    parts.add(part.build());
    return sendStream(
        "RecordCampaign",
        parts.iterator(),
        answer ->
            options
                .withDeadline(streamDeadline)
                .apply(FeatureServiceGrpc.newStub(channel))
                .recordCampaign(answer),
        p -> p.getTargetedCount() + p.getControlCount(),
        sent -> {});
  }

  /**
   * Sends every message over one client stream, writing one only when the transport is ready (flow
   * control), and returns the server's answer. Stops sending as soon as the server answers or
   * fails. {@code progress} hears the running total of {@code size} after each message.
   */
  private <Q, R> R sendStream(
      String rpc,
      Iterator<Q> messages,
      Consumer<ClientStreamAnswer<Q, R>> start,
      ToIntFunction<Q> size,
      LongConsumer progress) {
    ReentrantLock lock = new ReentrantLock();
    Condition ready = lock.newCondition();
    ClientStreamAnswer<Q, R> answer =
        new ClientStreamAnswer<>(
            rpc,
            () -> {
              lock.lock();
              try {
                ready.signalAll();
              } finally {
                lock.unlock();
              }
            });
    start.accept(answer);
    ClientCallStreamObserver<Q> out = answer.requests();
    long sent = 0;
    while (messages.hasNext() && !answer.isDone()) {
      Q message = messages.next();
      awaitReady(out, lock, ready, answer);
      if (answer.isDone()) {
        break;
      }
      out.onNext(message);
      sent += size.applyAsInt(message);
      progress.accept(sent);
    }
    if (!answer.isDone()) {
      out.onCompleted();
    }
    return answer.await();
  }

  private static void awaitReady(
      ClientCallStreamObserver<?> out,
      ReentrantLock lock,
      Condition ready,
      ClientStreamAnswer<?, ?> answer) {
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

  /** Current features of some users (GetOnlineFeatures). */
  public GetOnlineFeaturesResponse getOnlineFeatures(GetOnlineFeaturesRequest request) {
    return blocking().getOnlineFeatures(request);
  }

  /** {@link #getOnlineFeatures} without blocking, for callers that keep many calls in flight. */
  public ListenableFuture<GetOnlineFeaturesResponse> getOnlineFeaturesAsync(
      GetOnlineFeaturesRequest request) {
    return options.apply(FeatureServiceGrpc.newFutureStub(channel)).getOnlineFeatures(request);
  }

  /** Current features of some users. */
  public GetOnlineFeaturesResponse onlineFeatures(List<String> userIds, boolean includeSchema) {
    return getOnlineFeatures(
        GetOnlineFeaturesRequest.newBuilder()
            .addAllUserIds(userIds)
            .setIncludeSchema(includeSchema)
            .build());
  }

  /** One page of the users with stored events, ascending by id (ListUsers). */
  public ListUsersResponse listUsers(ListUsersRequest request) {
    return blocking().listUsers(request);
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
      Optional<Instant> activeSince,
      Optional<Instant> activeBefore) {
    ListUsersRequest.Builder req =
        ListUsersRequest.newBuilder().setPageSize(pageSize).setPageToken(pageToken);
    activeSince.ifPresent(t -> req.setActiveSince(EventProtoMapper.timestamp(t)));
    activeBefore.ifPresent(t -> req.setActiveBefore(EventProtoMapper.timestamp(t)));
    return listUsers(req.build());
  }

  /** The stored events of one user, oldest first (GetUserHistory). */
  public GetUserHistoryResponse getUserHistory(GetUserHistoryRequest request) {
    return blocking().getUserHistory(request);
  }

  /**
   * The stored events of one user, oldest first: the newest {@code maxEvents} (0 means the server's
   * most, 10,000) of those at or after {@code since} (every event when empty).
   */
  public GetUserHistoryResponse userHistory(String userId, Optional<Instant> since, int maxEvents) {
    GetUserHistoryRequest.Builder req =
        GetUserHistoryRequest.newBuilder().setUserId(userId).setMaxEvents(maxEvents);
    since.ifPresent(t -> req.setSince(EventProtoMapper.timestamp(t)));
    return getUserHistory(req.build());
  }

  /** The outcomes of served predictions, labelled as training sets label (GetOutcomes). */
  public propensity.features.v1.GetOutcomesResponse getOutcomes(
      propensity.features.v1.GetOutcomesRequest request) {
    return blocking().getOutcomes(request);
  }

  /** Every recorded campaign, newest first (ListCampaigns). */
  public propensity.features.v1.ListCampaignsResponse listCampaigns() {
    return blocking()
        .listCampaigns(propensity.features.v1.ListCampaignsRequest.getDefaultInstance());
  }

  /** A campaign's conversion, targeted against control, as of now (GetCampaignReport). */
  public propensity.features.v1.GetCampaignReportResponse campaignReport(String name) {
    return blocking()
        .getCampaignReport(
            propensity.features.v1.GetCampaignReportRequest.newBuilder().setName(name).build());
  }

  /** The feature schema (GetFeatureSchema). */
  public GetFeatureSchemaResponse getFeatureSchema(GetFeatureSchemaRequest request) {
    return blocking().getFeatureSchema(request);
  }

  /** The feature schema. */
  public FeatureSchema schema() {
    return getFeatureSchema(GetFeatureSchemaRequest.getDefaultInstance()).getSchema();
  }

  /** The data overview (GetDataOverview). */
  public GetDataOverviewResponse getDataOverview(GetDataOverviewRequest request) {
    return blocking().getDataOverview(request);
  }

  /** The data overview. */
  public GetDataOverviewResponse overview(int sampleSize, String timeZone) {
    return getDataOverview(
        GetDataOverviewRequest.newBuilder()
            .setSampleSize(sampleSize)
            .setTimeZone(timeZone)
            .build());
  }

  /**
   * Streams a training set (header, row batches, progress, summary), the whole stream within the
   * client's deadline (BuildTrainingSet).
   */
  public Iterator<BuildTrainingSetResponse> buildTrainingSet(BuildTrainingSetRequest request) {
    return blocking().buildTrainingSet(request);
  }

  /**
   * Streams a training set (header, row batches, progress, summary) within {@code streamDeadline}.
   */
  public Iterator<BuildTrainingSetResponse> trainingSet(
      TrainingSetSpec spec, Duration streamDeadline) {
    return withDeadline(streamDeadline)
        .buildTrainingSet(BuildTrainingSetRequest.newBuilder().setSpec(spec).build());
  }

  @Override
  public void close() {
    if (owned.isPresent()) {
      owned.get().shutdownNow();
      try {
        owned.get().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
