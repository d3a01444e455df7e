package io.propensity.engine.labels;

import io.propensity.engine.event.Event;
import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureVector;
import io.propensity.engine.features.UserFeatureState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one user's full history into labelled rows for one target, with features from the batch
 * path as of each cutoff (so no event after a cutoff reaches its features).
 */
public final class TrainingSetBuilder {

  private final LabelDefinition definition;

  /** A builder for this target definition. */
  public TrainingSetBuilder(LabelDefinition definition) {
    this.definition = definition;
  }

  /** The definition rows are labelled by. */
  public LabelDefinition definition() {
    return definition;
  }

  /**
   * The rows of one user, ordered by cutoff. Events sharing an id count once.
   *
   * <ul>
   *   <li>Purchase and churn: one row per cutoff at which the user is eligible (an event in (T -
   *       lookback, T]); other cutoffs give no row.
   *   <li>Session conversion: one row per in-session cutoff ({@link Labeler#sessionCutoffs}) that
   *       lies within [earliest, latest] of {@code cutoffs}, the training period; none when {@code
   *       cutoffs} is empty.
   * </ul>
   *
   * @throws IllegalArgumentException when the events belong to more than one user
   */
  public List<TrainingRow> build(List<Event> historyOfOneUser, List<Instant> cutoffs) {
    Map<String, Event> byId = new LinkedHashMap<>();
    for (Event e : historyOfOneUser) {
      byId.putIfAbsent(e.eventId(), e);
    }
    List<Event> history = List.copyOf(byId.values());
    if (history.isEmpty()) {
      return List.of();
    }
    String user = history.get(0).userId();
    if (history.stream().anyMatch(e -> !e.userId().equals(user))) {
      throw new IllegalArgumentException("history mixes users; give one user's events");
    }
    List<TrainingRow> rows = new ArrayList<>();
    if (definition instanceof LabelDefinition.SessionConversion sc) {
      if (cutoffs.isEmpty()) {
        return List.of();
      }
      Instant from = Collections.min(cutoffs);
      Instant to = Collections.max(cutoffs);
      List<SessionCutoff> inPeriod = new ArrayList<>();
      for (SessionCutoff c : Labeler.sessionCutoffs(history, sc.everyKthEvent())) {
        if (!c.cutoff().isBefore(from) && !c.cutoff().isAfter(to)) {
          inPeriod.add(c);
        }
      }
      inPeriod.sort(Comparator.comparing(SessionCutoff::cutoff));
      AsOfVectors vectors = new AsOfVectors(history);
      for (SessionCutoff c : inPeriod) {
        rows.add(
            new TrainingRow(
                user,
                c.cutoff(),
                vectors.at(c.cutoff()),
                c.converts(),
                Optional.of(c.sessionKey())));
      }
    } else {
      List<Instant> sorted = cutoffs.stream().sorted().distinct().toList();
      AsOfVectors vectors = new AsOfVectors(history);
      for (Instant t : sorted) {
        Optional<Boolean> label = Labeler.label(definition, history, t);
        if (label.isPresent()) {
          rows.add(new TrainingRow(user, t, vectors.at(t), label.get(), Optional.empty()));
        }
      }
    }
    rows.sort((a, b) -> a.cutoff().compareTo(b.cutoff()));
    return List.copyOf(rows);
  }

  /**
   * Vectors of one user at non-decreasing cutoffs in one pass: events are applied once, in time
   * order, to a {@link UserFeatureState}, which gives exactly what {@link BatchFeatureComputer}
   * gives at the same cutoff (proven by the online/offline equivalence tests) without recomputing
   * the whole history at every cutoff.
   */
  private static final class AsOfVectors {
    private final List<Event> byTime;
    private final UserFeatureState state = new UserFeatureState();
    private int next;
    private Instant last = Instant.MIN;

    AsOfVectors(List<Event> history) {
      List<Event> sorted = new ArrayList<>(history);
      sorted.sort(Comparator.comparing(Event::occurredAt).thenComparing(Event::eventId));
      this.byTime = sorted;
    }

    FeatureVector at(Instant cutoff) {
      if (cutoff.isBefore(last)) {
        throw new IllegalStateException("cutoffs must not decrease: " + cutoff + " after " + last);
      }
      last = cutoff;
      while (next < byTime.size() && !byTime.get(next).occurredAt().isAfter(cutoff)) {
        state.apply(byTime.get(next++));
      }
      return next == 0 ? BatchFeatureComputer.coldStart() : state.vectorAsOf(cutoff);
    }
  }
}
