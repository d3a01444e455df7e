package io.propensity.feature.trainingset;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.engine.event.Event;
import io.propensity.engine.labels.Cutoffs;
import io.propensity.engine.labels.LabelDefinition;
import io.propensity.engine.labels.Target;
import io.propensity.engine.labels.TrainingRow;
import io.propensity.engine.labels.TrainingSetBuilder;
import io.propensity.feature.store.EventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Builds point-in-time training sets from the event store, one user at a time, with the batch path
 * of feature-engine: a row's features use only events at or before its cutoff, its label only
 * events after it.
 */
public final class TrainingSets {
  public static final int MAX_CUTOFFS = 1_000;
  public static final int MAX_USER_IDS = 100_000;

  /**
   * Most candidate rows (cutoffs × users) of a purchase or churn set: each user gets at most one
   * row per cutoff, and a consumer holds the rows in memory. Session conversion has no such bound
   * to check: its rows are in-session events, never more than the stored events.
   */
  public static final long MAX_CANDIDATE_ROWS = 50_000_000;

  public static final Duration MAX_HORIZON = Duration.ofDays(365);

  /** The shortest step of rolling cutoffs, for session-level targets on logs of a few hours. */
  public static final Duration MIN_STEP = Duration.ofMinutes(1);

  private final EventStore store;

  public TrainingSets(EventStore store) {
    this.store = store;
  }

  /** Receives the rows and progress of a build. */
  public interface RowSink {
    /** One row; rows come user by user, each user's in ascending cutoff order. */
    void row(TrainingRow row);

    /** Called after each user, with users done so far and the total to do. */
    default void progress(long usersDone, long usersTotal, long rows, long positives) {}
  }

  /**
   * Validates {@code spec} and resolves its cutoffs. The rules depend on the target: purchase and
   * churn need a horizon ({@link Target#minimumHorizon} to 365 days) and are bounded by cutoffs ×
   * users; session conversion ignores the horizon (its label is the rest of the session). Every
   * refusal names a value that would pass where one can be computed.
   *
   * @throws InvalidInputException naming every bad field
   * @throws FailedPreconditionException when the store has no events, or a cutoff's label window
   *     (the horizon; for session conversion the 30-minute session gap) runs past the newest stored
   *     event (its labels would be incomplete)
   */
  public TrainingSetPlan plan(TrainingSetSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    Target target = spec.target().orElse(null);
    if (target == null) {
      errors.add(
          new FieldError("spec.target", "is required (PURCHASE, CHURN or SESSION_CONVERSION)"));
    }
    Duration horizon = spec.horizon().orElse(null);
    if (target != null && target.usesHorizon()) {
      checkHorizon(target, horizon, errors);
    }
    List<Instant> cutoffs = new ArrayList<>();
    String cutoffsField = "spec.rolling_cutoffs";
    if (!spec.explicitCutoffs().isEmpty() && spec.rolling().isPresent()) {
      errors.add(
          new FieldError("spec.cutoffs", "give explicit cutoffs or a rolling range, not both"));
    } else if (spec.rolling().isPresent()) {
      cutoffs.addAll(rolling(spec.rolling().get(), errors));
    } else if (!spec.explicitCutoffs().isEmpty()) {
      cutoffsField = "spec.explicit_cutoffs.cutoffs";
      TreeSet<Instant> distinct = new TreeSet<>(spec.explicitCutoffs());
      if (distinct.size() > MAX_CUTOFFS) {
        errors.add(
            new FieldError(
                cutoffsField,
                String.format(
                    Locale.ROOT,
                    "%,d distinct cutoffs, at most %,d allowed; give fewer, or a rolling range",
                    distinct.size(),
                    MAX_CUTOFFS)));
      }
      cutoffs.addAll(distinct);
    } else {
      errors.add(
          new FieldError("spec.cutoffs", "is required: explicit cutoffs or a rolling range"));
    }
    if (spec.userIds().size() > MAX_USER_IDS) {
      errors.add(
          new FieldError(
              "spec.user_filter.user_ids",
              spec.userIds().size() + " ids, at most " + MAX_USER_IDS));
    }
    for (int i = 0; i < spec.userIds().size(); i++) {
      String id = spec.userIds().get(i);
      if (id.isBlank() || id.length() > 128) {
        errors.add(
            new FieldError(
                "spec.user_filter.user_ids[" + i + "]", "must have 1 to 128 characters"));
      }
    }
    if (spec.sampleLimit() < 0) {
      errors.add(
          new FieldError(
              "spec.sample_limit", spec.sampleLimit() + " is negative; use 0 (all rows) or more"));
    }
    refuseIfAny(errors);

    EventStore.StoreStatistics stats = store.statistics();
    Instant newest =
        stats
            .lastEventAt()
            .orElseThrow(
                () ->
                    new FailedPreconditionException(
                        "the event store is empty: ingest events first"));
    List<String> userIds = new ArrayList<>(new TreeSet<>(spec.userIds()));
    if (target.usesHorizon()) {
      long users = userIds.isEmpty() ? stats.users() : userIds.size();
      checkCandidateRows(cutoffsField, spec, cutoffs, users, errors);
      refuseIfAny(errors);
    }
    Duration reach = target.labelReach(horizon);
    Instant last = cutoffs.get(cutoffs.size() - 1);
    if (last.plus(reach).isAfter(newest)) {
      throw new FailedPreconditionException(
          "cutoff "
              + last
              + (target.usesHorizon()
                  ? " + horizon " + Cutoffs.format(reach)
                  : " + the " + Cutoffs.format(reach) + " session gap")
              + " runs past the newest stored event "
              + newest
              + ": "
              + (target.usesHorizon()
                  ? "its labels would be incomplete"
                  : "a session in progress then could still convert after the log ends")
              + "; use cutoffs up to "
              + newest.minus(reach)
              + (target.usesHorizon() ? " or a shorter horizon" : ""));
    }
    LabelDefinition definition =
        switch (target) {
          case PURCHASE -> LabelDefinition.purchase(horizon);
          case CHURN -> LabelDefinition.churn(horizon);
          case SESSION_CONVERSION -> LabelDefinition.sessionConversion();
        };
    return new TrainingSetPlan(definition, cutoffs, userIds, spec.sampleLimit(), spec.seed());
  }

  private static void checkHorizon(Target target, Duration horizon, List<FieldError> errors) {
    Duration min = target.minimumHorizon();
    String range = " (" + Cutoffs.format(min) + " to " + Cutoffs.format(MAX_HORIZON) + ")";
    if (horizon == null || horizon.isZero()) {
      errors.add(
          new FieldError(
              "spec.horizon",
              "is required for " + target + ": the label window after each cutoff" + range));
    } else if (horizon.compareTo(min) < 0) {
      errors.add(
          new FieldError(
              "spec.horizon",
              Cutoffs.format(horizon)
                  + " is shorter than "
                  + Cutoffs.format(min)
                  + ", the shortest "
                  + target
                  + " horizon"
                  + (target == Target.CHURN
                      ? " (a shorter silence is a pause between clicks, not a churn)"
                      : "")
                  + "; use "
                  + Cutoffs.format(min)
                  + " or more"));
    } else if (horizon.compareTo(MAX_HORIZON) > 0) {
      errors.add(
          new FieldError(
              "spec.horizon",
              Cutoffs.format(horizon)
                  + " is longer than "
                  + Cutoffs.format(MAX_HORIZON)
                  + "; use at most "
                  + Cutoffs.format(MAX_HORIZON)));
    }
  }

  private static List<Instant> rolling(TrainingSetSpec.Rolling r, List<FieldError> errors) {
    if (r.step().compareTo(MIN_STEP) < 0) {
      errors.add(
          new FieldError(
              "spec.rolling_cutoffs.step",
              Cutoffs.format(r.step())
                  + " is shorter than "
                  + Cutoffs.format(MIN_STEP)
                  + ", the shortest step; use "
                  + Cutoffs.format(MIN_STEP)
                  + " or more"));
      return List.of();
    }
    if (r.end().isBefore(r.start())) {
      errors.add(
          new FieldError(
              "spec.rolling_cutoffs.end",
              r.end() + " is before start " + r.start() + "; give an end at or after the start"));
      return List.of();
    }
    long n = Cutoffs.count(r.start(), r.end(), r.step());
    if (n > MAX_CUTOFFS) {
      errors.add(
          new FieldError(
              "spec.rolling_cutoffs.step",
              String.format(
                  Locale.ROOT,
                  "%s from %s to %s gives %,d cutoffs, at most %,d allowed; use a step of %s or"
                      + " more, or a shorter range",
                  Cutoffs.format(r.step()),
                  r.start(),
                  r.end(),
                  n,
                  MAX_CUTOFFS,
                  Cutoffs.format(stepFor(Duration.between(r.start(), r.end()), MAX_CUTOFFS)))));
      return List.of();
    }
    return Cutoffs.rolling(r.start(), r.end(), r.step());
  }

  /**
   * Purchase and churn: at most one row per user and cutoff, so cutoffs × users bounds the rows;
   * past {@link #MAX_CANDIDATE_ROWS} the set is refused with the changes that would fit.
   */
  private static void checkCandidateRows(
      String field,
      TrainingSetSpec spec,
      List<Instant> cutoffs,
      long users,
      List<FieldError> errors) {
    long candidates = (long) cutoffs.size() * users;
    if (candidates <= MAX_CANDIDATE_ROWS) {
      return;
    }
    long fittingCutoffs = Math.max(1, MAX_CANDIDATE_ROWS / Math.max(1, users));
    StringBuilder what =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%,d cutoffs x %,d users = %,d candidate rows, more than the %,d allowed; use at"
                    + " most %,d cutoffs",
                cutoffs.size(),
                users,
                candidates,
                MAX_CANDIDATE_ROWS,
                fittingCutoffs));
    if (spec.rolling().isPresent() && cutoffs.size() > 1) {
      TrainingSetSpec.Rolling r = spec.rolling().get();
      what.append(" (a step of ")
          .append(
              Cutoffs.format(stepFor(Duration.between(r.start(), r.end()), (int) fittingCutoffs)))
          .append(" or more, or a shorter range)");
    }
    what.append(
        String.format(
            Locale.ROOT,
            ", or restrict the users (at most %,d with these cutoffs)",
            MAX_CANDIDATE_ROWS / cutoffs.size()));
    errors.add(new FieldError(field, what.toString()));
  }

  /**
   * The shortest whole-minute step that keeps a range of {@code span} to at most {@code maxCutoffs}
   * cutoffs.
   */
  static Duration stepFor(Duration span, int maxCutoffs) {
    if (maxCutoffs <= 1) {
      return span.plus(MIN_STEP);
    }
    long perGapMillis = -Math.floorDiv(-span.toMillis(), maxCutoffs - 1);
    return Duration.ofMinutes(Math.max(1, -Math.floorDiv(-perGapMillis, 60_000L)));
  }

  private static void refuseIfAny(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw new InvalidInputException("invalid training set spec: " + errors.get(0), errors);
    }
  }

  /**
   * Builds the set of {@code plan} into {@code sink}, stopping early (returning what was done) when
   * {@code cancelled} turns true.
   */
  public TrainingSetSummary build(TrainingSetPlan plan, RowSink sink, BooleanSupplier cancelled) {
    long start = System.nanoTime();
    TrainingSetBuilder builder = new TrainingSetBuilder(plan.definition());
    long usersTotal = plan.userIds().isEmpty() ? store.statistics().users() : plan.userIds().size();
    Optional<Long> keepBelow = Optional.empty();
    if (plan.sampleLimit() > 0) {
      keepBelow = sampleThreshold(plan, builder, cancelled);
    }
    long[] totals = new long[3]; // rows, positives, users with rows
    long[] done = new long[1];
    Optional<Long> threshold = keepBelow;
    forEachHistory(
        plan,
        cancelled,
        history -> {
          boolean any = false;
          for (TrainingRow row : builder.build(history, plan.cutoffs())) {
            if (threshold.isPresent() && rank(row, plan.seed()) > threshold.get()) {
              continue;
            }
            sink.row(row);
            totals[0]++;
            if (row.label()) {
              totals[1]++;
            }
            any = true;
          }
          if (any) {
            totals[2]++;
          }
          done[0]++;
          sink.progress(done[0], usersTotal, totals[0], totals[1]);
        });
    return new TrainingSetSummary(
        totals[0],
        totals[1],
        totals[2],
        plan.cutoffs().size(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * First pass when a sample limit applies: the rank below which exactly {@code sampleLimit} rows
   * fall (a seeded hash of user and cutoff), or empty when all rows fit.
   */
  private Optional<Long> sampleThreshold(
      TrainingSetPlan plan, TrainingSetBuilder builder, BooleanSupplier cancelled) {
    long[][] ranks = {new long[1024]};
    int[] n = new int[1];
    forEachHistory(
        plan,
        cancelled,
        history -> {
          for (TrainingRow row : builder.build(history, plan.cutoffs())) {
            if (n[0] == ranks[0].length) {
              ranks[0] = Arrays.copyOf(ranks[0], ranks[0].length * 2);
            }
            ranks[0][n[0]++] = rank(row, plan.seed());
          }
        });
    if (n[0] <= plan.sampleLimit()) {
      return Optional.empty();
    }
    long[] sorted = Arrays.copyOf(ranks[0], n[0]);
    Arrays.sort(sorted);
    return Optional.of(sorted[(int) plan.sampleLimit() - 1]);
  }

  private void forEachHistory(
      TrainingSetPlan plan, BooleanSupplier cancelled, Consumer<List<Event>> each) {
    if (plan.userIds().isEmpty()) {
      store.forEachUser(
          h -> {
            if (!cancelled.getAsBoolean()) {
              each.accept(h.events());
            }
          });
    } else {
      for (String user : new HashSet<>(plan.userIds()).stream().sorted().toList()) {
        if (cancelled.getAsBoolean()) {
          return;
        }
        List<Event> history = store.history(user);
        if (!history.isEmpty()) {
          each.accept(history);
        }
      }
    }
  }

  /** A seeded, well-mixed 63-bit rank of a row; the same row always gets the same rank. */
  static long rank(TrainingRow row, long seed) {
    long h = seed * 0x9E3779B97F4A7C15L;
    h = mix(h ^ row.userId().hashCode());
    h = mix(h ^ row.cutoff().toEpochMilli());
    h = mix(h ^ row.sessionId().map(String::hashCode).orElse(0));
    return h >>> 1;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
