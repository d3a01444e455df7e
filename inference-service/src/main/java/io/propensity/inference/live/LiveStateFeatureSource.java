package io.propensity.inference.live;

import io.propensity.engine.features.BatchFeatureComputer;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.inference.scoring.OnlineFeatureSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Online features from this replica's live StreamPredict state, used when no feature service is
 * configured: a user seen on a stream gets their live vector as of now (or their newest event, if
 * later), any other user the cold-start vector.
 */
public final class LiveStateFeatureSource implements OnlineFeatureSource {
  private final LiveUserStates states;
  private final Clock clock;

  public LiveStateFeatureSource(LiveUserStates states, Clock clock) {
    this.states = states;
    this.clock = clock;
  }

  @Override
  public OnlineFeatures fetch(List<String> userIds) {
    Instant now = clock.instant();
    List<UserFeatures> out = new ArrayList<>(userIds.size());
    for (String id : userIds) {
      out.add(
          states
              .peek(
                  id,
                  s -> {
                    Optional<Instant> last = s.watermark();
                    Instant asOf = last.filter(now::isBefore).orElse(now);
                    return new UserFeatures(id, s.vectorAsOf(asOf).values(), last.isEmpty(), last);
                  })
              .orElseGet(
                  () ->
                      new UserFeatures(
                          id, BatchFeatureComputer.coldStart().values(), true, Optional.empty())));
    }
    return new OnlineFeatures(FeatureCatalog.schema().versionHash(), now, out);
  }
}
