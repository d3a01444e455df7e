package io.propensity.training.registry;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A watch's changes waiting for their watcher. The registry calls a listener on its feed thread,
 * which must not wait for a slow client: this listener queues, and the watcher takes the changes at
 * its own pace. A watcher that falls more than {@code limit} messages behind is ended (it then
 * resynchronises from the current state) rather than buffered without bound.
 */
public final class WatchBacklog implements WatchListener {
  private final int limit;
  private final BlockingQueue<Changes> backlog;
  private final AtomicReference<Ended> end = new AtomicReference<>();

  /** A backlog of at most {@code limit} messages. */
  public WatchBacklog(int limit) {
    this.limit = limit;
    this.backlog = new LinkedBlockingQueue<>(limit);
  }

  /** What a watcher takes from the backlog. */
  public sealed interface Event permits Changes, Ended {}

  /** One message for the watcher: the initial state (possibly empty), or one change. */
  public record Changes(List<AliasChange> changes) implements Event {
    public Changes {
      changes = List.copyOf(changes);
    }
  }

  /**
   * The watch is over; nothing follows.
   *
   * @param reason why
   * @param message what the watcher should be told
   */
  public record Ended(Reason reason, String message) implements Event {
    public Ended {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    /** The end of every watch when the service stops. */
    public static Ended shuttingDown() {
      return new Ended(
          Reason.SHUTTING_DOWN,
          "the training service is shutting down; reconnect with send_initial_state = true");
    }
  }

  /** Why a watch ended. */
  public enum Reason {
    /** The registry (or the service around it) is stopping. */
    SHUTTING_DOWN,
    /** The watcher did not keep up with the changes. */
    FELL_BEHIND
  }

  @Override
  public void onInitialState(List<AliasChange> aliases) {
    enqueue(new Changes(aliases));
  }

  @Override
  public void onChange(AliasChange change) {
    enqueue(new Changes(List.of(change)));
  }

  @Override
  public void onClosed() {
    end.compareAndSet(null, Ended.shuttingDown());
  }

  private void enqueue(Changes message) {
    if (end.get() == null && !backlog.offer(message)) {
      end.compareAndSet(
          null,
          new Ended(
              Reason.FELL_BEHIND,
              "this watcher fell more than "
                  + limit
                  + " changes behind; reconnect with send_initial_state = true"));
    }
  }

  /**
   * The next message, waiting up to {@code timeout} for one; the end once the watch has ended and
   * every message before it was taken; empty when nothing came in time.
   */
  public Optional<Event> poll(Duration timeout) throws InterruptedException {
    Changes next = backlog.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return next != null ? Optional.of(next) : Optional.ofNullable(end.get());
  }
}
