package io.propensity.inference.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.propensity.inference.reload.ScorerKind;
import java.nio.file.Path;
import java.util.List;

/**
 * What to serve and how ({@code propensity.inference.*}, env {@code PROPENSITY_INFERENCE_*}).
 *
 * @param defaultModel model used when a request names none; health is SERVING once it is loaded
 * @param models model names to serve (comma-separated in the environment); unset means every model
 *     in the registry
 * @param alias registry alias followed for each model
 * @param coldStart {@code score} (an unknown user gets the empty-history vector, flagged cold
 *     start) or {@code reject} (NOT_FOUND)
 * @param scorersPerModel native LightGBM scorers per loaded version, i.e. rows scored in parallel;
 *     0 means one per processor (only the {@code native} scorer pools; the {@code java} one scores
 *     any number of rows at once), and warm-up passes per version
 * @param goldenTolerance largest accepted |probability - expected| on a golden row; the registry
 *     contract promises 1e-6, and the same LightGBM build reproduces rows exactly
 * @param maxArtifactBytes largest model artifact accepted
 * @param warmUpRounds warm-up passes per scorer before a version is swapped in
 * @param scoringThreads LightGBM {@code num_threads} given to every loaded model's predictors; 0
 *     means the OpenMP default (one per processor). LightGBM keeps this count process-wide, and
 *     single-row scoring gains nothing from more than 1 (see model-runtime's README); used by the
 *     {@code native} scorer only
 * @param scorer {@code java} (the default: model-runtime's pure-Java scorer and TreeSHAP, no native
 *     library in the process) or {@code native} (LightGBM's library through JNI)
 * @param trustedModelKeys PEM public key files (comma-separated in the environment) of the
 *     registries whose signatures are trusted, e.g. training-service's {@code
 *     registry-signing-key.pem.pub.pem}; when set, a version that is unsigned or whose signature
 *     does not verify is refused (the previous version keeps serving); unset means signatures are
 *     not verified
 */
@ConfigurationProperties("propensity.inference")
public record InferenceConfiguration(
    @Bindable(defaultValue = "purchase-7d") String defaultModel,
    @Nullable List<String> models,
    @Bindable(defaultValue = "production") String alias,
    @Bindable(defaultValue = "score") String coldStart,
    @Bindable(defaultValue = "0") int scorersPerModel,
    @Bindable(defaultValue = "1e-6") double goldenTolerance,
    @Bindable(defaultValue = "67108864") long maxArtifactBytes,
    @Bindable(defaultValue = "2") int warmUpRounds,
    @Bindable(defaultValue = "1") int scoringThreads,
    @Bindable(defaultValue = "java") String scorer,
    @Nullable List<String> trustedModelKeys) {

  public InferenceConfiguration {
    ScorerKind.parse(scorer); // refuse a misspelt value when the service starts
    if (scoringThreads < 0) {
      throw new IllegalArgumentException(
          "propensity.inference.scoring-threads must be 0 (OpenMP default) or more, got "
              + scoringThreads);
    }
  }

  /** The configured names, or empty for every model. */
  public List<String> modelsOrAll() {
    return models == null
        ? List.of()
        : models.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** The configured trusted model key files; none when signatures are not verified. */
  public List<Path> trustedModelKeyFiles() {
    return trustedModelKeys == null
        ? List.of()
        : trustedModelKeys.stream()
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(Path::of)
            .toList();
  }

  /** The configured scorer. */
  public ScorerKind scorerKind() {
    return ScorerKind.parse(scorer);
  }

  /** Scorers per version, resolving 0 to the processor count. */
  public int effectiveScorersPerModel() {
    return scorersPerModel > 0 ? scorersPerModel : Runtime.getRuntime().availableProcessors();
  }
}
