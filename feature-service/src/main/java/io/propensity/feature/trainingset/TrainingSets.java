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
  public static final Duration MIN_HORIZON = Duration.ofHours(1);
  public static final Duration MAX_HORIZON = Duration.ofDays(365);
  public static final Duration MIN_STEP = Duration.ofHours(1);

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
   * Validates {@code spec} and resolves its cutoffs.
   *
   * @throws InvalidInputException naming every bad field
   * @throws FailedPreconditionException when the store has no events, or a cutoff's label window
   *     runs past the newest stored event (its labels would be incomplete)
   */
  public TrainingSetPlan plan(TrainingSetSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    Target target = spec.target().orElse(null);
    if (target == null) {
      errors.add(
          new FieldError("spec.target", "is required (PURCHASE, CHURN or SESSION_CONVERSION)"));
    }
    boolean needsHorizon = target != Target.SESSION_CONVERSION;
    Duration horizon = spec.horizon().orElse(null);
    if (needsHorizon && target != null) {
      if (horizon == null) {
        errors.add(new FieldError("spec.horizon", "is required for " + target));
      } else if (horizon.compareTo(MIN_HORIZON) < 0 || horizon.compareTo(MAX_HORIZON) > 0) {
        errors.add(new FieldError("spec.horizon", horizon + " is outside 1 hour to 365 days"));
      }
    }
    List<Instant> cutoffs = new ArrayList<>();
    if (!spec.explicitCutoffs().isEmpty() && spec.rolling().isPresent()) {
      errors.add(
          new FieldError("spec.cutoffs", "give explicit cutoffs or a rolling range, not both"));
    } else if (spec.rolling().isPresent()) {
      TrainingSetSpec.Rolling r = spec.rolling().get();
      if (r.step().compareTo(MIN_STEP) < 0) {
        errors.add(
            new FieldError("spec.rolling_cutoffs.step", r.step() + " is shorter than 1 hour"));
      } else if (r.end().isBefore(r.start())) {
        errors.add(
            new FieldError("spec.rolling_cutoffs.end", r.end() + " is before start " + r.start()));
      } else {
        long n = Duration.between(r.start(), r.end()).dividedBy(r.step()) + 1;
        if (n > MAX_CUTOFFS) {
          errors.add(
              new FieldError(
                  "spec.rolling_cutoffs", n + " cutoffs, at most " + MAX_CUTOFFS + " allowed"));
        } else {
          cutoffs.addAll(Cutoffs.rolling(r.start(), r.end(), r.step()));
        }
      }
    } else if (!spec.explicitCutoffs().isEmpty()) {
      TreeSet<Instant> distinct = new TreeSet<>(spec.explicitCutoffs());
      if (distinct.size() > MAX_CUTOFFS) {
        errors.add(
            new FieldError(
                "spec.explicit_cutoffs.cutoffs",
                distinct.size() + " cutoffs, at most " + MAX_CUTOFFS + " allowed"));
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
      errors.add(new FieldError("spec.sample_limit", spec.sampleLimit() + " is negative"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException("invalid training set spec: " + errors.get(0), errors);
    }

    EventStore.StoreStatistics stats = store.statistics();
    Instant newest =
        stats
            .lastEventAt()
            .orElseThrow(
                () ->
                    new FailedPreconditionException(
                        "the event store is empty: ingest events first"));
    Instant last = cutoffs.get(cutoffs.size() - 1);
    if (needsHorizon && last.plus(horizon).isAfter(newest)) {
      throw new FailedPreconditionException(
          "cutoff "
              + last
              + " + horizon "
              + horizon
              + " runs past the newest stored event "
              + newest
              + ": its labels would be incomplete; use cutoffs up to "
              + newest.minus(horizon));
    }
    LabelDefinition definition =
        switch (target) {
          case PURCHASE -> LabelDefinition.purchase(horizon);
          case CHURN -> LabelDefinition.churn(horizon);
          case SESSION_CONVERSION -> LabelDefinition.sessionConversion();
        };
    return new TrainingSetPlan(
        definition,
        cutoffs,
        new ArrayList<>(new TreeSet<>(spec.userIds())),
        spec.sampleLimit(),
        spec.seed());
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
