package io.propensity.feature.trainingset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.event.EventType;
import io.propensity.engine.labels.Target;
import io.propensity.engine.labels.TrainingRow;
import io.propensity.feature.store.EventStore;
import io.propensity.feature.store.jdbc.JdbcEventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training sets of a log of three hours: session-level cutoffs minutes apart, horizons of minutes
 * for purchase, and refusals that name a value that would pass.
 */
class ShortLogTrainingSetTest {
  static final Instant START = Instant.parse("2019-10-01T02:00:00Z");
  static final Instant END = START.plus(Duration.ofHours(3));
  @TempDir Path dir;
  EventStore store;
  TrainingSets sets;

  @BeforeEach
  void open() {
    store = JdbcEventStore.open("jdbc:sqlite:" + dir.resolve("e.db"), "", "", 2);
    store.append(threeHourLog());
    sets = new TrainingSets(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void sessionConversionTakesTenMinuteCutoffsAndNeedsNoHorizon() {
    TrainingSetPlan plan =
        sets.plan(
            spec(
                Target.SESSION_CONVERSION,
                Optional.empty(),
                END.minus(Duration.ofMinutes(40)),
                Duration.ofMinutes(10)));
    List<TrainingRow> rows = new ArrayList<>();
    sets.build(plan, rows::add, () -> false);

    assertThat(plan.cutoffs()).hasSize(15);
    assertThat(rows).extracting(TrainingRow::label).contains(true, false);
    assertThat(rows)
        .allSatisfy(
            r -> assertThat(r.cutoff()).isBetween(START, END.minus(Duration.ofMinutes(40))));
  }

  @Test
  void aPurchaseHorizonOfMinutesWorksOnAShortLog() {
    TrainingSetPlan plan =
        sets.plan(
            spec(
                Target.PURCHASE,
                Optional.of(Duration.ofMinutes(30)),
                END.minus(Duration.ofHours(1)),
                Duration.ofMinutes(10)));

    assertThat(plan.cutoffs()).hasSize(13);
  }

  @Test
  void stepsAndHorizonsBelowTheLowerBoundsAreRefusedNamingTheBound() {
    InvalidInputException step =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                sets.plan(
                    spec(
                        Target.SESSION_CONVERSION,
                        Optional.empty(),
                        END.minus(Duration.ofHours(1)),
                        Duration.ofSeconds(30))));
    assertThat(step.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("spec.rolling_cutoffs.step");
              assertThat(v.description())
                  .isEqualTo("30s is shorter than 1m, the shortest step; use 1m or more");
            });

    InvalidInputException churn =
        catchThrowableOfType(
            InvalidInputException.class,
            () ->
                sets.plan(
                    spec(
                        Target.CHURN,
                        Optional.of(Duration.ofMinutes(10)),
                        END.minus(Duration.ofHours(1)),
                        Duration.ofMinutes(10))));
    assertThat(churn.violations().get(0).description())
        .contains("10m is shorter than 30m, the shortest CHURN horizon")
        .contains("not a churn")
        .endsWith("use 30m or more");
  }

  @Test
  void aSessionCutoffWithinTheSessionGapOfTheLogEndIsRefusedWithTheLatestThatFits() {
    FailedPreconditionException e =
        catchThrowableOfType(
            FailedPreconditionException.class,
            () ->
                sets.plan(
                    spec(
                        Target.SESSION_CONVERSION,
                        Optional.empty(),
                        END.minus(Duration.ofMinutes(10)),
                        Duration.ofMinutes(10))));
    Instant newest = store.statistics().lastEventAt().orElseThrow();
    assertThat(e.getMessage())
        .contains("+ the 30m session gap runs past the newest stored event")
        .contains("could still convert after the log ends")
        .endsWith("use cutoffs up to " + newest.minus(Duration.ofMinutes(30)));
  }

  private static TrainingSetSpec spec(
      Target target, Optional<Duration> horizon, Instant lastCutoff, Duration step) {
    return new TrainingSetSpec(
        Optional.of(target),
        horizon,
        List.of(),
        Optional.of(new TrainingSetSpec.Rolling(START, lastCutoff, step)),
        List.of(),
        0,
        0);
  }

  /**
   * 60 users, each a session every 40 minutes from the start: product views two minutes apart, a
   * cart in every third session and a purchase after the cart in every other of those.
   */
  static List<Event> threeHourLog() {
    List<Event> out = new ArrayList<>();
    for (int u = 0; u < 60; u++) {
      String user = "short-" + u;
      int s = 0;
      for (Instant t = START.plusSeconds(u * 30L); t.isBefore(END); s++) {
        Instant session = t;
        for (int v = 0; v < 5; v++) {
          out.add(event(user, s + "-v" + v, session, EventType.PRODUCT_VIEW));
          session = session.plus(Duration.ofMinutes(2));
        }
        if ((u + s) % 3 == 0) {
          out.add(event(user, s + "-c", session, EventType.ADD_TO_CART));
          if ((u + s) % 2 == 0) {
            out.add(event(user, s + "-p", session.plusSeconds(60), EventType.PURCHASE));
          }
        }
        t = t.plus(Duration.ofMinutes(40));
      }
    }
    return out.stream().filter(e -> e.occurredAt().isBefore(END)).toList();
  }

  private static Event event(String user, String id, Instant at, EventType type) {
    return Event.builder(user + "-" + id, user, at, type).itemId("item-" + id).price(10).build();
  }
}
