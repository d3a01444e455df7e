package io.propensity.feature.overview;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.session.Session;
import io.propensity.engine.session.SessionEvent;
import io.propensity.engine.session.Sessionizer;
import io.propensity.feature.online.OnlineFeatures;
import io.propensity.feature.store.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Computes the {@link DataOverview} in one pass over the store (sessionizing each user's history),
 * and caches it for a while: the dashboard polls it, and a pass over millions of events takes
 * seconds.
 */
public final class DataOverviewService {
  /** Dwell values kept per hour for the median (a seeded reservoir sample). */
  static final int RESERVOIR = 4_096;

  private final EventStore store;
  private final OnlineFeatures online;
  private final Clock clock;
  private final Duration cacheTtl;
  private final Map<String, DataOverview> cache = new ConcurrentHashMap<>();

  public DataOverviewService(
      EventStore store, OnlineFeatures online, Clock clock, Duration cacheTtl) {
    this.store = store;
    this.online = online;
    this.clock = clock;
    this.cacheTtl = cacheTtl;
  }

  /** The overview with {@code sampleSize} samples of each kind, hours in {@code zone}. */
  public DataOverview overview(int sampleSize, ZoneId zone) {
    String key = sampleSize + "|" + zone.getId();
    DataOverview cached = cache.get(key);
    Instant now = clock.instant();
    if (cached != null && cached.computedAt().plus(cacheTtl).isAfter(now)) {
      return cached;
    }
    DataOverview fresh = compute(sampleSize, zone, now);
    cache.put(key, fresh);
    return fresh;
  }

  private DataOverview compute(int sampleSize, ZoneId zone, Instant now) {
    EventStore.StoreStatistics stats = store.statistics();
    List<Event> latest = store.latest(sampleSize);
    Set<String> sampleUsers = new LinkedHashSet<>();
    for (Event e : latest) {
      sampleUsers.add(e.userId());
    }

    long[] sessions = new long[1];
    long[] funnel = new long[DataOverview.Stage.values().length];
    long[] dwellCount = new long[24];
    long[] dwellSumMs = new long[24];
    long[][] reservoir = new long[24][RESERVOIR];
    SplittableRandom random = new SplittableRandom(42);
    Map<LocalDate, Long> usersPerDay = new TreeMap<>();
    Map<LocalDate, Long> eventsPerDay = new TreeMap<>();
    List<Session> sampleSessions = new ArrayList<>();
    EventTimeSample times = new EventTimeSample(EventTimeSample.CAPACITY, 42);

    store.forEachUser(
        h -> {
          List<Session> userSessions = Sessionizer.sessionize(h.events());
          sessions[0] += userSessions.size();
          Set<LocalDate> days = new HashSet<>();
          for (Session s : userSessions) {
            boolean[] reached = new boolean[funnel.length];
            reached[DataOverview.Stage.SESSION.ordinal()] = true;
            for (SessionEvent se : s.events()) {
              Event e = se.event();
              LocalDate day = e.occurredAt().atZone(zone).toLocalDate();
              days.add(day);
              eventsPerDay.merge(day, 1L, Long::sum);
              times.add(e.occurredAt());
              stageOf(e.type()).ifPresent(st -> reached[st.ordinal()] = true);
              if (se.dwell().isPresent()) {
                int hour = e.occurredAt().atZone(zone).getHour();
                long ms = se.dwell().get().toMillis();
                long seen = dwellCount[hour]++;
                dwellSumMs[hour] += ms;
                if (seen < RESERVOIR) {
                  reservoir[hour][(int) seen] = ms;
                } else {
                  long j = random.nextLong(seen + 1);
                  if (j < RESERVOIR) {
                    reservoir[hour][(int) j] = ms;
                  }
                }
              }
            }
            for (int i = 0; i < funnel.length; i++) {
              if (reached[i]) {
                funnel[i]++;
              }
            }
          }
          for (LocalDate d : days) {
            usersPerDay.merge(d, 1L, Long::sum);
          }
          if (sampleUsers.contains(h.userId()) && !userSessions.isEmpty()) {
            sampleSessions.add(userSessions.get(userSessions.size() - 1));
          }
        });

    List<DataOverview.HourDwell> byHour = new ArrayList<>(24);
    for (int h = 0; h < 24; h++) {
      int kept = (int) Math.min(dwellCount[h], RESERVOIR);
      long[] values = Arrays.copyOf(reservoir[h], kept);
      Arrays.sort(values);
      Duration mean =
          dwellCount[h] == 0 ? Duration.ZERO : Duration.ofMillis(dwellSumMs[h] / dwellCount[h]);
      Duration median = kept == 0 ? Duration.ZERO : Duration.ofMillis(values[kept / 2]);
      byHour.add(new DataOverview.HourDwell(h, dwellCount[h], mean, median));
    }
    List<DataOverview.FunnelStep> steps = new ArrayList<>();
    for (DataOverview.Stage st : DataOverview.Stage.values()) {
      double fraction = sessions[0] == 0 ? 0 : (double) funnel[st.ordinal()] / sessions[0];
      steps.add(new DataOverview.FunnelStep(st, funnel[st.ordinal()], fraction));
    }
    List<DataOverview.Day> days = new ArrayList<>();
    for (Map.Entry<LocalDate, Long> d : eventsPerDay.entrySet()) {
      days.add(
          new DataOverview.Day(d.getKey(), d.getValue(), usersPerDay.getOrDefault(d.getKey(), 0L)));
    }
    sampleSessions.sort((a, b) -> b.end().compareTo(a.end()));
    List<OnlineFeatures.UserFeatures> rows =
        sampleUsers.isEmpty() ? List.of() : online.forUsers(new ArrayList<>(sampleUsers));
    Map<EventType, Long> byType = new EnumMap<>(EventType.class);
    byType.putAll(stats.eventsByType());
    return new DataOverview(
        stats.events(),
        stats.users(),
        sessions[0],
        byType,
        stats.firstEventAt(),
        stats.lastEventAt(),
        latest,
        List.copyOf(sampleSessions.subList(0, Math.min(sampleSize, sampleSessions.size()))),
        rows,
        byHour,
        steps,
        days,
        times.quantiles(),
        now);
  }

  private static java.util.Optional<DataOverview.Stage> stageOf(EventType t) {
    return switch (t) {
      case PRODUCT_VIEW -> java.util.Optional.of(DataOverview.Stage.PRODUCT_VIEW);
      case ADD_TO_CART -> java.util.Optional.of(DataOverview.Stage.ADD_TO_CART);
      case BEGIN_CHECKOUT -> java.util.Optional.of(DataOverview.Stage.BEGIN_CHECKOUT);
      case PURCHASE -> java.util.Optional.of(DataOverview.Stage.PURCHASE);
      default -> java.util.Optional.empty();
    };
  }
}
