package io.propensity.dashboard.live;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micronaut.serde.annotation.Serdeable;
import io.propensity.dashboard.api.ProtoJson;
import io.propensity.dashboard.api.ServiceCallException;
import io.propensity.dashboard.api.ServiceClients;
import io.propensity.dashboard.config.LiveConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import propensity.events.v1.Event;
import propensity.features.v1.GetUserHistoryRequest;
import propensity.features.v1.ListUsersRequest;
import propensity.features.v1.UserActivity;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * Replays recent stored events of several users as if they happened now through one inference
 * {@code StreamPredict} stream, and keeps the predictions that come back (with their top SHAP
 * factors and how each user's state was seeded) for the live page to poll. The users are the most
 * recently active ones (feature-service ListUsers), the events the newest of each user's history
 * (GetUserHistory), planned by {@link ReplayPlan}; each is sent with a fresh id and the current
 * time. StreamPredict does not store them.
 */
@Singleton
public final class LiveReplay {
  private static final Logger LOG = LoggerFactory.getLogger(LiveReplay.class);

  private final ServiceClients clients;
  private final LiveConfiguration config;
  private final ScheduledExecutorService pacer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "live-replay");
            t.setDaemon(true);
            return t;
          });
  private final Deque<LivePrediction> kept = new ArrayDeque<>();
  private long sequence;
  private ReplayStatus status = new ReplayStatus(false, 0, 0, 0, 0, "", "", "");

  public LiveReplay(ServiceClients clients, LiveConfiguration config) {
    this.clients = clients;
    this.config = config;
  }

  /**
   * One prediction of the live stream, or the rejection of its event. {@code historySeed} says how
   * the user's state began on the inference replica (STORED, TRUNCATED, NONE_STORED, UNAVAILABLE;
   * empty for a rejection) and {@code historyEventCount} from how many stored events.
   */
  @Serdeable
  public record LivePrediction(
      long seq,
      String at,
      String eventId,
      String userId,
      String eventType,
      String itemId,
      Double probability,
      Boolean label,
      Double threshold,
      String modelName,
      Long modelVersion,
      boolean coldStart,
      List<Map<String, Object>> factors,
      String rejection,
      String historySeed,
      long historyEventCount) {}

  /**
   * Progress of the current (or last) replay: events sent and answered of the total, of how many
   * users.
   */
  @Serdeable
  public record ReplayStatus(
      boolean running,
      int sent,
      int answered,
      int total,
      int users,
      String model,
      String startedAt,
      String error) {}

  /**
   * What the live page polls: the replay's progress and the predictions after a sequence number.
   */
  @Serdeable
  public record Snapshot(ReplayStatus replay, List<LivePrediction> predictions) {}

  /**
   * Starts replaying {@code count} recent stored events (1 to 100; 0 means the configured default)
   * of the most recently active users through StreamPredict for {@code model} (empty: the default
   * model). Refused with FAILED_PRECONDITION while a replay runs, and when there is no event to
   * replay.
   */
  public ReplayStatus start(int count, String model) {
    synchronized (this) {
      if (status.running()) {
        throw new ServiceCallException(
            "dashboard",
            "live replay",
            Status.FAILED_PRECONDITION.withDescription("a replay is already running"),
            null);
      }
      status = new ReplayStatus(true, 0, 0, 0, 0, model, Instant.now().toString(), "");
    }
    // the feature-service calls are made outside the lock, so the page's polls are not held up
    try {
      int n = count <= 0 ? config.defaultEvents() : Math.min(100, count);
      Map<String, List<Event>> histories = new LinkedHashMap<>();
      for (String user : recentlyActiveUsers()) {
        histories.put(
            user,
            clients
                .call(
                    ServiceClients.FEATURE_SERVICE,
                    () ->
                        clients
                            .features(clients.config().deadline())
                            .getUserHistory(
                                GetUserHistoryRequest.newBuilder()
                                    .setUserId(user)
                                    .setMaxEvents(n)
                                    .build()))
                .getEventsList());
      }
      ReplayPlan plan = ReplayPlan.of(histories, n, config.eventsPerSecond());
      if (plan.steps().isEmpty()) {
        throw new ServiceCallException(
            ServiceClients.FEATURE_SERVICE,
            clients.target(ServiceClients.FEATURE_SERVICE),
            Status.FAILED_PRECONDITION.withDescription(
                "no stored events to replay: import events first"),
            null);
      }
      synchronized (this) {
        status =
            new ReplayStatus(
                true, 0, 0, plan.steps().size(), plan.users(), model, status.startedAt(), "");
      }
      clients.reconnect(ServiceClients.INFERENCE_SERVICE);
      new Run(plan.steps(), model).begin();
      return since(Long.MAX_VALUE).replay();
    } catch (RuntimeException e) {
      finished("");
      throw e;
    }
  }

  /**
   * The {@code users} most recently active users: the first window (last hour, day, week, 30 days,
   * any time) holding that many, read one ListUsers page of at most {@code scanUsers} users per
   * window and ordered by their newest event.
   */
  private List<String> recentlyActiveUsers() {
    int wanted = Math.max(1, Math.min(50, config.users()));
    int scan = Math.max(wanted, Math.min(10_000, config.scanUsers()));
    Instant now = Instant.now();
    List<Duration> windows =
        List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30));
    List<UserActivity> found = List.of();
    for (int w = 0; w <= windows.size(); w++) {
      ListUsersRequest.Builder request = ListUsersRequest.newBuilder().setPageSize(scan);
      if (w < windows.size()) {
        Instant since = now.minus(windows.get(w));
        request.setActiveSince(
            Timestamp.newBuilder().setSeconds(since.getEpochSecond()).setNanos(since.getNano()));
      }
      found =
          clients
              .call(
                  ServiceClients.FEATURE_SERVICE,
                  () -> clients.features(clients.config().deadline()).listUsers(request.build()))
              .getUsersList();
      if (found.size() >= wanted) {
        break;
      }
    }
    return ReplayPlan.mostRecentlyActive(found, wanted);
  }

  /** The replay's progress and the kept predictions with a sequence number above {@code after}. */
  public synchronized Snapshot since(long after) {
    List<LivePrediction> out = new ArrayList<>();
    for (LivePrediction p : kept) {
      if (p.seq() > after) {
        out.add(p);
      }
    }
    return new Snapshot(status, out);
  }

  private synchronized void answered(Event e, StreamPredictResponse r) {
    String type = e == null ? "" : e.getType().name().replace("EVENT_TYPE_", "");
    String item = e == null ? "" : e.getItemId();
    LivePrediction p;
    if (r.hasPrediction()) {
      Prediction pr = r.getPrediction();
      p =
          new LivePrediction(
              ++sequence,
              Instant.now().toString(),
              r.getEventId(),
              pr.getUserId(),
              type,
              item,
              pr.getProbability(),
              pr.getLabel(),
              pr.getThreshold(),
              pr.getModelName(),
              pr.getModelVersion(),
              pr.getColdStart(),
              ProtoJson.toMaps(pr.getFactorsList()),
              "",
              r.getHistorySeed().name().replace("HISTORY_SEED_", ""),
              r.getHistoryEventCount());
    } else {
      StringBuilder why = new StringBuilder();
      r.getRejection()
          .getViolationsList()
          .forEach(
              v -> why.append(v.getField()).append(": ").append(v.getDescription()).append("; "));
      p =
          new LivePrediction(
              ++sequence,
              Instant.now().toString(),
              r.getEventId(),
              e == null ? "" : e.getUserId(),
              type,
              item,
              null,
              null,
              null,
              "",
              null,
              false,
              List.of(),
              why.toString(),
              "",
              0);
    }
    kept.addLast(p);
    while (kept.size() > config.keep()) {
      kept.removeFirst();
    }
    status =
        new ReplayStatus(
            status.running(),
            status.sent(),
            status.answered() + 1,
            status.total(),
            status.users(),
            status.model(),
            status.startedAt(),
            status.error());
  }

  private synchronized void progressed(int sent) {
    status =
        new ReplayStatus(
            status.running(),
            sent,
            status.answered(),
            status.total(),
            status.users(),
            status.model(),
            status.startedAt(),
            status.error());
  }

  private synchronized void finished(String error) {
    status =
        new ReplayStatus(
            false,
            status.sent(),
            status.answered(),
            status.total(),
            status.users(),
            status.model(),
            status.startedAt(),
            error);
  }

  /** One replay: the stream, its pacing (each event at its planned delay), and the sent events. */
  private final class Run implements StreamObserver<StreamPredictResponse> {
    private final List<ReplayPlan.Step> steps;
    private final String model;
    private final Map<String, Event> sent = new HashMap<>();
    private StreamObserver<StreamPredictRequest> requests;
    private volatile ScheduledFuture<?> ticks;
    private volatile boolean stopped;
    private long startNanos;
    private int next;

    Run(List<ReplayPlan.Step> steps, String model) {
      this.steps = steps;
      this.model = model;
    }

    void begin() {
      long planned = steps.get(steps.size() - 1).delayMillis();
      Duration deadline = Duration.ofMillis(planned).plusSeconds(60);
      requests = clients.inference().withDeadline(deadline).streamPredict(this);
      startNanos = System.nanoTime();
      ticks = pacer.schedule(this::sendNext, 10, TimeUnit.MILLISECONDS);
    }

    private void sendNext() {
      if (stopped) {
        return;
      }
      try {
        Event original = steps.get(next++).event();
        Instant now = Instant.now();
        Event live =
            original.toBuilder()
                .setEventId(
                    "live-"
                        + UUID.randomUUID().toString().substring(0, 8)
                        + "-"
                        + original.getEventId())
                .setOccurredAt(
                    Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build();
        synchronized (sent) {
          sent.put(live.getEventId(), live);
        }
        StreamPredictRequest.Builder message = StreamPredictRequest.newBuilder().addEvents(live);
        if (next == 1) {
          message.setModelName(model).setExplainTopK(config.explainTopK());
        }
        requests.onNext(message.build());
        progressed(next);
        if (next >= steps.size()) {
          requests.onCompleted();
          return;
        }
        long due =
            steps.get(next).delayMillis()
                - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        ticks = pacer.schedule(this::sendNext, Math.max(0, due), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        stopped = true;
        LOG.warn("live replay stopped: {}", e.toString());
        requests.onError(e);
        finished("replay stopped: " + e.getMessage());
      }
    }

    @Override
    public void onNext(StreamPredictResponse response) {
      Event event;
      synchronized (sent) {
        event = sent.get(response.getEventId());
      }
      answered(event, response);
    }

    @Override
    public void onError(Throwable t) {
      stopped = true;
      ticks.cancel(false);
      Status s = Status.fromThrowable(t);
      String message =
          new ServiceCallException(
                  ServiceClients.INFERENCE_SERVICE,
                  clients.target(ServiceClients.INFERENCE_SERVICE),
                  s,
                  t)
              .getMessage();
      LOG.warn("StreamPredict failed: {}", message);
      finished(message);
    }

    @Override
    public void onCompleted() {
      finished("");
    }
  }

  @PreDestroy
  void close() {
    pacer.shutdownNow();
  }
}
