package io.propensity.engine.features;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The ordered features of a vector and the version hash that travels with every vector and model.
 *
 * <p>The hash is the first 16 hex digits of the SHA-256 of {@link #canonicalText}: one line per
 * feature, in order, {@code name TAB type TAB window TAB description}, after a format header. It
 * depends on nothing but that text, so it is the same on every JVM and run, and any change of a
 * name, type, window, description or of the order gives a new hash.
 *
 * @param features the features in vector order; names are unique
 * @param versionHash 16 lowercase hex digits derived from the features (checked)
 */
public record FeatureSchema(List<FeatureSpec> features, String versionHash) {

  private static final String HEADER = "propensity-feature-schema/1\n";

  public FeatureSchema {
    features = List.copyOf(features);
    Objects.requireNonNull(versionHash, "versionHash");
    Set<String> names = new HashSet<>();
    for (FeatureSpec f : features) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("duplicate feature name: " + f.name());
      }
    }
    String expected = hashOf(features);
    if (!expected.equals(versionHash)) {
      throw new IllegalArgumentException(
          "version hash " + versionHash + " does not match the features (" + expected + ")");
    }
  }

  /** A schema of these features with its hash computed. */
  public static FeatureSchema of(List<FeatureSpec> features) {
    return new FeatureSchema(features, hashOf(List.copyOf(features)));
  }

  /** The text the hash is computed from. */
  public static String canonicalText(List<FeatureSpec> features) {
    StringBuilder sb = new StringBuilder(HEADER);
    for (FeatureSpec f : features) {
      sb.append(f.name())
          .append('\t')
          .append(f.type().name())
          .append('\t')
          .append(f.window().label())
          .append('\t')
          .append(f.description())
          .append('\n');
    }
    return sb.toString();
  }

  private static String hashOf(List<FeatureSpec> features) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonicalText(features).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Number of features. */
  public int size() {
    return features.size();
  }

  /** Feature names in vector order. */
  public List<String> names() {
    return features.stream().map(FeatureSpec::name).toList();
  }

  /** Position of the named feature, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < features.size(); i++) {
      if (features.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
