package io.propensity.inference.drift;

import io.propensity.inference.reload.ModelSource;
import io.propensity.inference.reload.ModelSourceException;
import io.propensity.runtime.drift.DriftReference;
import io.propensity.runtime.drift.DriftReferenceText;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a version's drift reference in its training report (downloaded from the registry once per
 * version, kept), or says why it has none. A registry that cannot answer is not remembered: the
 * next call asks again.
 */
public final class ReferenceLookup {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceLookup.class);

  /** A version's reference, or why there is none. */
  public sealed interface Found permits Reference, Missing {}

  /** The reference. */
  public record Reference(DriftReference reference) implements Found {}

  /** No reference, and why. */
  public record Missing(String reason) implements Found {}

  private final ModelSource source;
  private final long maxBytes;
  private final Map<String, Found> known = new ConcurrentHashMap<>();

  public ReferenceLookup(ModelSource source, long maxBytes) {
    this.source = source;
    this.maxBytes = maxBytes;
  }

  /** The reference of {@code name}@{@code version}. */
  public Found find(String name, long version) {
    String key = name + "@" + version;
    Found f = known.get(key);
    if (f != null) {
      return f;
    }
    try {
      f = load(name, version);
    } catch (ModelSourceException e) {
      LOG.warn("drift reference of {}@{} not read: {}", name, version, e.getMessage());
      return new Missing(
          "the model registry could not be asked for the reference: " + e.getMessage());
    }
    if (f instanceof Missing m) {
      LOG.info("no drift reference for {}@{}: {}", name, version, m.reason());
    }
    known.put(key, f);
    return f;
  }

  private Found load(String name, long version) {
    var report = source.report(name, version, maxBytes);
    if (report.isEmpty()) {
      return new Missing(
          "version "
              + version
              + " of model '"
              + name
              + "' has no training report in the registry (uploaded without one, or larger than"
              + " propensity.inference.drift.report-max-bytes), so no drift reference");
    }
    try {
      return DriftReferenceText.extract(report.get())
          .<Found>map(Reference::new)
          .orElseGet(
              () ->
                  new Missing(
                      "version "
                          + version
                          + " of model '"
                          + name
                          + "' was trained before drift references were recorded; retrain it to"
                          + " monitor drift"));
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "the drift reference in the report of {}@{} is unreadable: {}",
          name,
          version,
          e.getMessage());
      return new Missing(
          "the drift reference of version " + version + " is unreadable: " + e.getMessage());
    }
  }
}
