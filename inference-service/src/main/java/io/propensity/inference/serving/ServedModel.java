package io.propensity.inference.serving;

import io.propensity.engine.features.FeatureSchema;
import io.propensity.runtime.ScoringModel;
import io.propensity.runtime.table.TableColumn;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One loaded, validated model version and the native model behind it, immutable apart from its
 * reference count.
 *
 * <p>The count starts at 1 for the serving slot. Each request holds one more reference through a
 * {@link ModelLease} for as long as it scores, so a request always finishes on the version it
 * started with. When the slot lets go (a newer version was swapped in) and the last request
 * finishes, the native model is closed exactly once and {@code onFreed} is told.
 */
public final class ServedModel {
  private final ModelDescriptor descriptor;
  private final ScoringModel model;
  private final FeatureSchema schema;
  private final String alias;
  private final String verifiedSha256;
  private final Instant loadedAt;
  private final List<TableColumn> columns;
  private final AtomicInteger references = new AtomicInteger(1);
  private volatile Consumer<ServedModel> onFreed = m -> {};

  public ServedModel(
      ModelDescriptor descriptor,
      ScoringModel model,
      FeatureSchema schema,
      String alias,
      String verifiedSha256,
      Instant loadedAt) {
    this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
    this.model = Objects.requireNonNull(model, "model");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.alias = Objects.requireNonNull(alias, "alias");
    this.verifiedSha256 = Objects.requireNonNull(verifiedSha256, "verifiedSha256");
    this.loadedAt = Objects.requireNonNull(loadedAt, "loadedAt");
    this.columns = descriptor.provided() ? descriptor.schema().columns() : List.of();
  }

  public ModelDescriptor descriptor() {
    return descriptor;
  }

  public String name() {
    return descriptor.name();
  }

  public long version() {
    return descriptor.version();
  }

  public double threshold() {
    return descriptor.threshold();
  }

  /**
   * The service's feature schema, which an ENGINE version's rows follow (checked at load); a
   * PROVIDED version's rows follow {@link #features()} instead.
   */
  public FeatureSchema schema() {
    return schema;
  }

  /** The version's own schema as registered: its source, hash and features. */
  public ModelSchema features() {
    return descriptor.schema();
  }

  /** Whether the version takes provided features (a team's own table) rather than events. */
  public boolean provided() {
    return descriptor.provided();
  }

  /** How each provided value becomes the model's input, in vector order (empty for ENGINE). */
  public List<TableColumn> columns() {
    return columns;
  }

  /** Feature names of a row, in vector order. */
  public List<String> featureNames() {
    return provided() ? descriptor.featureNames() : schema.names();
  }

  /** The alias this version was served for, e.g. {@code production}. */
  public String alias() {
    return alias;
  }

  /** SHA-256 of the artifact as computed over the downloaded bytes. */
  public String verifiedSha256() {
    return verifiedSha256;
  }

  /** When the version was loaded, validated and swapped in. */
  public Instant loadedAt() {
    return loadedAt;
  }

  /** The native model; only valid while a reference is held. */
  ScoringModel model() {
    return model;
  }

  /** Whether the native model has been freed. */
  public boolean freed() {
    return references.get() == 0;
  }

  void onFreed(Consumer<ServedModel> listener) {
    this.onFreed = listener;
  }

  /** Takes a reference unless the model is already drained and freed. */
  boolean tryRetain() {
    while (true) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; the last one closes the native model. */
  void release() {
    int n = references.decrementAndGet();
    if (n == 0) {
      model.close();
      onFreed.accept(this);
    } else if (n < 0) {
      throw new IllegalStateException(descriptor.label() + " released more often than retained");
    }
  }

  @Override
  public String toString() {
    return "ServedModel[" + descriptor.label() + ", " + alias + ", loaded " + loadedAt + "]";
  }
}
