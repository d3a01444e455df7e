package io.propensity.inference.live;

import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventValidator;
import io.propensity.engine.event.FieldViolation;
import io.propensity.engine.event.ReceivedEvent;
import io.propensity.inference.scoring.FeatureRow;
import io.propensity.inference.scoring.InputResolver;
import io.propensity.inference.scoring.RowScorer;
import io.propensity.inference.scoring.Scorer;
import io.propensity.inference.scoring.ScoringMetrics;
import io.propensity.inference.serving.ModelLease;
import io.propensity.inference.serving.ServedModels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scores live events: each valid event updates its user's {@link LiveUserStates} entry and yields
 * the user's new prediction, computed as of the user's newest event (so that a replayed log scores
 * as it would have live). A user's state is seeded from their stored events at their first event on
 * this replica (see {@link StateSeeder}); the answer says how it was seeded.
 */
public final class LiveScoring {
  /** Most events per stream message. */
  public static final int MAX_EVENTS_PER_MESSAGE = 1_000;

  private final ServedModels models;
  private final LiveUserStates states;
  private final EventValidator validator;
  private final RowScorer rows;
  private final ScoringMetrics metrics;

  public LiveScoring(
      ServedModels models,
      LiveUserStates states,
      EventValidator validator,
      RowScorer rows,
      ScoringMetrics metrics) {
    this.models = models;
    this.states = states;
    this.validator = validator;
    this.rows = rows;
    this.metrics = metrics;
  }

  /**
   * Starts a stream with the settings of its first message; fails now if the model is not served.
   */
  public Session open(Optional<String> model, int topK) {
    Scorer.checkTopK(topK, Scorer.MAX_TOP_K, "explain_top_k");
    try (ModelLease lease = models.lease(model)) {
      if (lease.served().provided()) {
        throw InputResolver.takesProvidedFeatures(lease.served(), "an event stream");
      }
    }
    return new Session(model, topK);
  }

  /**
   * One stream: counts events over all its messages. Not thread-safe (gRPC serialises messages).
   */
  public final class Session {
    private final Optional<String> model;
    private final int topK;
    private long index;

    private Session(Optional<String> model, int topK) {
      this.model = model;
      this.topK = topK;
    }

    /** Applies one message's events in order and answers each. */
    public List<StreamOutcome> apply(List<ReceivedEvent> events) {
      if (events.isEmpty()) {
        throw InvalidInputException.of("events", "at least 1 event per message is required");
      }
      if (events.size() > MAX_EVENTS_PER_MESSAGE) {
        throw InvalidInputException.of(
            "events",
            events.size()
                + " events in one message, at most "
                + MAX_EVENTS_PER_MESSAGE
                + " allowed");
      }
      List<StreamOutcome> out = new ArrayList<>(events.size());
      long predicted = 0;
      try (ModelLease lease = models.lease(model)) {
        if (lease.served().provided()) {
          // the alias moved to a version of provided features while the stream was open
          throw InputResolver.takesProvidedFeatures(lease.served(), "an event stream");
        }
        for (ReceivedEvent in : events) {
          long started = System.nanoTime();
          long position = index++;
          List<FieldViolation> problems =
              in instanceof ReceivedEvent.Unparseable u
                  ? u.violations()
                  : validator.validate(((ReceivedEvent.Parsed) in).event());
          if (!problems.isEmpty()) {
            out.add(new StreamOutcome.Rejected(position, in.eventId(), problems));
            continue;
          }
          Event event = ((ReceivedEvent.Parsed) in).event();
          HistorySeed[] seed = new HistorySeed[1];
          FeatureRow row =
              states.update(
                  event.userId(),
                  (state, howSeeded) -> {
                    seed[0] = howSeeded;
                    state.apply(event);
                    Instant asOf = state.watermark().orElse(event.occurredAt());
                    return new FeatureRow(
                        Optional.of(event.userId()),
                        state.vectorAsOf(asOf).values(),
                        false,
                        Optional.of(asOf));
                  });
          out.add(new StreamOutcome.Predicted(in.eventId(), rows.score(lease, row, topK), seed[0]));
          predicted++;
          metrics.timed(ScoringMetrics.Operation.STREAM_EVENT, System.nanoTime() - started);
        }
        metrics.predicted(lease.served(), "stream", predicted);
      }
      return out;
    }
  }
}
