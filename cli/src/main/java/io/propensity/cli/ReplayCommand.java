package io.propensity.cli;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import io.propensity.engine.event.Event;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.StreamPredictRequest;
import propensity.inference.v1.StreamPredictResponse;

/** {@code propensity replay}: streams an event log through StreamPredict at a chosen speed. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Replay an event log through StreamPredict at a chosen speed, printing predictions live.",
      "Events go through inference-service's StreamPredict in time order at --speed, printing",
      "each user's updated prediction as it comes back. With --ingest the events are also stored in",
      "feature-service afterwards (StreamPredict itself stores nothing)."
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Parameters(index = "0", description = "the event log (.csv or .csv.gz)")
  Path file;

  @Option(
      names = "--format",
      defaultValue = "generic",
      description = "generic | retailrocket | rees46 (default ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = {"-o", "--option"},
      description = "generic format option key=value (as for import)")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(
      names = "--speed",
      defaultValue = "10x",
      description =
          "speed-up of the recorded time, e.g. 10x, 0.5x, or max (default ${DEFAULT-VALUE})")
  String speed;

  @Option(
      names = "--max-wait",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "longest pause between two events, so that quiet hours pass quickly (default ${DEFAULT-VALUE})")
  Duration maxWait;

  @Option(
      names = "--now",
      description =
          "stamp events with the time they are sent (ids prefixed live-) instead of their recorded time")
  boolean now;

  @Option(
      names = "--limit",
      defaultValue = "10000",
      description = "most events replayed, the earliest (default ${DEFAULT-VALUE})")
  int limit;

  @Option(
      names = "--model",
      description = "served model name (default: the service's default model)")
  String model;

  @Option(
      names = "--explain",
      defaultValue = "2",
      paramLabel = "K",
      description = "top K factors per prediction, 0 to 50 (default ${DEFAULT-VALUE})")
  int explain;

  @Option(
      names = "--ingest",
      description = "also store the events in feature-service when the replay is done")
  boolean ingest;

  @Option(
      names = "--timeout",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description = "deadline of the whole stream (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    double factor = Args.speed(speed);
    if (limit < 1) {
      throw new CliException("--limit must be at least 1", 2);
    }
    if (explain < 0 || explain > 50) {
      throw new CliException("--explain " + explain + " is outside 0 to 50", 2);
    }
    List<Event> events = EventFiles.readSorted(file, format, options, limit, out);
    Instant first = events.get(0).occurredAt();
    Instant last = events.get(events.size() - 1).occurredAt();
    out.printf(
        "replaying %,d events recorded %s .. %s at %s through StreamPredict on %s%n",
        events.size(),
        first.truncatedTo(ChronoUnit.SECONDS),
        last.truncatedTo(ChronoUnit.SECONDS),
        Double.isInfinite(factor) ? "full speed" : Show.f("%sx", Tables.number(factor)),
        endpoints.inference());
    out.flush();

    Map<String, Event> sentById = new HashMap<>();
    AtomicLong predictions = new AtomicLong();
    AtomicLong rejections = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Event> sent = new ArrayList<>(events.size());
    try (Endpoints closing = endpoints) {
      StreamObserver<StreamPredictRequest> requests =
          endpoints
              .inferenceClient()
              .withDeadline(timeout)
              .streamPredict(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(StreamPredictResponse r) {
                      Event e;
                      synchronized (sentById) {
                        e = sentById.remove(r.getEventId());
                      }
                      String what =
                          e == null
                              ? r.getEventId()
                              : e.type().name().toLowerCase(Locale.ROOT)
                                  + e.itemId().map(i -> " " + i).orElse("");
                      if (r.hasPrediction()) {
                        predictions.incrementAndGet();
                        Prediction p = r.getPrediction();
                        out.println(
                            Show.f(
                                "%s  %-12s %-26s p=%.4f %-6s v%d  %s",
                                e == null ? "" : e.occurredAt().truncatedTo(ChronoUnit.SECONDS),
                                p.getUserId(),
                                what,
                                p.getProbability(),
                                p.getLabel() ? "TARGET" : "",
                                p.getModelVersion(),
                                Show.factorsInline(p)));
                      } else {
                        rejections.incrementAndGet();
                        out.println(
                            Show.f(
                                "event %s rejected: %s",
                                r.getEventId(),
                                r.getRejection().getViolationsList().stream()
                                    .map(v -> v.getField() + ": " + v.getDescription())
                                    .toList()));
                      }
                      out.flush();
                    }

                    @Override
                    public void onError(Throwable t) {
                      failure.set(t);
                      done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                      done.countDown();
                    }
                  });
      long startNanos = System.nanoTime();
      double virtualMillis = 0;
      Instant previous = first;
      boolean firstMessage = true;
      List<propensity.events.v1.Event> batch = new ArrayList<>();
      for (int i = 0; i < events.size() && failure.get() == null; i++) {
        Event e = events.get(i);
        if (!Double.isInfinite(factor)) {
          long gap = Duration.between(previous, e.occurredAt()).toMillis();
          virtualMillis += Math.min(gap / factor, maxWait.toMillis());
          long wait = (long) virtualMillis - (System.nanoTime() - startNanos) / 1_000_000;
          if (wait > 0) {
            Thread.sleep(wait);
          }
        }
        previous = e.occurredAt();
        Event toSend =
            now
                ? e.toBuilder().eventId("live-" + e.eventId()).occurredAt(Instant.now()).build()
                : e;
        synchronized (sentById) {
          sentById.put(toSend.eventId(), toSend);
        }
        sent.add(toSend);
        batch.add(EventProtoMapper.toProto(toSend));
        boolean nextIsDue =
            i + 1 < events.size()
                && (Double.isInfinite(factor)
                    || !events.get(i + 1).occurredAt().isAfter(e.occurredAt()));
        if (!nextIsDue || batch.size() == 500) {
          StreamPredictRequest.Builder req = StreamPredictRequest.newBuilder().addAllEvents(batch);
          if (firstMessage) {
            req.setModelName(model == null ? "" : model).setExplainTopK(explain);
            firstMessage = false;
          }
          requests.onNext(req.build());
          batch.clear();
        }
      }
      requests.onCompleted();
      if (!done.await(Math.max(60, timeout.toSeconds()), TimeUnit.SECONDS)) {
        throw new CliException("StreamPredict did not finish", 1);
      }
      if (failure.get() != null) {
        if (failure.get() instanceof StatusRuntimeException sre) {
          throw sre;
        }
        throw new CliException("StreamPredict failed: " + failure.get(), 1);
      }
      out.printf(
          "%,d predictions, %,d events rejected, in %.1f s%n",
          predictions.get(), rejections.get(), (System.nanoTime() - startNanos) / 1e9);
      if (ingest) {
        try (FeatureServiceClient features = endpoints.featureClient()) {
          var r = features.ingest(sent.iterator(), 500, Duration.ofMinutes(30), n -> {});
          out.printf(
              "feature-service: %,d accepted, %,d duplicates, %,d rejected%n",
              r.getAcceptedCount(), r.getDuplicateCount(), r.getRejectedCount());
        }
      }
      out.flush();
      return 0;
    }
  }
}
