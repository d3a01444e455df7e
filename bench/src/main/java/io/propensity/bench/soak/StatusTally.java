package io.propensity.bench.soak;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.propensity.bench.support.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The status of every call of a soak, by kind of call: the report's calls table, and the {@code
 * INTERNAL}/{@code UNKNOWN} answers (server faults, which must not happen) with their first
 * descriptions.
 */
final class StatusTally {
  private static final int KEPT_FAULTS = 20;

  private final ConcurrentMap<String, ConcurrentMap<Status.Code, LongAdder>> counts =
      new ConcurrentHashMap<>();
  private final LongAdder faults = new LongAdder();
  private final List<String> firstFaults = new ArrayList<>();

  /**
   * Runs {@code call}, counts its status under {@code kind}, and returns its result (null when it
   * failed). Exceptions that carry no status are the driver's own bugs and are rethrown.
   */
  <T> T call(String kind, Supplier<T> call) {
    try {
      T result = call.get();
      record(kind, Status.OK, null);
      return result;
    } catch (RuntimeException e) {
      // a client helper may wrap the call's status in its own exception
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof StatusRuntimeException s) {
          record(kind, s.getStatus(), e);
          return null;
        }
      }
      throw e;
    }
  }

  /** Counts a status that was not thrown (a stream's end, a cancelled call's close). */
  void record(String kind, Status status, Throwable cause) {
    counts
        .computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(status.getCode(), c -> new LongAdder())
        .increment();
    if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN) {
      faults.increment();
      synchronized (firstFaults) {
        if (firstFaults.size() < KEPT_FAULTS) {
          firstFaults.add(kind + ": " + status + (cause == null ? "" : " (" + cause + ")"));
        }
      }
    }
  }

  long faults() {
    return faults.sum();
  }

  List<String> firstFaults() {
    synchronized (firstFaults) {
      return List.copyOf(firstFaults);
    }
  }

  long total() {
    long n = 0;
    for (Map<Status.Code, LongAdder> byCode : counts.values()) {
      for (LongAdder a : byCode.values()) {
        n += a.sum();
      }
    }
    return n;
  }

  /** One row per kind of call: its count and how many ended in each status. */
  Table table(double seconds) {
    Table t = new Table("calls by kind and status", "kind", "calls", "calls/s", "statuses");
    Map<String, Map<Status.Code, LongAdder>> sorted = new TreeMap<>(counts);
    for (Map.Entry<String, Map<Status.Code, LongAdder>> e : sorted.entrySet()) {
      long n = 0;
      StringBuilder statuses = new StringBuilder();
      for (Map.Entry<Status.Code, LongAdder> c : new TreeMap<>(e.getValue()).entrySet()) {
        n += c.getValue().sum();
        if (statuses.length() > 0) {
          statuses.append(", ");
        }
        statuses.append(c.getKey()).append(' ').append(Table.count(c.getValue().sum()));
      }
      t.row(e.getKey(), Table.count(n), Table.rate(n / seconds), statuses.toString());
    }
    return t;
  }
}
