package io.propensity.training.registry;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.util.List;

/**
 * How the registry signs model versions ({@code propensity.registry.signing.*}, env {@code
 * PROPENSITY_REGISTRY_SIGNING_*}).
 *
 * @param keyFile PEM PKCS#8 Ed25519 private key the registry signs with (its public key is written
 *     beside it as {@code <key-file>.pub.pem}); empty means {@code
 *     ${propensity.data-dir}/training-service/signing/registry-signing-key.pem}, generated on first
 *     start
 * @param trustedKeys PEM public key files (comma-separated in the environment) whose holders may
 *     upload versions; when set, every RegisterModelVersion must carry an upload signature by one
 *     of them
 */
@ConfigurationProperties("propensity.registry.signing")
public record SigningConfiguration(
    @Bindable(defaultValue = "") String keyFile, @Nullable List<String> trustedKeys) {

  /** The configured trusted key files, none when unset. */
  public List<Path> trustedKeyFiles() {
    return trustedKeys == null
        ? List.of()
        : trustedKeys.stream().map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).toList();
  }
}
