package io.propensity.feature.ingest;

import io.propensity.engine.event.Event;
import io.propensity.engine.event.FieldViolation;
import java.util.List;

/**
 * What happened to a batch: how many events were stored (and so acknowledged), how many were
 * duplicates of stored ones, and why each rejected event was refused.
 *
 * @param accepted events newly stored by this request
 * @param duplicates events whose id was already stored (or repeated within the request) with the
 *     same content
 * @param rejected refused events, by their position in the request
 * @param conflicts events not stored because their id is taken by an event with other content, by
 *     their position in the request
 * @param stored the newly stored events themselves, in request order
 */
public record IngestOutcome(
    int accepted,
    int duplicates,
    List<Rejection> rejected,
    List<Conflict> conflicts,
    List<Event> stored) {
  public IngestOutcome {
    rejected = List.copyOf(rejected);
    conflicts = List.copyOf(conflicts);
    stored = List.copyOf(stored);
  }

  /**
   * One refused event: its index in the request (0-based), its id if it had one, and the reasons.
   */
  public record Rejection(int index, String eventId, List<FieldViolation> violations) {
    public Rejection {
      violations = List.copyOf(violations);
    }
  }

  /**
   * One event whose id was already taken by an event with other content: its index in the request
   * (0-based), the id, and the contract names of the fields that differ.
   */
  public record Conflict(int index, String eventId, List<String> fields) {
    public Conflict {
      fields = List.copyOf(fields);
    }
  }

  /** Adds up two outcomes, shifting the indexes of {@code next} by {@code offset}. */
  public IngestOutcome plus(IngestOutcome next, int offset) {
    List<Rejection> all = new java.util.ArrayList<>(rejected);
    for (Rejection r : next.rejected()) {
      all.add(new Rejection(r.index() + offset, r.eventId(), r.violations()));
    }
    List<Conflict> allConflicts = new java.util.ArrayList<>(conflicts);
    for (Conflict c : next.conflicts()) {
      allConflicts.add(new Conflict(c.index() + offset, c.eventId(), c.fields()));
    }
    List<Event> allStored = new java.util.ArrayList<>(stored);
    allStored.addAll(next.stored());
    return new IngestOutcome(
        accepted + next.accepted(), duplicates + next.duplicates(), all, allConflicts, allStored);
  }

  /** Nothing ingested yet. */
  public static IngestOutcome empty() {
    return new IngestOutcome(0, 0, List.of(), List.of(), List.of());
  }
}
