package io.propensity.inference.scoring;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where users' current feature vectors come from: the feature service. Fails fast with {@link
 * io.propensity.common.error.UnavailableException} (with a retry hint) when it cannot answer in
 * time.
 */
public interface OnlineFeatureSource {

  /** The current vectors of these users (any number), in request order. */
  OnlineFeatures fetch(List<String> userIds);

  /**
   * Vectors of some users, all of one schema.
   *
   * @param schemaHash version hash of the schema every vector follows
   * @param asOf the instant the vectors were computed as of
   * @param users one per requested id, in request order
   */
  record OnlineFeatures(String schemaHash, Instant asOf, List<UserFeatures> users) {
    public OnlineFeatures {
      users = List.copyOf(users);
    }
  }

  /**
   * One user's vector.
   *
   * @param userId the user
   * @param values values in schema order
   * @param coldStart the feature service holds no event of the user
   * @param lastEventAt time of the user's newest stored event
   */
  record UserFeatures(
      String userId, double[] values, boolean coldStart, Optional<Instant> lastEventAt) {}
}
