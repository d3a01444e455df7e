package io.propensity.feature.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Running totals over the batches of one ingest stream. Counts stay exact; only the first {@code
 * maxListed} rejections and conflicts are kept (with indexes counted over the whole stream), so a
 * long stream of bad events cannot exhaust memory.
 */
public final class IngestTally {
  private final int maxListed;
  private final List<IngestOutcome.Rejection> listed = new ArrayList<>();
  private final List<IngestOutcome.Conflict> listedConflicts = new ArrayList<>();
  private long accepted;
  private long duplicates;
  private long rejected;
  private long conflicts;
  private long events;
  private long batches;

  public IngestTally(int maxListed) {
    this.maxListed = maxListed;
  }

  /** Adds the outcome of the next batch, which carried {@code batchSize} events. */
  public void add(IngestOutcome o, int batchSize) {
    accepted += o.accepted();
    duplicates += o.duplicates();
    rejected += o.rejected().size();
    for (IngestOutcome.Rejection r : o.rejected()) {
      if (listed.size() < maxListed) {
        listed.add(
            new IngestOutcome.Rejection((int) (r.index() + events), r.eventId(), r.violations()));
      }
    }
    conflicts += o.conflicts().size();
    for (IngestOutcome.Conflict c : o.conflicts()) {
      if (listedConflicts.size() < maxListed) {
        listedConflicts.add(
            new IngestOutcome.Conflict((int) (c.index() + events), c.eventId(), c.fields()));
      }
    }
    events += batchSize;
    batches++;
  }

  public long accepted() {
    return accepted;
  }

  public long duplicates() {
    return duplicates;
  }

  public long rejected() {
    return rejected;
  }

  public long conflicts() {
    return conflicts;
  }

  /** The first conflicts, in stream order. */
  public List<IngestOutcome.Conflict> listedConflicts() {
    return List.copyOf(listedConflicts);
  }

  public long batches() {
    return batches;
  }

  /** The first rejections, in stream order. */
  public List<IngestOutcome.Rejection> listedRejections() {
    return List.copyOf(listed);
  }
}
