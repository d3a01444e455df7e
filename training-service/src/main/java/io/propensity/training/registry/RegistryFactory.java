package io.propensity.training.registry;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.propensity.common.jdbc.MigratedDataSource;
import io.propensity.runtime.signing.ModelSigner;
import io.propensity.runtime.signing.TrustedModelKeys;
import io.propensity.training.registry.jdbc.JdbcRegistryStore;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the model registry from {@link RegistryConfiguration}. */
@Factory
class RegistryFactory {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  ModelRegistry modelRegistry(
      RegistryConfiguration config,
      SigningConfiguration signingConfig,
      @Value("${propensity.data-dir:data}") String dataDir) {
    RegistrySigning signing = signing(signingConfig, dataDir);
    // (a placeholder in a @Bindable default is not resolved, so the default is derived here)
    String url =
        config.jdbcUrl().isBlank()
            ? "jdbc:sqlite:" + Path.of(dataDir, "training-service", "registry.db")
            : config.jdbcUrl();
    JdbcRegistryStore store =
        JdbcRegistryStore.open(url, config.user(), config.password(), config.poolSize());
    LOG.info("model registry ready: {} ({})", store.dialect(), MigratedDataSource.redact(url));
    return new ModelRegistry(
        store,
        Clock.systemUTC(),
        config.watchPollInterval(),
        config.maxModelTextBytes(),
        config.quota(),
        signing);
  }

  /**
   * The configured key, or the one kept in the data directory (made on first start); and the
   * uploader keys.
   */
  static RegistrySigning signing(SigningConfiguration config, String dataDir) {
    boolean configured = !config.keyFile().isBlank();
    Path keyFile =
        configured
            ? Path.of(config.keyFile())
            : Path.of(dataDir, "training-service", "signing", "registry-signing-key.pem");
    ModelSigner signer = SigningKeyFile.load(keyFile, !configured);
    LOG.info(
        "signing validated model versions with Ed25519 key {} ({}); serving systems verify them with"
            + " the public key {} (inference-service: propensity.inference.trusted-model-keys)",
        signer.keyId(),
        configured ? "propensity.registry.signing.key-file" : "generated in the data directory",
        SigningKeyFile.publicKeyFile(keyFile).toAbsolutePath());
    TrustedModelKeys uploaders = TrustedModelKeys.fromPemFiles(config.trustedKeyFiles());
    if (uploaders.isEmpty()) {
      LOG.info("uploads need no signature (propensity.registry.signing.trusted-keys is not set)");
    } else {
      LOG.info(
          "uploads must be signed by one of the keys {} (propensity.registry.signing.trusted-keys)",
          uploaders.keyIds());
    }
    return new RegistrySigning(signer, uploaders);
  }
}
