package io.propensity.inference.serving;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.NotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The versions being served, one per model name, each swappable atomically: a swap publishes the
 * new version to every later request at once, while requests that already hold the old one finish
 * on it (see {@link ServedModel}). At most two versions of a name are alive: the current one and
 * the one draining.
 */
public final class ServedModels implements AutoCloseable {
  private final String defaultModel;
  private final ConcurrentHashMap<String, AtomicReference<ServedModel>> slots =
      new ConcurrentHashMap<>();
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final List<ServingListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong freed = new AtomicLong();

  public ServedModels(String defaultModel) {
    this.defaultModel = Objects.requireNonNull(defaultModel, "defaultModel");
    known.add(defaultModel);
  }

  /** Name used when a request names no model. */
  public String defaultModel() {
    return defaultModel;
  }

  public void addListener(ServingListener listener) {
    listeners.add(listener);
  }

  /** Records that the registry has a model of this name, served or not yet. */
  public void markKnown(String name) {
    known.add(name);
  }

  /**
   * Holds the current version of the named model (the default when empty) for one request.
   *
   * @throws FailedPreconditionException when no version of it is loaded yet (or nothing at all is)
   * @throws NotFoundException when the name is not a model this service serves
   */
  public ModelLease lease(Optional<String> name) {
    String resolved = resolve(name);
    while (true) {
      AtomicReference<ServedModel> slot = slots.get(resolved);
      ServedModel current = slot == null ? null : slot.get();
      if (current == null) {
        throw notServed(resolved);
      }
      if (current.tryRetain()) {
        return new ModelLease(current);
      }
      // Lost a race with a swap: the slot already holds the successor, take that one.
    }
  }

  private String resolve(Optional<String> name) {
    return name.filter(n -> !n.isEmpty()).orElse(defaultModel);
  }

  private RuntimeException notServed(String name) {
    if (servedNames().isEmpty()) {
      return new FailedPreconditionException(
          "no model is loaded yet: the service is waiting for a production version of '"
              + name
              + "' from the model registry (health reports NOT_SERVING until then)");
    }
    if (known.contains(name)) {
      return new FailedPreconditionException(
          "model '" + name + "' has no loaded production version yet; serving " + servedNames());
    }
    return new NotFoundException("model '" + name + "' is not served; serving " + servedNames());
  }

  /**
   * Makes {@code next} the version of its name that new requests get; the previous one is retired
   * and freed once its in-flight requests finish.
   *
   * @return the previous version, already retired
   */
  public Optional<ServedModel> swapIn(ServedModel next) {
    next.onFreed(this::afterFreed);
    known.add(next.name());
    ServedModel previous =
        slots.computeIfAbsent(next.name(), n -> new AtomicReference<>()).getAndSet(next);
    for (ServingListener l : listeners) {
      l.swapped(next, Optional.ofNullable(previous));
    }
    if (previous != null) {
      previous.release();
    }
    return Optional.ofNullable(previous);
  }

  private void afterFreed(ServedModel model) {
    freed.incrementAndGet();
    for (ServingListener l : listeners) {
      l.freed(model);
    }
  }

  /** The version of a name serving now, if any. */
  public OptionalLong currentVersion(String name) {
    AtomicReference<ServedModel> slot = slots.get(name);
    ServedModel m = slot == null ? null : slot.get();
    return m == null ? OptionalLong.empty() : OptionalLong.of(m.version());
  }

  /** The versions serving now, by name. */
  public List<ServedModel> current() {
    List<ServedModel> out = new ArrayList<>();
    for (AtomicReference<ServedModel> slot : slots.values()) {
      ServedModel m = slot.get();
      if (m != null) {
        out.add(m);
      }
    }
    out.sort(Comparator.comparing(ServedModel::name));
    return List.copyOf(out);
  }

  /** The version of one name serving now. */
  public Optional<ServedModel> current(String name) {
    AtomicReference<ServedModel> slot = slots.get(name);
    return Optional.ofNullable(slot == null ? null : slot.get());
  }

  private List<String> servedNames() {
    return current().stream().map(ServedModel::name).toList();
  }

  /** Whether the default model has a version serving. */
  public boolean defaultServed() {
    return currentVersion(defaultModel).isPresent();
  }

  /** Retired versions whose native memory has been freed since start. */
  public long freedCount() {
    return freed.get();
  }

  /** Retires every version; each is freed once its in-flight requests finish. */
  @Override
  public void close() {
    for (AtomicReference<ServedModel> slot : slots.values()) {
      ServedModel m = slot.getAndSet(null);
      if (m != null) {
        m.release();
      }
    }
  }
}
