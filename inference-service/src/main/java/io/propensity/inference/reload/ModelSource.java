package io.propensity.inference.reload;

import io.propensity.inference.serving.ModelDescriptor;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where model versions come from: the model registry. Every method fails with {@link
 * ModelSourceException} when the registry cannot answer.
 */
public interface ModelSource extends AutoCloseable {

  /** Names of every registered model. */
  List<String> modelNames();

  /**
   * The version an alias of a model points at; empty when the model or the alias does not exist.
   */
  OptionalLong aliasVersion(String name, String alias);

  /** Everything about one version, golden rows included. */
  ModelDescriptor describe(String name, long version);

  /**
   * The artifact of one version.
   *
   * @param maxBytes largest artifact accepted
   * @throws ModelRefusedException when the registry announces more than {@code maxBytes}
   */
  Artifact download(String name, long version, long maxBytes) throws ModelRefusedException;

  /**
   * The HTML training report of one version; empty when the version has none (or this source cannot
   * serve reports). Used for what the report carries besides the page, e.g. the drift reference.
   *
   * @param maxBytes largest report accepted; a larger one is empty too
   */
  default Optional<String> report(String name, long version, long maxBytes) {
    return Optional.empty();
  }

  /**
   * Opens a stream of alias changes of the named models (all when empty), starting with the current
   * aliases. The listener is called on transport threads; {@link WatchListener#ended} is called
   * once, when the stream fails or ends.
   */
  Watch watch(List<String> names, WatchListener listener);

  @Override
  void close();

  /** An open watch stream. */
  interface Watch {
    /** Closes the stream; the listener hears nothing more. */
    void cancel();
  }

  /** Hears a watch stream. */
  interface WatchListener {
    /** The current state of some aliases (the initial state, or one change). */
    void aliases(List<AliasUpdate> updates);

    /** The stream is over: failed (with the cause) or completed by the registry. */
    void ended(Optional<Throwable> error);
  }
}
