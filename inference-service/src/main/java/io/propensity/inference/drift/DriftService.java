package io.propensity.inference.drift;

import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.error.UnavailableException;
import io.propensity.inference.reload.ModelSource;
import io.propensity.inference.reload.ModelSourceException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** Answers drift questions (GetDrift): resolves the version and the window, then analyzes. */
public final class DriftService {
  /** Shortest window asked for. */
  public static final Duration MIN_WINDOW = Duration.ofMinutes(1);

  /** Longest window asked for. */
  public static final Duration MAX_WINDOW = Duration.ofDays(90);

  private final DriftAnalyzer analyzer;
  private final ModelSource registry;
  private final String servedAlias;
  private final Duration defaultWindow;
  private final Clock clock;

  public DriftService(
      DriftAnalyzer analyzer,
      ModelSource registry,
      String servedAlias,
      Duration defaultWindow,
      Clock clock) {
    this.analyzer = analyzer;
    this.registry = registry;
    this.servedAlias = servedAlias;
    this.defaultWindow = defaultWindow;
    this.clock = clock;
  }

  /**
   * The drift of a version (or of the version an alias points at) over the window ending now.
   *
   * @throws InvalidInputException for a window outside 1 minute to 90 days
   * @throws NotFoundException when the alias points at no version of the model
   */
  public DriftReport drift(
      String model, OptionalLong version, Optional<String> alias, Optional<Duration> window) {
    Duration w = window.orElse(defaultWindow);
    if (w.compareTo(MIN_WINDOW) < 0 || w.compareTo(MAX_WINDOW) > 0) {
      throw InvalidInputException.of("window", w + " is outside 1 minute to 90 days");
    }
    long v;
    if (version.isPresent()) {
      v = version.getAsLong();
    } else {
      String a = alias.orElse(servedAlias);
      OptionalLong resolved;
      try {
        resolved = registry.aliasVersion(model, a);
      } catch (ModelSourceException e) {
        throw new UnavailableException(
            "the model registry could not resolve alias '" + a + "': " + e.getMessage());
      }
      if (resolved.isEmpty()) {
        throw new NotFoundException("model '" + model + "' has no version with alias '" + a + "'");
      }
      v = resolved.getAsLong();
    }
    Instant to = clock.instant();
    return analyzer.analyze(model, v, to.minus(w), to);
  }
}
