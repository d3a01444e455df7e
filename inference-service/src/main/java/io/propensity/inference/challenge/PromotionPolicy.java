package io.propensity.inference.challenge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.propensity.inference.outcomes.LabeledPrediction;
import io.propensity.inference.outcomes.LabeledPredictions;
import io.propensity.runtime.metrics.ConfidenceInterval;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a challenger that wins on live outcomes and rolls back a production version that loses
 * to the one it replaced. One run of {@link #decide} per model:
 *
 * <ol>
 *   <li><b>Rollback check.</b> When alias {@code previous} points at a version other than
 *       production's, production's answers are paired with {@code previous}'s shadow answers to the
 *       same rows served in the window (every production answer of that version was necessarily
 *       served after its promotion). With at least the minimum pairs and positives, when the upper
 *       bound of the interval of {@code production − previous} on the metric is below 0 (production
 *       significantly worse at the configured significance), production is moved back to {@code
 *       previous} (guarded: only if production still points at the version judged) and the bad
 *       version is marked by alias {@code rejected}.
 *   <li><b>Promotion check.</b> Production's answers are paired with the challenger's shadow
 *       answers in the window. Fewer pairs or positives than the minimums: {@code not_enough_data}.
 *       When the lower bound of the interval of {@code challenger − production} exceeds the margin,
 *       production is moved to the challenger (guarded by the version compared) and {@code
 *       previous} to the version it replaced; otherwise {@code hold}. A version {@code rejected}
 *       points at is never promoted again by the policy.
 * </ol>
 *
 * <p>Every move is a compare-and-set in the registry, so when several replicas run the policy only
 * the first move applies; the others get {@code conflict} and find on their next run that there is
 * nothing left to do. Decisions are idempotent: deciding again on the same answers and aliases
 * decides {@code hold} once the change is made.
 */
public final class PromotionPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(PromotionPolicy.class);

  private final LabeledPredictions outcomes;
  private final ModelAliases aliases;
  private final PromotionSettings settings;
  private final Clock clock;
  private final Map<DecisionKind, Counter> counters = new EnumMap<>(DecisionKind.class);
  private final Map<String, PromotionDecision> latest = new ConcurrentHashMap<>();
  private final Optional<DecisionHistory> history;
  private final String replica;
  private final Duration runInterval;
  private final Counter skipped;

  /** A policy whose decisions stay in this replica's memory (one replica, or tests). */
  public PromotionPolicy(
      LabeledPredictions outcomes,
      ModelAliases aliases,
      PromotionSettings settings,
      Clock clock,
      MeterRegistry meters) {
    this(
        outcomes, aliases, settings, clock, meters, Optional.empty(), "local", Duration.ofHours(1));
  }

  /**
   * A policy whose decisions are recorded in {@code history}, shared by replicas: {@link
   * #decideIfClaimed} decides only the runs (time slots of {@code runInterval}) this replica claims
   * there, and {@link #latest} and {@link #history} read every replica's decisions.
   *
   * @param replica this replica's name in the history
   * @param runInterval the length of one run's slot (the scheduler's interval)
   */
  public PromotionPolicy(
      LabeledPredictions outcomes,
      ModelAliases aliases,
      PromotionSettings settings,
      Clock clock,
      MeterRegistry meters,
      Optional<DecisionHistory> history,
      String replica,
      Duration runInterval) {
    if (runInterval.isNegative() || runInterval.isZero()) {
      throw new IllegalArgumentException("interval is " + runInterval + "; expected > 0");
    }
    this.history = Objects.requireNonNull(history, "history");
    this.replica = Objects.requireNonNull(replica, "replica");
    this.runInterval = runInterval;
    this.skipped =
        Counter.builder("propensity.promotion.runs.skipped")
            .description("Promotion runs left to the replica that claimed them first")
            .register(meters);
    this.outcomes = outcomes;
    this.aliases = aliases;
    this.settings = settings;
    this.clock = clock;
    for (DecisionKind kind : DecisionKind.values()) {
      counters.put(
          kind,
          Counter.builder("propensity.promotion.decisions")
              .description("Promotion policy decisions, by decision")
              .tag("decision", kind.tag())
              .register(meters));
    }
  }

  /** The rule this policy applies. */
  public PromotionSettings settings() {
    return settings;
  }

  /**
   * The latest decision for {@code model}: from the shared history when there is one (whichever
   * replica made it), else the latest made by this replica.
   */
  public Optional<PromotionDecision> latest(String model) {
    if (history.isPresent()) {
      return history.get().recent(model, 1).stream()
          .findFirst()
          .map(DecisionHistory.RecordedDecision::decision);
    }
    return Optional.ofNullable(latest.get(model));
  }

  /**
   * The newest {@code limit} decisions for {@code model}, newest first: the shared history when
   * there is one, else this replica's latest decision only.
   */
  public List<DecisionHistory.RecordedDecision> history(String model, int limit) {
    if (history.isPresent()) {
      return history.get().recent(model, limit);
    }
    PromotionDecision d = latest.get(model);
    if (d == null || limit < 1) {
      return List.of();
    }
    Optional<ConfidenceInterval> lead =
        (d.kind() == DecisionKind.ROLLBACK ? d.regression() : d.promotion())
            .map(c -> c.difference(settings.metric()));
    return List.of(
        new DecisionHistory.RecordedDecision(
            d,
            settings.metric(),
            lead.map(l -> OptionalDouble.of(l.estimate())).orElse(OptionalDouble.empty()),
            lead.map(l -> OptionalDouble.of(l.lower())).orElse(OptionalDouble.empty()),
            lead.map(l -> OptionalDouble.of(l.upper())).orElse(OptionalDouble.empty()),
            replica));
  }

  /** Whether decisions are kept in a history shared by replicas. */
  public boolean shared() {
    return history.isPresent();
  }

  /** Decides for {@code model} on the answers of the window that ends now, and applies it. */
  public PromotionDecision decide(String model) {
    Instant now = clock.instant();
    PromotionDecision decision = decideAt(model, now);
    counters.get(decision.kind()).increment();
    latest.put(model, decision);
    history.ifPresent(h -> record(h, decision));
    log(decision);
    return decision;
  }

  /**
   * One scheduled run for {@code model}: with a shared history, only the replica that claims the
   * current run (the slot {@code now / interval}) decides; the others return empty and leave the
   * model alone until the next run. Without one, decides like {@link #decide}.
   */
  public Optional<PromotionDecision> decideIfClaimed(String model) {
    if (history.isEmpty()) {
      return Optional.of(decide(model));
    }
    Instant now = clock.instant();
    long slot = Math.floorDiv(now.toEpochMilli(), runInterval.toMillis());
    if (!history.get().claim(model, slot, replica, now)) {
      skipped.increment();
      LOG.debug("promotion run model={} slot={} claimed by another replica", model, slot);
      return Optional.empty();
    }
    return Optional.of(decide(model));
  }

  private void record(DecisionHistory h, PromotionDecision decision) {
    try {
      h.record(decision, settings.metric(), replica);
    } catch (RuntimeException e) {
      LOG.warn(
          "promotion decision model={} decision={} not recorded in the shared history: {}",
          decision.model(),
          decision.kind().tag(),
          e.toString());
    }
  }

  private PromotionDecision decideAt(String model, Instant now) {
    OptionalLong production = aliases.version(model, settings.productionAlias());
    OptionalLong challenger = aliases.version(model, settings.challengerAlias());
    if (production.isEmpty()) {
      return decision(
          model,
          DecisionKind.NO_CHALLENGER,
          now,
          0,
          challenger,
          0,
          "no '" + settings.productionAlias() + "' alias",
          null,
          null);
    }
    long prod = production.getAsLong();
    List<LabeledPrediction> labeled =
        outcomes.servedBetween(model, now.minus(settings.window()), now);

    OptionalLong previous = aliases.version(model, settings.previousAlias());
    PairedComparison regression = null;
    if (previous.isPresent() && previous.getAsLong() != prod) {
      long prev = previous.getAsLong();
      List<PairedComparator.Pair> pairs =
          PairedComparator.pair(
              labeled,
              new ComparedSide(settings.previousAlias(), prev),
              new ComparedSide(settings.productionAlias(), prod));
      if (enough(pairs)) {
        regression =
            PairedComparator.comparePairs(
                    model,
                    pairs,
                    new ComparedSide(settings.previousAlias(), prev),
                    new ComparedSide(settings.productionAlias(), prod),
                    settings.comparison())
                .orElse(null);
      }
      if (regression != null) {
        ConfidenceInterval lead = regression.difference(settings.metric());
        if (lead.upper() < 0) {
          String why =
              String.format(
                  Locale.ROOT,
                  "production v%d is worse than v%d it replaced on %d paired live outcomes: %s"
                      + " difference %.4f, %s interval [%.4f, %.4f] below 0",
                  prod,
                  prev,
                  regression.pairs(),
                  settings.metric().name().toLowerCase(Locale.ROOT),
                  lead.estimate(),
                  percent(),
                  lead.lower(),
                  lead.upper());
          return moveProduction(
              model,
              now,
              prod,
              challenger,
              prev,
              settings.rejectedAlias(),
              DecisionKind.ROLLBACK,
              why,
              null,
              regression);
        }
      }
    }

    if (challenger.isEmpty()) {
      return decision(
          model,
          DecisionKind.NO_CHALLENGER,
          now,
          prod,
          challenger,
          prod,
          "no '" + settings.challengerAlias() + "' alias",
          null,
          regression);
    }
    long chal = challenger.getAsLong();
    if (chal == prod) {
      return decision(
          model,
          DecisionKind.HOLD,
          now,
          prod,
          challenger,
          prod,
          "the challenger is production (v" + prod + ")",
          null,
          regression);
    }
    OptionalLong rejected = aliases.version(model, settings.rejectedAlias());
    if (rejected.isPresent() && rejected.getAsLong() == chal) {
      return decision(
          model,
          DecisionKind.HOLD,
          now,
          prod,
          challenger,
          prod,
          "challenger v"
              + chal
              + " was rolled back before ('"
              + settings.rejectedAlias()
              + "'); point the challenger at a new version",
          null,
          regression);
    }
    ComparedSide prodSide = new ComparedSide(settings.productionAlias(), prod);
    ComparedSide chalSide = new ComparedSide(settings.challengerAlias(), chal);
    List<PairedComparator.Pair> pairs = PairedComparator.pair(labeled, prodSide, chalSide);
    if (!enough(pairs)) {
      return decision(
          model,
          DecisionKind.NOT_ENOUGH_DATA,
          now,
          prod,
          challenger,
          prod,
          String.format(
              Locale.ROOT,
              "%d paired live outcomes with %d positives; need %d and %d",
              pairs.size(),
              positives(pairs),
              settings.minPairs(),
              settings.minPositives()),
          null,
          regression);
    }
    PairedComparison comparison =
        PairedComparator.comparePairs(model, pairs, prodSide, chalSide, settings.comparison())
            .orElseThrow();
    ConfidenceInterval lead = comparison.difference(settings.metric());
    String numbers =
        String.format(
            Locale.ROOT,
            "%s difference %.4f, %s interval [%.4f, %.4f], margin %.4f, %d pairs",
            settings.metric().name().toLowerCase(Locale.ROOT),
            lead.estimate(),
            percent(),
            lead.lower(),
            lead.upper(),
            settings.margin(),
            comparison.pairs());
    if (!(lead.lower() > settings.margin())) {
      return decision(
          model,
          DecisionKind.HOLD,
          now,
          prod,
          challenger,
          prod,
          "challenger v" + chal + " does not win: " + numbers,
          comparison,
          regression);
    }
    return moveProduction(
        model,
        now,
        prod,
        challenger,
        chal,
        settings.previousAlias(),
        DecisionKind.PROMOTE,
        "challenger v" + chal + " wins: " + numbers,
        comparison,
        regression);
  }

  /**
   * Moves production from {@code prod} to {@code to}, guarded by {@code prod} (a replica that moved
   * it first makes this decision a conflict and nothing moves), then points {@code keepAlias} at
   * {@code prod}: {@code previous} after a promotion, {@code rejected} after a rollback.
   */
  private PromotionDecision moveProduction(
      String model,
      Instant now,
      long prod,
      OptionalLong challenger,
      long to,
      String keepAlias,
      DecisionKind kind,
      String why,
      PairedComparison promotion,
      PairedComparison regression) {
    try {
      aliases.move(model, settings.productionAlias(), to, prod);
    } catch (ModelAliases.AliasConflictException e) {
      String action = kind == DecisionKind.ROLLBACK ? "rollback" : "promotion";
      return decision(
          model,
          DecisionKind.CONFLICT,
          now,
          prod,
          challenger,
          prod,
          action + " not applied: " + e.getMessage(),
          promotion,
          regression);
    }
    aliases.move(model, keepAlias, prod, 0);
    return decision(model, kind, now, prod, challenger, to, why, promotion, regression);
  }

  private boolean enough(List<PairedComparator.Pair> pairs) {
    return pairs.size() >= settings.minPairs()
        && positives(pairs) >= settings.minPositives()
        && positives(pairs) < pairs.size();
  }

  private static int positives(List<PairedComparator.Pair> pairs) {
    int n = 0;
    for (PairedComparator.Pair p : pairs) {
      n += p.positive() ? 1 : 0;
    }
    return n;
  }

  private String percent() {
    return String.format(Locale.ROOT, "%.0f%%", 100 * (1 - settings.significance()));
  }

  private static PromotionDecision decision(
      String model,
      DecisionKind kind,
      Instant at,
      long production,
      OptionalLong challenger,
      long resulting,
      String reason,
      PairedComparison promotion,
      PairedComparison regression) {
    return new PromotionDecision(
        model,
        kind,
        at,
        production,
        challenger.orElse(0),
        resulting,
        reason,
        Optional.ofNullable(promotion),
        Optional.ofNullable(regression));
  }

  private static void log(PromotionDecision d) {
    LOG.info(
        "promotion decision model={} decision={} production={} challenger={} resulting_production={}"
            + " pairs={} reason=\"{}\"",
        d.model(),
        d.kind().tag(),
        d.productionVersion(),
        d.challengerVersion(),
        d.resultingProductionVersion(),
        d.promotion().or(d::regression).map(PairedComparison::pairs).orElse(0),
        d.reason());
  }
}
