package io.propensity.training.pipeline;

/**
 * Receives progress of a training run. Called from pipeline worker threads (trials run
 * concurrently), so implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface ProgressListener {
  void onProgress(Progress progress);

  /** A listener that ignores everything. */
  static ProgressListener none() {
    return p -> {};
  }
}
