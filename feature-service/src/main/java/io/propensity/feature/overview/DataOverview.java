package io.propensity.feature.overview;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.session.Session;
import io.propensity.feature.online.OnlineFeatures;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the dashboard shows about the stored data: volumes, time range, samples of raw events,
 * processed sessions and feature rows, dwell by hour of day, the session funnel, daily volume and
 * the quantiles of event times.
 */
public record DataOverview(
    long events,
    long users,
    long sessions,
    Map<EventType, Long> eventsByType,
    Optional<Instant> firstEventAt,
    Optional<Instant> lastEventAt,
    List<Event> sampleEvents,
    List<Session> sampleSessions,
    List<OnlineFeatures.UserFeatures> sampleFeatureRows,
    List<HourDwell> dwellByHour,
    List<FunnelStep> funnel,
    List<Day> days,
    Optional<EventTimes> eventTimes,
    Instant computedAt) {

  /** Dwell of the events that occurred in one hour of the day (0–23, in the requested zone). */
  public record HourDwell(int hour, long eventsWithDwell, Duration mean, Duration median) {}

  /** Sessions that reached a funnel stage (a session reaches a stage with any event of it). */
  public record FunnelStep(Stage stage, long sessions, double fractionOfSessions) {}

  /** Funnel stages, in order. */
  public enum Stage {
    SESSION,
    PRODUCT_VIEW,
    ADD_TO_CART,
    BEGIN_CHECKOUT,
    PURCHASE
  }

  /** Events and distinct users on one day. */
  public record Day(LocalDate day, long events, long users) {}

  /**
   * Where in time the events lie.
   *
   * @param permilles 1,001 ascending times: entry k is the earliest time by which at least k/1000
   *     of the events had occurred (0 = oldest, 1,000 = newest)
   * @param sampleSize events they were computed from: all, or a uniform sample of them
   */
  public record EventTimes(List<Instant> permilles, long sampleSize) {
    public EventTimes {
      permilles = List.copyOf(permilles);
    }
  }
}
