package io.propensity.engine.labels;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.session.Session;
import io.propensity.engine.session.Sessionizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Label rules over one user's full history (events before and after the cutoff; input order does
 * not matter). Intervals are open at the cutoff and closed at the far end: an event exactly at T
 * belongs to the past (the features), one exactly at T + horizon to the future (the label).
 */
public final class Labeler {

  private Labeler() {}

  /**
   * Whether the user has an event in (T - lookback, T]: the eligibility rule of every cutoff
   * target.
   */
  public static boolean isActive(Collection<Event> history, Instant cutoff, Duration lookback) {
    Instant from = cutoff.minus(lookback);
    return history.stream()
        .anyMatch(e -> e.occurredAt().isAfter(from) && !e.occurredAt().isAfter(cutoff));
  }

  /** Whether there is a purchase in (T, T + horizon]. */
  public static boolean purchasesWithin(
      Collection<Event> history, Instant cutoff, Duration horizon) {
    Instant until = cutoff.plus(horizon);
    return history.stream()
        .anyMatch(
            e ->
                e.type() == EventType.PURCHASE
                    && e.occurredAt().isAfter(cutoff)
                    && !e.occurredAt().isAfter(until));
  }

  /** Whether there is no event at all in (T, T + horizon]. */
  public static boolean silentWithin(Collection<Event> history, Instant cutoff, Duration horizon) {
    Instant until = cutoff.plus(horizon);
    return history.stream()
        .noneMatch(e -> e.occurredAt().isAfter(cutoff) && !e.occurredAt().isAfter(until));
  }

  /**
   * The label of a purchase or churn definition at a cutoff; empty when the user is not eligible
   * (no event in (T - lookback, T]).
   *
   * @throws IllegalArgumentException for a session-conversion definition (see {@link
   *     #sessionCutoffs})
   */
  public static Optional<Boolean> label(
      LabelDefinition definition, Collection<Event> history, Instant cutoff) {
    if (definition instanceof LabelDefinition.Purchase p) {
      return isActive(history, cutoff, p.lookback())
          ? Optional.of(purchasesWithin(history, cutoff, p.horizon()))
          : Optional.empty();
    }
    if (definition instanceof LabelDefinition.Churn c) {
      return isActive(history, cutoff, c.lookback())
          ? Optional.of(silentWithin(history, cutoff, c.horizon()))
          : Optional.empty();
    }
    throw new IllegalArgumentException(
        "session conversion is labelled per session event, see sessionCutoffs");
  }

  /**
   * The in-session cutoffs of every session (sessionized over the full history): the time of the
   * session's 1st, (1+k)th, (1+2k)th... event, while strictly before the session's first purchase.
   * A session that starts with a purchase gives none.
   */
  public static List<SessionCutoff> sessionCutoffs(Collection<Event> history, int everyKthEvent) {
    if (everyKthEvent < 1) {
      throw new IllegalArgumentException("everyKthEvent must be at least 1: " + everyKthEvent);
    }
    List<SessionCutoff> out = new ArrayList<>();
    for (Session s : Sessionizer.sessionize(history)) {
      List<Event> events = s.events().stream().map(se -> se.event()).toList();
      Optional<Instant> firstPurchase =
          events.stream()
              .filter(e -> e.type() == EventType.PURCHASE)
              .map(Event::occurredAt)
              .findFirst();
      for (int i = 0; i < events.size(); i += everyKthEvent) {
        Instant t = events.get(i).occurredAt();
        if (firstPurchase.isPresent() && !t.isBefore(firstPurchase.get())) {
          break;
        }
        out.add(new SessionCutoff(s.key(), t, firstPurchase.isPresent()));
      }
    }
    return List.copyOf(out);
  }
}
