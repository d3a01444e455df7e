package io.propensity.training.pipeline;

import java.time.Instant;
import java.util.Objects;

/**
 * Cooperative cancellation of a training run. The pipeline checks it between boosting iterations,
 * folds and trials; {@link #cancel()} is safe from any thread. A child token (see {@link
 * #withDeadline}) is cancelled when its parent is, or when its deadline passes.
 */
public final class CancellationToken {
  private final CancellationToken parent;
  private final Instant deadline;
  private volatile boolean cancelled;

  public CancellationToken() {
    this(null, null);
  }

  private CancellationToken(CancellationToken parent, Instant deadline) {
    this.parent = parent;
    this.deadline = deadline;
  }

  /** A token nobody will cancel. */
  public static CancellationToken none() {
    return new CancellationToken();
  }

  /** A child that is also cancelled once {@code deadline} has passed. */
  public CancellationToken withDeadline(Instant deadline) {
    return new CancellationToken(this, Objects.requireNonNull(deadline, "deadline"));
  }

  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled || (parent != null && parent.isCancelled()) || deadlinePassed();
  }

  /** Whether this token's own deadline (not an ancestor's cancellation) has passed. */
  public boolean deadlinePassed() {
    return deadline != null && !Instant.now().isBefore(deadline);
  }

  /** Throws {@link CancelledException} if cancelled or past the deadline. */
  public void throwIfCancelled() {
    if (isCancelled()) {
      boolean byUser = cancelled || (parent != null && parent.isCancelled());
      throw new CancelledException(byUser ? "training was cancelled" : "the time budget ran out");
    }
  }
}
