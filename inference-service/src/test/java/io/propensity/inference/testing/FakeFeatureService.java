package io.propensity.inference.testing;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.propensity.client.EventProtoMapper;
import io.propensity.engine.event.Event;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import propensity.features.v1.FeatureServiceGrpc;
import propensity.features.v1.FeatureVector;
import propensity.features.v1.GetOnlineFeaturesRequest;
import propensity.features.v1.GetOnlineFeaturesResponse;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.GetUserHistoryResponse;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.ListUsersResponse;
import propensity.features.v1.UserActivity;
import propensity.features.v1.UserFeatures;

/**
 * A real gRPC feature service on loopback answering GetOnlineFeatures from events held in memory,
 * computed by the feature engine as of now, like the real one, and ListUsers / GetUserHistory from
 * the same events. Users listed as slow make it sleep (in GetOnlineFeatures; in GetUserHistory for
 * those listed with a slow history).
 */
public final class FakeFeatureService extends FeatureServiceGrpc.FeatureServiceImplBase
    implements AutoCloseable {
  private final Map<String, List<Event>> events = new ConcurrentHashMap<>();
  private final Set<String> slowUsers = ConcurrentHashMap.newKeySet();
  private final Map<String, Duration> slowHistories = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.CountDownLatch> historyAsked =
      new ConcurrentHashMap<>();
  private final Map<String, Boolean> slowHistoryCancelled = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile Duration slowness = Duration.ofSeconds(3);
  private volatile Instant fixedNow;
  private Server server;

  public static FakeFeatureService start() {
    FakeFeatureService f = new FakeFeatureService();
    try {
      f.server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(f)
              .build()
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return f;
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  public void add(List<Event> userEvents) {
    for (Event e : userEvents) {
      events.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
    }
  }

  public void slow(String userId, Duration delay) {
    slowUsers.add(userId);
    slowness = delay;
  }

  /** Makes GetUserHistory of {@code userId} take {@code delay} before it answers. */
  public void slowHistory(String userId, Duration delay) {
    slowHistories.put(userId, delay);
  }

  /** Waits until GetUserHistory of {@code userId} has been asked for; false on timeout. */
  public boolean awaitHistoryAsked(String userId, Duration timeout) throws InterruptedException {
    return historyLatch(userId).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Whether the last slow GetUserHistory of {@code userId} found its call cancelled by the client
   * when it was ready to answer; empty until such a call has finished.
   */
  public Optional<Boolean> slowHistoryCancelled(String userId) {
    return Optional.ofNullable(slowHistoryCancelled.get(userId));
  }

  private java.util.concurrent.CountDownLatch historyLatch(String userId) {
    return historyAsked.computeIfAbsent(userId, u -> new java.util.concurrent.CountDownLatch(1));
  }

  /**
   * Computes online features as of {@code now} from here on instead of the wall clock, so that two
   * calls a few seconds apart (e.g. a ranking, then a batch to check it) see the same vectors.
   */
  public void fixClock(Instant now) {
    fixedNow = now;
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public void getOnlineFeatures(
      GetOnlineFeaturesRequest req, StreamObserver<GetOnlineFeaturesResponse> out) {
    calls.incrementAndGet();
    if (req.getUserIdsList().stream().anyMatch(slowUsers::contains)) {
      try {
        Thread.sleep(slowness.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Instant now = fixedNow != null ? fixedNow : Instant.now();
    GetOnlineFeaturesResponse.Builder b =
        GetOnlineFeaturesResponse.newBuilder()
            .setSchemaVersionHash(FeatureCatalog.schema().versionHash())
            .setAsOf(EventProtoMapper.timestamp(now));
    for (String user : req.getUserIdsList()) {
      List<Event> history = events.getOrDefault(user, List.of());
      FeatureVector.Builder v =
          FeatureVector.newBuilder().setSchemaVersionHash(FeatureCatalog.schema().versionHash());
      for (double x : BatchFeatureComputer.compute(history, now).values()) {
        v.addValues(x);
      }
      UserFeatures.Builder u =
          UserFeatures.newBuilder().setUserId(user).setVector(v).setColdStart(history.isEmpty());
      history.stream()
          .map(Event::occurredAt)
          .max(Instant::compareTo)
          .ifPresent(t -> u.setLastEventAt(EventProtoMapper.timestamp(t)));
      b.addUsers(u);
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  /** Every stored event of the user, oldest first (no limit: test histories are small). */
  @Override
  public void getUserHistory(
      GetUserHistoryRequest req, StreamObserver<GetUserHistoryResponse> out) {
    calls.incrementAndGet();
    historyLatch(req.getUserId()).countDown();
    Duration delay = slowHistories.get(req.getUserId());
    if (delay != null) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      slowHistoryCancelled.put(
          req.getUserId(),
          ((io.grpc.stub.ServerCallStreamObserver<GetUserHistoryResponse>) out).isCancelled());
    }
    GetUserHistoryResponse.Builder b = GetUserHistoryResponse.newBuilder();
    events.getOrDefault(req.getUserId(), List.of()).stream()
        .sorted(java.util.Comparator.comparing(Event::occurredAt).thenComparing(Event::eventId))
        .forEach(e -> b.addEvents(EventProtoMapper.toProto(e)));
    out.onNext(b.build());
    out.onCompleted();
  }

  /** Users in id order, paged by the last id, with the activity bounds on the newest event. */
  @Override
  public void listUsers(ListUsersRequest req, StreamObserver<ListUsersResponse> out) {
    calls.incrementAndGet();
    int size = req.getPageSize() == 0 ? 1000 : req.getPageSize();
    List<String> ids =
        events.keySet().stream()
            .filter(id -> req.getPageToken().isEmpty() || id.compareTo(req.getPageToken()) > 0)
            .filter(
                id -> {
                  Instant last =
                      events.get(id).stream()
                          .map(Event::occurredAt)
                          .max(Instant::compareTo)
                          .orElseThrow();
                  return (!req.hasActiveSince()
                          || !last.isBefore(EventProtoMapper.instant(req.getActiveSince())))
                      && (!req.hasActiveBefore()
                          || !last.isAfter(EventProtoMapper.instant(req.getActiveBefore())));
                })
            .sorted()
            .toList();
    ListUsersResponse.Builder b = ListUsersResponse.newBuilder();
    for (String id : ids.subList(0, Math.min(size, ids.size()))) {
      b.addUsers(UserActivity.newBuilder().setUserId(id).setEventCount(events.get(id).size()));
    }
    if (ids.size() > size) {
      b.setNextPageToken(ids.get(size - 1));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
