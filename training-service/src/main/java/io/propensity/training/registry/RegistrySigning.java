package io.propensity.training.registry;

import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.runtime.signing.ModelSignature;
import io.propensity.runtime.signing.ModelSigner;
import io.propensity.runtime.signing.ModelStatement;
import io.propensity.runtime.signing.TrustedModelKeys;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the registry signs: with {@code signer}, every version whose artifact passed its checks (so a
 * signature proves that this registry validated these bytes under this name and schema); and whose
 * own signatures it accepts on upload, {@code uploaders}. When {@code uploaders} holds keys, an
 * upload through the API must carry a valid signature by one of them (who may register what);
 * versions the training service trains itself are registered in process and need none.
 *
 * @param signer the registry's key
 * @param uploaders the keys whose upload signatures are accepted; empty means none is required (and
 *     a given one is refused, since nothing could verify it)
 */
public record RegistrySigning(ModelSigner signer, TrustedModelKeys uploaders) {
  /** The field of an upload's signature. */
  static final String UPLOAD_SIGNATURE = "upload_signature";

  public RegistrySigning {
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(uploaders, "uploaders");
  }

  /** Signs with {@code signer}; accepts no upload signatures. */
  public static RegistrySigning with(ModelSigner signer) {
    return new RegistrySigning(signer, TrustedModelKeys.of(List.of()));
  }

  /**
   * Checks the upload signature of a version with {@code statement}.
   *
   * @param required whether the caller must have signed (an upload through the API when uploader
   *     keys are configured)
   * @throws InvalidInputException on {@value #UPLOAD_SIGNATURE} when it is missing but required,
   *     given but no key is trusted, or does not verify
   */
  void checkUpload(ModelStatement statement, Optional<ModelSignature> given, boolean required) {
    if (given.isEmpty() && !(required && !uploaders.isEmpty())) {
      return;
    }
    if (uploaders.isEmpty()) {
      throw refused(
          "is set, but this registry trusts no uploader keys"
              + " (propensity.registry.signing.trusted-keys), so it cannot be verified");
    }
    Optional<String> why = uploaders.whyUntrusted(statement, given);
    if (why.isPresent()) {
      throw refused(
          "this registry accepts uploads signed by a trusted key "
              + uploaders.keyIds()
              + ", and "
              + why.get());
    }
  }

  private static InvalidInputException refused(String why) {
    return new InvalidInputException(
        UPLOAD_SIGNATURE + ": " + why, List.of(new FieldError(UPLOAD_SIGNATURE, why)));
  }
}
