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
import propensity.features.v1.GetDataOverviewRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/**
 * Replays the newest stored events as if they happened now through one inference {@code
 * StreamPredict} stream, at a steady pace, and keeps the predictions that come back (with their top
 * SHAP factors) for the live page to poll. The events are taken from the feature-service's data
 * overview sample, given fresh ids and the current time; StreamPredict does not store them.
 */
@Singleton
public final class LiveReplay {
  private static final Logger LOG = LoggerFactory.getLogger(LiveReplay.class);

  private final ServiceClients clients;
  private final LiveConfiguration config;
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "live-replay");
    t.setDaemon(true);
    return t;
  });
  private final Deque<LivePrediction> kept = new ArrayDeque<>();
  private long sequence;
  private ReplayStatus status = new ReplayStatus(false, 0, 0, 0, "", "", "");

  public LiveReplay(ServiceClients clients, LiveConfiguration config) {
    this.clients = clients;
    this.config = config;
  }

  /** One prediction of the live stream, or the rejection of its event. */
  @Serdeable
  public record LivePrediction(
      long seq, String at, String eventId, String userId, String eventType, String itemId,
      Double probability, Boolean label, Double threshold, String modelName, Long modelVersion,
      boolean coldStart, List<Map<String, Object>> factors, String rejection) {}

  /** Progress of the current (or last) replay. */
  @Serdeable
  public record ReplayStatus(boolean running, int sent, int answered, int total, String model, String startedAt, String error) {}

  /** What the live page polls: the replay's progress and the predictions after a sequence number. */
  @Serdeable
  public record Snapshot(ReplayStatus replay, List<LivePrediction> predictions) {}

  /**
   * Starts replaying {@code count} of the newest stored events (1 to 100; 0 means the configured
   * default) through StreamPredict for {@code model} (empty: the default model). Refused with
   * FAILED_PRECONDITION while a replay runs, and when there is no event to replay.
   */
  public ReplayStatus start(int count, String model) {
    synchronized (this) {
      if (status.running()) {
        throw new ServiceCallException("dashboard", "live replay",
            Status.FAILED_PRECONDITION.withDescription("a replay is already running"), null);
      }
      status = new ReplayStatus(true, 0, 0, 0, model, Instant.now().toString(), "");
    }
    // the overview call may take a while: made outside the lock, so the page's polls are not held up
    try {
      int n = count <= 0 ? config.defaultEvents() : Math.min(100, count);
      var overview = clients.call(ServiceClients.FEATURE_SERVICE, () -> clients.features(clients.config().overviewDeadline())
          .getDataOverview(GetDataOverviewRequest.newBuilder().setSampleSize(n).build()));
      List<Event> events = new ArrayList<>(overview.getSampleEventsList());
      if (events.isEmpty()) {
        throw new ServiceCallException(ServiceClients.FEATURE_SERVICE, clients.target(ServiceClients.FEATURE_SERVICE),
            Status.FAILED_PRECONDITION.withDescription("no stored events to replay: import events first"), null);
      }
      events.sort((a, b) -> Long.compare(a.getOccurredAt().getSeconds(), b.getOccurredAt().getSeconds()));
      synchronized (this) {
        status = new ReplayStatus(true, 0, 0, events.size(), model, status.startedAt(), "");
      }
      clients.reconnect(ServiceClients.INFERENCE_SERVICE);
      new Run(events, model).begin();
      return since(Long.MAX_VALUE).replay();
    } catch (RuntimeException e) {
      finished("");
      throw e;
    }
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
      p = new LivePrediction(++sequence, Instant.now().toString(), r.getEventId(), pr.getUserId(), type, item,
          pr.getProbability(), pr.getLabel(), pr.getThreshold(), pr.getModelName(), pr.getModelVersion(), pr.getColdStart(),
          ProtoJson.toMaps(pr.getFactorsList()), "");
    } else {
      StringBuilder why = new StringBuilder();
      r.getRejection().getViolationsList().forEach(v -> why.append(v.getField()).append(": ").append(v.getDescription()).append("; "));
      p = new LivePrediction(++sequence, Instant.now().toString(), r.getEventId(), e == null ? "" : e.getUserId(), type, item,
          null, null, null, "", null, false, List.of(), why.toString());
    }
    kept.addLast(p);
    while (kept.size() > config.keep()) {
      kept.removeFirst();
    }
    status = new ReplayStatus(status.running(), status.sent(), status.answered() + 1, status.total(), status.model(), status.startedAt(), status.error());
  }

  private synchronized void progressed(int sent) {
    status = new ReplayStatus(status.running(), sent, status.answered(), status.total(), status.model(), status.startedAt(), status.error());
  }

  private synchronized void finished(String error) {
    status = new ReplayStatus(false, status.sent(), status.answered(), status.total(), status.model(), status.startedAt(), error);
  }

  /** One replay: the stream, its pacing, and the bookkeeping of sent events. */
  private final class Run implements StreamObserver<StreamPredictResponse> {
    private final List<Event> events;
    private final String model;
    private final Map<String, Event> sent = new HashMap<>();
    private StreamObserver<StreamPredictRequest> requests;
    private ScheduledFuture<?> ticks;
    private int next;

    Run(List<Event> events, String model) {
      this.events = events;
      this.model = model;
    }

    void begin() {
      Duration deadline = Duration.ofMillis((long) (events.size() * 1000 / config.eventsPerSecond())).plusSeconds(60);
      requests = clients.inferenceAsync().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).streamPredict(this);
      long period = Math.max(1, (long) (1000 / config.eventsPerSecond()));
      ticks = pacer.scheduleAtFixedRate(this::sendNext, 10, period, TimeUnit.MILLISECONDS);
    }

    private void sendNext() {
      try {
        if (next >= events.size()) {
          ticks.cancel(false);
          requests.onCompleted();
          return;
        }
        Event original = events.get(next++);
        Instant now = Instant.now();
        Event live = original.toBuilder()
            .setEventId("live-" + UUID.randomUUID().toString().substring(0, 8) + "-" + original.getEventId())
            .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
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
      } catch (RuntimeException e) {
        ticks.cancel(false);
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
      ticks.cancel(false);
      Status s = Status.fromThrowable(t);
      String message = new ServiceCallException(ServiceClients.INFERENCE_SERVICE, clients.target(ServiceClients.INFERENCE_SERVICE), s, t).getMessage();
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
