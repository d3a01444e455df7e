package io.propensity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propensity.engine.labels.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultCutoffsTest {
  static final Instant DAY0 = Instant.parse("2017-11-25T00:00:00Z");

  @Test
  void aStrayEventTwoMonthsBeforeANineDayLogDoesNotMoveTheCutoffs() {
    List<Instant> log = every(Duration.ofMinutes(2), DAY0, DAY0.plus(Duration.ofDays(9)));
    List<Instant> withStray = new ArrayList<>(log);
    withStray.add(DAY0.minus(Duration.ofDays(61)));

    DefaultCutoffs.Choice clean = choose(Target.PURCHASE, Duration.ofDays(2), log);
    DefaultCutoffs.Choice stray = choose(Target.PURCHASE, Duration.ofDays(2), withStray);

    assertThat(stray.start()).isEqualTo(clean.start());
    assertThat(stray.end()).isEqualTo(clean.end());
    assertThat(stray.step()).isEqualTo(clean.step());
    // history before the first cutoff, the 2-day horizon after the last, all inside the log
    assertThat(clean.start()).isAfter(DAY0.plus(Duration.ofDays(1)));
    assertThat(clean.end().plus(Duration.ofDays(2))).isBefore(DAY0.plus(Duration.ofDays(9)));
    assertThat(clean.count()).isBetween(8L, 30L);
    assertThat(stray.why())
        .contains(
            "98% of the 6,482 events fall in 2017-11-25T02:06:00Z .. 2017-12-03T21:52:00Z (8d19h)")
        .contains("back to 2017-09-25T00:00:00Z")
        .contains("the last cutoff leaves the 2d horizon before the dense part ends")
        .contains("the first leaves 1d16h of history for the features");
    // the example in the README, "Default cutoffs"
    assertThat(stray.summary())
        .isEqualTo(
            "cutoffs every 12h from 2017-11-27T00:00:00Z to 2017-12-01T12:00:00Z (10 cutoffs)");
  }

  @Test
  void aFewStrayEventsAfterTheLogDoNotPushTheLastCutoffPastTheData() {
    List<Instant> log = every(Duration.ofMinutes(2), DAY0, DAY0.plus(Duration.ofDays(9)));
    List<Instant> withStrays = new ArrayList<>(log);
    for (int i = 0; i < 20; i++) {
      withStrays.add(DAY0.plus(Duration.ofDays(40 + i)));
    }
    assertThat(choose(Target.PURCHASE, Duration.ofDays(2), withStrays).end())
        .isEqualTo(choose(Target.PURCHASE, Duration.ofDays(2), log).end());
  }

  @Test
  void aThreeHourLogGetsStepsOfMinutesForSessionAndShortPurchaseTargets() {
    List<Instant> log = every(Duration.ofSeconds(1), DAY0, DAY0.plus(Duration.ofHours(3)));

    DefaultCutoffs.Choice session = choose(Target.SESSION_CONVERSION, Duration.ofDays(7), log);
    DefaultCutoffs.Choice purchase = choose(Target.PURCHASE, Duration.ofMinutes(30), log);

    for (DefaultCutoffs.Choice c : List.of(session, purchase)) {
      assertThat(c.step())
          .isLessThan(Duration.ofHours(1))
          .isGreaterThanOrEqualTo(Duration.ofMinutes(1));
      assertThat(c.count()).isGreaterThanOrEqualTo(8);
      assertThat(c.end()).isBefore(DAY0.plus(Duration.ofMinutes(150)).plusSeconds(1));
    }
    // session rows need no history: the range starts where the dense part does
    assertThat(session.start()).isBefore(DAY0.plus(Duration.ofMinutes(20)));
    assertThat(session.why()).contains("the 30m session gap").contains("need no history");
    assertThat(session.summary()).startsWith("cutoffs every 15m from 2017-11-25T00:");
  }

  @Test
  void aYearLongLogGetsWeeklySteps() {
    List<Instant> log = every(Duration.ofHours(1), DAY0, DAY0.plus(Duration.ofDays(365)));

    DefaultCutoffs.Choice c = choose(Target.PURCHASE, Duration.ofDays(7), log);

    assertThat(c.step()).isEqualTo(Duration.ofDays(7));
    assertThat(c.count()).isBetween(40L, 53L);
    // a month of history at most (the longest feature window) after the oldest 1% of the events
    assertThat(Duration.between(DAY0, c.start())).isLessThanOrEqualTo(Duration.ofDays(4 + 30 + 7));
  }

  @Test
  void tooShortALogForTheHorizonIsRefusedSayingHowMuchIsNeededAndWhatToGive() {
    List<Instant> log = every(Duration.ofMinutes(1), DAY0, DAY0.plus(Duration.ofDays(3)));

    assertThatThrownBy(() -> choose(Target.PURCHASE, Duration.ofDays(7), log))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("purchase needs 252h of them (1.5 x the 7d horizon")
        .hasMessageContaining("give --horizon 1d or less")
        .hasMessageContaining("--from and --to")
        .extracting(e -> ((CliException) e).exitCode())
        .isEqualTo(2);
    assertThatThrownBy(
            () ->
                choose(
                    Target.SESSION_CONVERSION,
                    Duration.ZERO,
                    every(Duration.ofSeconds(10), DAY0, DAY0.plus(Duration.ofMinutes(40)))))
        .hasMessageContaining("needs 45m of them (1.5 x the 30m session gap")
        .hasMessageContaining("import a longer log, or place the cutoffs with --from and --to");
  }

  @Test
  void tooFewEventsAreRefusedSayingHowManyAreNeeded() {
    List<Instant> log = every(Duration.ofHours(1), DAY0, DAY0.plus(Duration.ofHours(49)));

    assertThatThrownBy(() -> choose(Target.PURCHASE, Duration.ofHours(1), log))
        .hasMessageStartingWith("only 50 events are stored; default cutoffs need at least 100")
        .hasMessageContaining("--from and --to");
  }

  @Test
  void givenOptionsAreKeptAndOnlyTheRestIsChosen() {
    Instant from = Instant.parse("2017-11-26T00:00:00Z");
    Instant to = Instant.parse("2017-11-30T00:00:00Z");

    DefaultCutoffs.Choice both =
        DefaultCutoffs.choose(
            Target.PURCHASE,
            Duration.ofDays(2),
            Optional.of(from),
            Optional.of(to),
            Optional.empty(),
            Optional.empty());
    assertThat(both.start()).isEqualTo(from);
    assertThat(both.end()).isEqualTo(to);
    assertThat(both.step()).isEqualTo(Duration.ofHours(12));
    assertThat(both.why()).isEmpty();

    List<Instant> log = every(Duration.ofMinutes(2), DAY0, DAY0.plus(Duration.ofDays(9)));
    DefaultCutoffs.Choice onlyFrom =
        DefaultCutoffs.choose(
            Target.PURCHASE,
            Duration.ofDays(2),
            Optional.of(from),
            Optional.empty(),
            Optional.of(Duration.ofHours(6)),
            Optional.of(times(log)));
    assertThat(onlyFrom.start()).isEqualTo(from);
    assertThat(onlyFrom.step()).isEqualTo(Duration.ofHours(6));
    assertThat(onlyFrom.end().plus(Duration.ofDays(2))).isBefore(DAY0.plus(Duration.ofDays(9)));
  }

  @Test
  void aStepGivingTooManyOrTooFewCutoffsIsRefusedWithOneThatFits() {
    Instant from = Instant.parse("2017-11-26T00:00:00Z");
    assertThatThrownBy(
            () ->
                DefaultCutoffs.choose(
                    Target.PURCHASE,
                    Duration.ofDays(2),
                    Optional.of(from),
                    Optional.of(from.plus(Duration.ofDays(3))),
                    Optional.of(Duration.ofMinutes(1)),
                    Optional.empty()))
        .hasMessageContaining("--step 1m gives 4,321 cutoffs")
        .hasMessageContaining("give --step 5m or longer");
    List<Instant> log = every(Duration.ofMinutes(2), DAY0, DAY0.plus(Duration.ofDays(9)));
    assertThatThrownBy(
            () ->
                DefaultCutoffs.choose(
                    Target.PURCHASE,
                    Duration.ofDays(2),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(Duration.ofDays(7)),
                    Optional.of(times(log))))
        .hasMessageContaining("--step 7d leaves a single cutoff")
        .hasMessageContaining("give --step 12h or shorter");
  }

  @Test
  void theStepIsTheLongestGivingEightIntervals() {
    assertThat(DefaultCutoffs.stepFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(1));
    assertThat(DefaultCutoffs.stepFor(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(15));
    assertThat(DefaultCutoffs.stepFor(Duration.ofDays(8))).isEqualTo(Duration.ofDays(1));
    assertThat(DefaultCutoffs.stepFor(Duration.ofDays(30))).isEqualTo(Duration.ofDays(2));
    assertThat(DefaultCutoffs.stepFor(Duration.ofDays(3650))).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void lastCutoffsSitOnWholeMultiplesOfTheStep() {
    Instant t = Instant.parse("2017-11-27T13:47:12Z");
    assertThat(DefaultCutoffs.alignDown(t, Duration.ofMinutes(10)))
        .isEqualTo(Instant.parse("2017-11-27T13:40:00Z"));
    assertThat(DefaultCutoffs.alignDown(t, Duration.ofDays(1)))
        .isEqualTo(Instant.parse("2017-11-27T00:00:00Z"));
    assertThat(DefaultCutoffs.alignDown(t, Duration.ofDays(7)))
        .isEqualTo(Instant.parse("2017-11-27T00:00:00Z"));
    assertThat(DefaultCutoffs.alignDown(t, Duration.ofMinutes(7)))
        .isEqualTo(Instant.parse("2017-11-27T13:47:00Z"));
  }

  private static DefaultCutoffs.Choice choose(Target target, Duration horizon, List<Instant> log) {
    return DefaultCutoffs.choose(
        target,
        horizon,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(times(log)));
  }

  /** Event times from {@code from} to {@code to} inclusive, every {@code step}. */
  private static List<Instant> every(Duration step, Instant from, Instant to) {
    List<Instant> out = new ArrayList<>();
    for (Instant t = from; !t.isAfter(to); t = t.plus(step)) {
      out.add(t);
    }
    return out;
  }

  /** The quantiles feature-service reports for these times (nearest rank). */
  static DefaultCutoffs.EventTimes times(List<Instant> events) {
    List<Instant> sorted = events.stream().sorted().toList();
    List<Instant> permilles = new ArrayList<>();
    for (int k = 0; k <= 1000; k++) {
      long rank = -Math.floorDiv(-(long) k * sorted.size(), 1000L);
      permilles.add(sorted.get((int) Math.max(0, rank - 1)));
    }
    return new DefaultCutoffs.EventTimes(sorted.size(), permilles);
  }
}
