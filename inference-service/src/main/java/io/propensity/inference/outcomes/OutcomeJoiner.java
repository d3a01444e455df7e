package io.propensity.inference.outcomes;

import io.propensity.inference.outcomes.OutcomeStore.Joined;
import io.propensity.inference.outcomes.OutcomeStore.Mark;
import io.propensity.inference.outcomes.OutcomeStore.Served;
import io.propensity.inference.outcomes.OutcomeStore.VersionKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins served predictions to their outcomes: for each model version, pages the log by served time
 * from the version's watermark up to now − horizon − lag, asks the outcome source (feature-service,
 * with the training-set labeler) for each answer's outcome, stores the final ones and moves the
 * watermark past them. A not-yet-final outcome stops the version's pass (it is asked again next
 * time); a version without a target and horizon in its lineage is skipped, said once in the log.
 */
public final class OutcomeJoiner {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeJoiner.class);

  private final OutcomeStore store;
  private final OutcomeSource source;
  private final LabelSpecSource specs;
  private final Duration lag;
  private final int batchSize;
  private final Clock clock;
  private final Set<VersionKey> saidMissing = ConcurrentHashMap.newKeySet();
  private final Map<VersionKey, Instant> joinedUntil = new ConcurrentHashMap<>();

  public OutcomeJoiner(
      OutcomeStore store,
      OutcomeSource source,
      LabelSpecSource specs,
      Duration lag,
      int batchSize,
      Clock clock) {
    this.store = store;
    this.source = source;
    this.specs = specs;
    this.lag = lag;
    this.batchSize = batchSize;
    this.clock = clock;
  }

  /** What one pass did. */
  public record Pass(long joined, long positives, List<VersionKey> skipped) {}

  /** One pass over every served version; {@code joined} hears each stored batch. */
  public synchronized Pass runOnce(Consumer<List<Joined>> joined) {
    Instant now = clock.instant();
    long total = 0;
    long positives = 0;
    List<VersionKey> skipped = new ArrayList<>();
    for (VersionKey version : store.servedVersions()) {
      LabelSpecSource.Resolution r = specs.labelSpec(version.modelName(), version.version());
      if (r instanceof LabelSpecSource.Missing m) {
        skipped.add(version);
        if (saidMissing.add(version)) {
          LOG.warn(
              "outcomes of {} version {} are not joined: {}",
              version.modelName(),
              version.version(),
              m.reason());
        }
        continue;
      }
      LabelSpec spec = ((LabelSpecSource.Found) r).spec();
      Instant until = now.minus(spec.horizon()).minus(lag);
      Mark mark = store.watermark(version).orElse(Mark.START);
      while (true) {
        List<Served> page = store.servedAfter(version, mark, until, batchSize);
        if (page.isEmpty()) {
          break;
        }
        List<Served> withUser = page.stream().filter(s -> s.userId().isPresent()).toList();
        List<OutcomeStatus> statuses =
            withUser.isEmpty()
                ? List.of()
                : source.outcomes(
                    spec,
                    withUser.stream()
                        .map(s -> new OutcomeSource.Query(s.userId().get(), s.servedAt()))
                        .toList());
        List<Joined> batch = new ArrayList<>();
        Mark last = mark;
        boolean stopped = false;
        int k = 0;
        for (Served s : page) {
          if (s.userId().isPresent()) {
            OutcomeStatus status = statuses.get(k++);
            if (!status.isFinal()) {
              stopped = true;
              break;
            }
            batch.add(
                new Joined(
                    s.key(),
                    version.modelName(),
                    status,
                    s.servedAt().plus(spec.horizon()).plus(lag)));
            if (status == OutcomeStatus.POSITIVE) {
              positives++;
            }
          }
          last = s.mark();
        }
        store.upsert(batch);
        if (last.compareTo(mark) > 0) {
          store.advance(version, last, now);
          mark = last;
        }
        total += batch.size();
        joined.accept(batch);
        if (stopped || page.size() < batchSize) {
          break;
        }
      }
      if (mark != Mark.START) {
        joinedUntil.put(version, OutcomeStoreTimes.fromMicros(mark.servedAtMicros()));
      }
    }
    return new Pass(total, positives, skipped);
  }

  /**
   * Per version, the served time up to which outcomes are joined (after a pass of this replica).
   */
  public Map<VersionKey, Instant> joinedUntil() {
    return Map.copyOf(joinedUntil);
  }
}
