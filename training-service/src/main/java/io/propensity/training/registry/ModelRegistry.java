package io.propensity.training.registry;

import io.propensity.common.error.FailedPreconditionException;
import io.propensity.common.error.FieldError;
import io.propensity.common.error.InvalidInputException;
import io.propensity.common.error.NotFoundException;
import io.propensity.common.error.ResourceExhaustedException;
import io.propensity.engine.features.FeatureCatalog;
import io.propensity.runtime.metrics.ConfidenceInterval;
import io.propensity.runtime.metrics.IntervalFormat;
import io.propensity.runtime.signing.ModelSignature;
import io.propensity.runtime.signing.ModelStatement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: named models, their numbered immutable versions with metrics, schema hash,
 * artifact and report, and aliases ({@code staging}, {@code production}, ...) that can be moved,
 * compare-and-set, rolled back, promoted by policy and watched.
 *
 * <p>Rollback pops the alias history like a stack: after setting {@code production} to 1, then 2,
 * then 3, rollbacks move it to 2, then to 1, then fail with {@code FailedPreconditionException}
 * (version 1 was its first target). Setting the alias again pushes onto what is left, so after 1,
 * 2, rollback (to 1), 3, a rollback goes to 1.
 */
public final class ModelRegistry implements AutoCloseable {
  /** The alias serving systems load. */
  public static final String PRODUCTION = "production";

  /** The actor of an alias moved by a promotion policy ({@link #promoteIfBetter}). */
  public static final String POLICY_ACTOR = "promotion-policy";

  /** The actor of an alias moved through the overloads without one: the registry's own callers. */
  public static final String SYSTEM_ACTOR = "system";

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  /** Who moved which alias from which version to which, one structured line per change. */
  private static final Logger AUDIT = LoggerFactory.getLogger("audit");

  /** The artifact format of LightGBM text models, whose schema the registry checks. */
  public static final String LIGHTGBM_TEXT = "lightgbm_text";

  /** The alias of the version under trial. */
  public static final String STAGING = "staging";

  /** Most versions or models per page. */
  public static final int MAX_PAGE_SIZE = 500;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /** Largest LightGBM text artifact parsed by default: inference-service's default limit. */
  public static final long DEFAULT_MAX_MODEL_TEXT_BYTES = 64L << 20;

  private final RegistryStore store;
  private final Clock clock;
  private final AliasChangeFeed feed;
  private final long maxModelTextBytes;
  private final StorageQuota quota;
  private final RegistrySigning signing;
  // One artifact parsed at a time: a parse holds a few copies of the text, and concurrent uploads
  // must not multiply that.
  private final Object parsing = new Object();

  /**
   * A registry over {@code store}.
   *
   * @param watchPollInterval how often alias changes (including other processes') are looked for
   * @param maxModelTextBytes largest LightGBM text artifact accepted (each is parsed in memory)
   * @param quota how many bytes of artifacts and reports the registry keeps
   * @param signing the key versions are signed with, and the keys uploads may be signed by
   */
  public ModelRegistry(
      RegistryStore store,
      Clock clock,
      Duration watchPollInterval,
      long maxModelTextBytes,
      StorageQuota quota,
      RegistrySigning signing) {
    if (maxModelTextBytes < 1 || maxModelTextBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "maxModelTextBytes must be 1 to " + (Integer.MAX_VALUE - 16) + ": " + maxModelTextBytes);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxModelTextBytes = maxModelTextBytes;
    this.quota = Objects.requireNonNull(quota, "quota");
    this.signing = Objects.requireNonNull(signing, "signing");
    this.feed = new AliasChangeFeed(store, watchPollInterval);
  }

  // ---------------------------------------------------------------------------------------------
  // versions

  /**
   * Registers the next version of {@code version.name()}: stores the bytes, checks them against the
   * announced sizes and checksums, and publishes the version with number latest + 1, atomically.
   *
   * <p>A LightGBM text artifact must be servable, checked as inference-service checks it before it
   * serves ({@link LightGbmArtifactCheck}): a model that parses with every index in range, the
   * features its schema names (by LightGBM's names, in the same order, every CATEGORICAL feature
   * categorical in the model), as many features as the schema has, and golden rows it scores within
   * 1e-6 through the version's calibration. Anything else could never be served, so it is refused
   * here rather than at inference.
   *
   * <p>A LightGBM text version that passes is signed with the registry's key ({@link
   * RegistrySigning}) over its {@link ModelStatement}, and the signature stored with it: a serving
   * system that trusts that key knows the bytes it downloads are the ones checked here. An upload
   * signature the version carries is verified (before the artifact is parsed) and kept.
   *
   * @throws InvalidInputException when a field is malformed, the artifact cannot be served with
   *     these details, or the bytes do not match what was announced; nothing is stored
   * @throws ResourceExhaustedException when a LightGBM text artifact is larger than this registry
   *     parses, or the version would go past a storage quota; nothing is stored
   */
  public ModelVersionRecord register(
      NewModelVersion version, BlobSource artifact, Optional<BlobSource> report) {
    return register(version, artifact, report, false);
  }

  /**
   * Registers a version a client uploaded, as {@link #register(NewModelVersion, BlobSource,
   * Optional)} does, but when the registry trusts uploader keys ({@link RegistrySigning}) the
   * version must carry a valid upload signature by one of them.
   *
   * @throws InvalidInputException also when the upload signature is missing or does not verify
   */
  public ModelVersionRecord registerUpload(
      NewModelVersion version, BlobSource artifact, Optional<BlobSource> report) {
    return register(version, artifact, report, true);
  }

  /** The id of the key this registry signs with. */
  public String signingKeyId() {
    return signing.signer().keyId();
  }

  private ModelVersionRecord register(
      NewModelVersion version,
      BlobSource artifact,
      Optional<BlobSource> report,
      boolean uploadSignatureRequired) {
    List<FieldError> problems = new ArrayList<>();
    checkName(version.name(), "name", problems);
    if (version.featureSchemaHash().isBlank()) {
      problems.add(new FieldError("feature_schema.version_hash", "is required"));
    }
    if (!(version.threshold() >= 0 && version.threshold() <= 1)) {
      problems.add(new FieldError("threshold", version.threshold() + " is outside 0 to 1"));
    }
    if (version.artifactFormat().isBlank()) {
      problems.add(new FieldError("artifact_format", "is required"));
    }
    version
        .target()
        .filter(String::isBlank)
        .ifPresent(t -> problems.add(new FieldError("target", "is blank")));
    for (Map.Entry<Metric, Double> m : version.metrics().entrySet()) {
      if (!Double.isFinite(m.getValue())) {
        problems.add(
            new FieldError(
                "metrics." + m.getKey().name().toLowerCase(java.util.Locale.ROOT),
                m.getValue() + " is not a finite number"));
      }
    }
    if (version.expectedReport().isPresent() && report.isEmpty()) {
      problems.add(new FieldError("report_sha256", "is set but no report was uploaded"));
    }
    throwIfAny(problems);
    BlobSource stored = artifact;
    Optional<ModelSignature> signature = Optional.empty();
    if (LIGHTGBM_TEXT.equals(version.artifactFormat())) {
      byte[] text = readModelText(artifact, version.expectedArtifact());
      BlobInfo computed = BlobInfo.of(text);
      computed.requireAnnounced(version.expectedArtifact(), "artifact");
      ModelStatement statement = statement(version, computed);
      // the uploader's signature is checked before the parse: an unknown uploader's bytes never
      // reach the parser
      signing.checkUpload(statement, version.uploadSignature(), uploadSignatureRequired);
      throwIfAny(servingProblems(version.details(), text));
      stored = BlobSource.of(text);
      // signed only now: the signature says that these bytes passed the checks above
      signature = Optional.of(signing.signer().sign(statement));
    } else if (version.uploadSignature().isPresent()
        || (uploadSignatureRequired && !signing.uploaders().isEmpty())) {
      // the store refuses bytes that differ from the announced size and checksum
      signing.checkUpload(
          version
              .expectedArtifact()
              .map(a -> statement(version, a))
              .orElseThrow(
                  () ->
                      InvalidInputException.of(
                          "artifact_sha256", "is required to check the upload signature")),
          version.uploadSignature(),
          uploadSignatureRequired);
    }
    NewModelVersion resolved =
        version.withDetails(
            version
                .details()
                .withSourceResolved(
                    version.featureSchemaHash(), FeatureCatalog.schema().versionHash()));
    return store.insertVersion(resolved, stored, report, signature, quota, clock.instant());
  }

  private static ModelStatement statement(NewModelVersion version, BlobInfo artifact) {
    return new ModelStatement(
        version.name(),
        version.artifactFormat(),
        artifact.sha256(),
        artifact.sizeBytes(),
        version.featureSchemaHash());
  }

  /**
   * The bytes of a LightGBM text artifact, read once; refused before reading when announced larger
   * than {@code maxModelTextBytes}, and as soon as more arrive.
   */
  private byte[] readModelText(BlobSource artifact, Optional<BlobInfo> expected) {
    long announced = expected.map(BlobInfo::sizeBytes).orElse(0L);
    if (announced > maxModelTextBytes) {
      throw modelTextTooLarge(announced + " bytes");
    }
    byte[] bytes;
    try (InputStream in = artifact.open()) {
      bytes = in.readNBytes((int) maxModelTextBytes + 1);
    } catch (IOException e) {
      throw new RegistryStoreException("reading the artifact failed: " + e.getMessage(), e);
    }
    if (bytes.length > maxModelTextBytes) {
      throw modelTextTooLarge("more than " + maxModelTextBytes + " bytes");
    }
    if (bytes.length == 0) {
      throw InvalidInputException.of("artifact", "is empty; an artifact has at least 1 byte");
    }
    return bytes;
  }

  private ResourceExhaustedException modelTextTooLarge(String size) {
    return new ResourceExhaustedException(
        "artifact: a LightGBM text model of "
            + size
            + " is more than the "
            + maxModelTextBytes
            + " bytes this registry parses to check it"
            + " (propensity.registry.max-model-text-bytes)");
  }

  /** What keeps the LightGBM text {@code text} from being served with {@code details}. */
  private List<FieldError> servingProblems(VersionDetails details, byte[] text) {
    synchronized (parsing) {
      return LightGbmArtifactCheck.problems(details, new String(text, StandardCharsets.UTF_8));
    }
  }

  /**
   * Registers a version from byte arrays; see {@link #register(NewModelVersion, BlobSource,
   * Optional)}.
   */
  public ModelVersionRecord register(
      NewModelVersion version, byte[] artifact, Optional<byte[]> report) {
    return register(version, BlobSource.of(artifact), report.map(BlobSource::of));
  }

  /**
   * The version {@code selector} picks.
   *
   * @throws NotFoundException when the model, the version or the alias does not exist
   */
  public ModelVersionRecord get(String name, VersionSelector selector) {
    requireName(name);
    if (selector instanceof VersionSelector.Number n) {
      requireVersionNumber(n.version(), "version");
      return store
          .findVersion(name, n.version())
          .orElseThrow(() -> versionNotFound(name, n.version()));
    }
    if (selector instanceof VersionSelector.Alias a) {
      requireAlias(a.alias());
      long version =
          store.aliasTarget(name, a.alias()).orElseThrow(() -> aliasNotFound(name, a.alias()));
      return store.findVersion(name, version).orElseThrow(() -> versionNotFound(name, version));
    }
    return store.findLatest(name).orElseThrow(() -> modelNotFound(name));
  }

  /**
   * A page of the versions of {@code name}, newest first.
   *
   * @param pageSize most versions, 1 to {@value #MAX_PAGE_SIZE}
   * @param beforeVersion only versions below this number (from the previous page); empty for the
   *     first page
   * @throws NotFoundException when the model does not exist
   */
  public VersionPage listVersions(String name, int pageSize, OptionalLong beforeVersion) {
    requireName(name);
    requirePageSize(pageSize);
    if (!store.modelExists(name)) {
      throw modelNotFound(name);
    }
    List<ModelVersionRecord> versions = store.listVersions(name, beforeVersion, pageSize + 1);
    if (versions.size() <= pageSize) {
      return new VersionPage(versions, OptionalLong.empty());
    }
    List<ModelVersionRecord> page = versions.subList(0, pageSize);
    return new VersionPage(page, OptionalLong.of(page.get(pageSize - 1).version()));
  }

  /**
   * A page of models, by name.
   *
   * @param pageSize most models, 1 to {@value #MAX_PAGE_SIZE}
   * @param afterName only models after this name (from the previous page); empty for the first page
   */
  public ModelPage listModels(int pageSize, Optional<String> afterName) {
    requirePageSize(pageSize);
    List<ModelSummary> models = store.listModels(afterName, pageSize + 1);
    if (models.size() <= pageSize) {
      return new ModelPage(models, Optional.empty());
    }
    List<ModelSummary> page = models.subList(0, pageSize);
    return new ModelPage(page, Optional.of(page.get(pageSize - 1).name()));
  }

  /**
   * Up to {@code maxLength} bytes of a version's artifact or report from {@code offset}; fewer at
   * the end, none at offset = size.
   *
   * @throws NotFoundException when the version does not exist, or has no report
   * @throws InvalidInputException when {@code offset} is outside 0 to the size
   */
  public byte[] read(String name, long version, BlobKind kind, long offset, int maxLength) {
    requireName(name);
    requireVersionNumber(version, "version");
    if (maxLength < 0) {
      throw InvalidInputException.of("max_length", maxLength + " is negative");
    }
    return store.readBlob(name, version, kind, offset, maxLength);
  }

  /** All bytes of a version's artifact or report; for files that fit in memory. */
  public byte[] readAll(String name, long version, BlobKind kind) {
    ModelVersionRecord record = get(name, VersionSelector.version(version));
    BlobInfo info =
        record
            .blob(kind)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "version " + version + " of model '" + name + "' has no report"));
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(info.sizeBytes(), Integer.MAX_VALUE - 8));
    long offset = 0;
    while (offset < info.sizeBytes()) {
      byte[] piece = store.readBlob(name, version, kind, offset, RegistryStore.CHUNK_BYTES);
      out.writeBytes(piece);
      offset += piece.length;
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------------------
  // aliases

  /**
   * Points {@code alias} at {@code version} whatever it points at now, as {@link #SYSTEM_ACTOR}.
   */
  public AliasMove setAlias(String name, String alias, long version) {
    return setAlias(name, alias, version, AliasExpectation.any(), SYSTEM_ACTOR);
  }

  /** {@link #setAlias(String, String, long, AliasExpectation, String)} as {@link #SYSTEM_ACTOR}. */
  public AliasMove setAlias(String name, String alias, long version, AliasExpectation expected) {
    return setAlias(name, alias, version, expected, SYSTEM_ACTOR);
  }

  /**
   * Points {@code alias} at {@code version} if {@code expected} holds; records the previous target
   * for rollback and notifies watchers. Pointing it at the version it already points at changes
   * nothing and notifies nobody.
   *
   * <p>A LightGBM text version is checked again first, as at registration: its stored artifact must
   * still match its checksum and be servable with its details under the checks of this release
   * (versions registered before the registry checked artifacts, or under looser checks, were never
   * refused). The stored artifact is re-read rather than a past verdict trusted, because the checks
   * are the ones inference applies today.
   *
   * <p>The change is recorded with {@code actor} (audit: who, when, from which version to which),
   * and written as one line to the {@code audit} logger.
   *
   * @param actor who asks: the caller's principal name as the endpoint resolved it
   * @throws NotFoundException when the model or version does not exist
   * @throws FailedPreconditionException when {@code expected} does not hold, or the version cannot
   *     be served (then with a violation on {@code version}); nothing changed
   */
  public AliasMove setAlias(
      String name, String alias, long version, AliasExpectation expected, String actor) {
    Objects.requireNonNull(actor, "actor");
    requireName(name);
    requireAlias(alias);
    requireVersionNumber(version, "version");
    if (expected instanceof AliasExpectation.At at) {
      requireVersionNumber(at.version(), "expected_current_version");
    }
    requireServable(name, alias, version);
    Instant now = clock.instant();
    AliasMove move = store.setAlias(name, alias, version, expected, now, actor);
    if (move.changed()) {
      audit("set_alias", name, alias, move, now, actor);
      feed.wake();
    }
    return move;
  }

  private static void audit(
      String action, String name, String alias, AliasMove move, Instant at, String actor) {
    String from =
        move.previousVersion().isPresent() ? Long.toString(move.previousVersion().getAsLong()) : "";
    long to = move.target().version();
    AUDIT
        .atInfo()
        .addKeyValue("action", action)
        .addKeyValue("actor", actor)
        .addKeyValue("model", name)
        .addKeyValue("alias", alias)
        .addKeyValue("from_version", from)
        .addKeyValue("to_version", to)
        .addKeyValue("at", at.toString())
        .log(
            "{} by {}: model '{}' alias '{}' from version {} to {} at {}",
            action,
            actor,
            name,
            alias,
            from.isEmpty() ? "(none)" : from,
            to,
            at);
  }

  /**
   * Fails unless version {@code version} of {@code name} can be served: its stored artifact matches
   * its checksum and, for LightGBM text, passes the checks of registration.
   */
  private void requireServable(String name, String alias, long version) {
    Optional<ModelVersionRecord> found = store.findVersion(name, version);
    if (found.isEmpty()) {
      return; // the store reports a missing version, with the model's latest
    }
    Optional<String> why = whyNotServable(found.get());
    if (why.isPresent()) {
      String description =
          "version "
              + version
              + " of model '"
              + name
              + "' cannot be served, so alias '"
              + alias
              + "' was not moved: "
              + why.get();
      throw new FailedPreconditionException(
          "version: " + description, List.of(new FieldError("version", description)));
    }
  }

  /** Why a stored version cannot be served; empty when it can, or its format is not checked. */
  private Optional<String> whyNotServable(ModelVersionRecord r) {
    if (!LIGHTGBM_TEXT.equals(r.artifactFormat())) {
      return Optional.empty();
    }
    if (r.artifact().sizeBytes() > maxModelTextBytes) {
      return Optional.of(
          "its artifact of "
              + r.artifact().sizeBytes()
              + " bytes is more than the "
              + maxModelTextBytes
              + " this registry parses to check it (propensity.registry.max-model-text-bytes)");
    }
    byte[] text = readAll(r.name(), r.version(), BlobKind.ARTIFACT);
    if (!BlobInfo.of(text).equals(r.artifact())) {
      return Optional.of(
          "its stored artifact no longer matches its SHA-256 " + r.artifact().sha256());
    }
    List<FieldError> problems = servingProblems(r.details(), text);
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
  }

  /**
   * Moves {@code alias} back to the version it pointed at before its last change that is not rolled
   * back yet (see the class comment).
   *
   * <p>The version rolled back to is not checked again: the alias pointed at it before, after
   * {@link #setAlias} checked it (alias history older than those checks excepted), and the store
   * pops the history in one transaction, where parsing an artifact under the alias lock would stall
   * every other alias change.
   *
   * @param actor who asks, recorded with the change and written to the {@code audit} logger
   * @throws NotFoundException when the model or alias does not exist
   * @throws FailedPreconditionException when there is no earlier version
   */
  public AliasMove rollback(String name, String alias, String actor) {
    Objects.requireNonNull(actor, "actor");
    requireName(name);
    requireAlias(alias);
    Instant now = clock.instant();
    AliasMove move = store.rollback(name, alias, now, actor);
    audit("rollback", name, alias, move, now, actor);
    feed.wake();
    return move;
  }

  /** {@link #rollback(String, String, String)} as {@link #SYSTEM_ACTOR}. */
  public AliasMove rollback(String name, String alias) {
    return rollback(name, alias, SYSTEM_ACTOR);
  }

  /**
   * Promotes version {@code version} to {@code production} when it is better than the current
   * production version: its {@code metric} beats production's by at least {@code minMargin} (and by
   * more than nothing), and, when {@code requireSchemaCompatible}, both have the same
   * feature-schema hash. With no production version yet, the candidate is promoted. The move is a
   * compare-and-set against the production version the decision was based on.
   *
   * <p>Whatever production holds, a candidate that does not beat its own logistic baseline on
   * {@code metric} by more than the confidence interval is refused ({@link
   * PromotionDecision.Reason#NOT_BETTER_THAN_BASELINE}): the paired bootstrap interval of (model −
   * baseline) in its details must lie wholly on the better side of 0. A candidate without that
   * interval (registered before intervals, or a metric without one such as precision) is judged as
   * before.
   *
   * <p>When production moves between the decision and the compare-and-set (another policy or a
   * person, possibly through another registry replica on the same database), the decision is taken
   * again against the new production version, up to {@value #PROMOTION_ATTEMPTS} times: with two
   * training-service replicas finishing jobs of one model together, each job gets a decision, and
   * production ends at the best of them, rather than a job failing because it lost the race.
   *
   * @throws NotFoundException when the model or version does not exist
   * @throws FailedPreconditionException when production kept moving during every attempt (nothing
   *     changed, run it again), or the candidate cannot be served (see {@link #setAlias})
   */
  public PromotionDecision promoteIfBetter(
      String name,
      long version,
      Metric metric,
      boolean higherIsBetter,
      double minMargin,
      boolean requireSchemaCompatible) {
    Objects.requireNonNull(metric, "metric");
    if (!(minMargin >= 0) || Double.isInfinite(minMargin)) {
      throw InvalidInputException.of("min_margin", minMargin + " is not a finite number >= 0");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return promoteOnce(
            name, version, metric, higherIsBetter, minMargin, requireSchemaCompatible);
      } catch (ProductionMoved moved) {
        if (attempt >= PROMOTION_ATTEMPTS) {
          throw moved.failure;
        }
        LOG.info(
            "production of '{}' moved while the policy judged version {}; judging again",
            name,
            version);
      }
    }
  }

  /**
   * Attempts of {@link #promoteIfBetter} when production keeps moving under it. Policies move
   * production only to a strictly better version, so with n versions judged at once production can
   * move n - 1 times under one of them (8 racing policies exhausted the former 5 attempts on a busy
   * machine); the bound only stops a policy racing endless manual changes.
   */
  static final int PROMOTION_ATTEMPTS = 64;

  /** Production moved between a policy's decision and its compare-and-set. */
  private static final class ProductionMoved extends RuntimeException {
    final FailedPreconditionException failure;

    ProductionMoved(FailedPreconditionException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  /**
   * Moves production to {@code version} if it still is where the decision saw it; {@link
   * ProductionMoved} when it is not (any other refusal propagates).
   */
  private void movePolicyProduction(String name, long version, AliasExpectation expected) {
    try {
      setAlias(name, PRODUCTION, version, expected, POLICY_ACTOR);
    } catch (FailedPreconditionException e) {
      OptionalLong now = store.aliasTarget(name, PRODUCTION);
      boolean moved =
          expected instanceof AliasExpectation.Absent
              ? now.isPresent()
              : expected instanceof AliasExpectation.At at
                  && (now.isEmpty() || now.getAsLong() != at.version());
      if (moved) {
        throw new ProductionMoved(e);
      }
      throw e;
    }
  }

  private PromotionDecision promoteOnce(
      String name,
      long version,
      Metric metric,
      boolean higherIsBetter,
      double minMargin,
      boolean requireSchemaCompatible) {
    ModelVersionRecord candidate = get(name, VersionSelector.version(version));
    OptionalDouble candidateValue = candidate.metric(metric);
    OptionalLong productionVersion = store.aliasTarget(name, PRODUCTION);
    String metricName = metric.name().toLowerCase(java.util.Locale.ROOT);
    Optional<String> notBetterThanBaseline =
        notBetterThanBaseline(candidate, metric, higherIsBetter);
    if (notBetterThanBaseline.isPresent()) {
      return new PromotionDecision(
          name,
          version,
          false,
          PromotionDecision.Reason.NOT_BETTER_THAN_BASELINE,
          productionVersion,
          metric,
          candidateValue,
          OptionalDouble.empty(),
          (productionVersion.isEmpty()
                  ? "did not promote version " + version + " of '" + name + "'"
                  : "kept version " + productionVersion.getAsLong() + " in production")
              + ": "
              + notBetterThanBaseline.get());
    }
    if (productionVersion.isEmpty()) {
      movePolicyProduction(name, version, AliasExpectation.absent());
      return new PromotionDecision(
          name,
          version,
          true,
          PromotionDecision.Reason.NO_PRODUCTION_YET,
          productionVersion,
          metric,
          candidateValue,
          OptionalDouble.empty(),
          "promoted version "
              + version
              + " of '"
              + name
              + "' to production: there was no production version");
    }
    ModelVersionRecord production =
        get(name, VersionSelector.version(productionVersion.getAsLong()));
    OptionalDouble productionValue = production.metric(metric);
    if (production.version() == version) {
      return new PromotionDecision(
          name,
          version,
          false,
          PromotionDecision.Reason.ALREADY_PRODUCTION,
          productionVersion,
          metric,
          candidateValue,
          productionValue,
          "version " + version + " of '" + name + "' already is production");
    }
    if (requireSchemaCompatible
        && !candidate.featureSchemaHash().equals(production.featureSchemaHash())) {
      return new PromotionDecision(
          name,
          version,
          false,
          PromotionDecision.Reason.SCHEMA_MISMATCH,
          productionVersion,
          metric,
          candidateValue,
          productionValue,
          "kept version "
              + production.version()
              + " in production: version "
              + version
              + " was trained on"
              + " feature schema "
              + candidate.featureSchemaHash()
              + ", production on "
              + production.featureSchemaHash());
    }
    if (candidateValue.isEmpty() || productionValue.isEmpty()) {
      long missing = candidateValue.isEmpty() ? version : production.version();
      return new PromotionDecision(
          name,
          version,
          false,
          PromotionDecision.Reason.METRIC_MISSING,
          productionVersion,
          metric,
          candidateValue,
          productionValue,
          "kept version "
              + production.version()
              + " in production: version "
              + missing
              + " has no "
              + metricName
              + " to compare");
    }
    double c = candidateValue.getAsDouble();
    double p = productionValue.getAsDouble();
    double gain = higherIsBetter ? c - p : p - c;
    String comparison =
        metricName
            + " "
            + c
            + " vs "
            + p
            + " ("
            + (higherIsBetter ? "higher" : "lower")
            + " is better, margin "
            + minMargin
            + ")";
    if (gain > 0 && gain >= minMargin) {
      movePolicyProduction(name, version, AliasExpectation.at(production.version()));
      return new PromotionDecision(
          name,
          version,
          true,
          PromotionDecision.Reason.BETTER,
          productionVersion,
          metric,
          candidateValue,
          productionValue,
          "promoted version "
              + version
              + " of '"
              + name
              + "' over version "
              + production.version()
              + ": "
              + comparison);
    }
    return new PromotionDecision(
        name,
        version,
        false,
        PromotionDecision.Reason.NOT_BETTER,
        productionVersion,
        metric,
        candidateValue,
        productionValue,
        "kept version "
            + production.version()
            + " in production: version "
            + version
            + " is not better by the"
            + " margin: "
            + comparison);
  }

  /**
   * Why {@code candidate} does not beat its logistic baseline on {@code metric} by more than the
   * confidence interval, or empty when it does or has no such interval.
   */
  static Optional<String> notBetterThanBaseline(
      ModelVersionRecord candidate, Metric metric, boolean higherIsBetter) {
    Optional<VersionDetails.Comparison> comparison = candidate.details().comparison();
    if (comparison.isEmpty()) {
      return Optional.empty();
    }
    ConfidenceInterval d = comparison.get().baselineDifference().get(metric);
    if (d == null || !d.isDefined()) {
      return Optional.empty();
    }
    boolean beats = higherIsBetter ? d.lower() > 0 : d.upper() < 0;
    if (beats) {
      return Optional.empty();
    }
    return Optional.of(
        "version "
            + candidate.version()
            + " does not beat its logistic baseline on "
            + metric.name().toLowerCase(java.util.Locale.ROOT)
            + " by more than the "
            + comparison.get().levelPercent()
            + " confidence interval: model − baseline "
            + IntervalFormat.difference(d)
            + " ("
            + (higherIsBetter ? "higher" : "lower")
            + " is better; the interval must not reach 0)");
  }

  /** {@link #promoteIfBetter} with the metric's natural direction and the schema check on. */
  public PromotionDecision promoteIfBetter(
      String name, long version, Metric metric, double minMargin) {
    return promoteIfBetter(name, version, metric, metric.higherIsBetter(), minMargin, true);
  }

  // ---------------------------------------------------------------------------------------------
  // training jobs' request ids

  /**
   * Claims a StartTraining request id for job {@code jobId} of {@code replica} in the registry's
   * database, unless a job of any replica holds it already; returns the holder. The training jobs
   * of several training-service replicas on one database thereby start once per request id.
   */
  public JobRequestClaim claimJobRequest(String requestId, String jobId, String replica) {
    Objects.requireNonNull(requestId, "requestId");
    return store.claimJobRequest(requestId, jobId, replica, clock.instant());
  }

  // ---------------------------------------------------------------------------------------------
  // watch

  /**
   * Calls {@code listener} for every alias change of the models in {@code names} (all models when
   * empty), made through any registry on this database, in commit order, each once; first, when
   * {@code sendInitialState}, with the current aliases (synchronously, before this returns).
   * Changes arrive within about one poll interval; changes made through this registry sooner.
   */
  public Subscription watch(Set<String> names, boolean sendInitialState, WatchListener listener) {
    Objects.requireNonNull(listener, "listener");
    List<FieldError> problems = new ArrayList<>();
    int i = 0;
    for (String n : names) {
      checkName(n, "names[" + i++ + "]", problems);
    }
    throwIfAny(problems);
    return feed.subscribe(names, sendInitialState, listener);
  }

  /** Stops the watch feed (watchers get {@link WatchListener#onClosed()}) and closes the store. */
  @Override
  public void close() {
    feed.close();
    store.close();
  }

  // ---------------------------------------------------------------------------------------------
  // validation

  /** Whether {@code name} is a valid model name, {@code [a-z][a-z0-9-]{0,62}}. */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  /** Whether {@code alias} is a valid alias, {@code [a-z][a-z0-9-]{0,31}}. */
  public static boolean isValidAlias(String alias) {
    return ALIAS.matcher(alias).matches();
  }

  private static void checkName(String name, String field, List<FieldError> problems) {
    if (name.isEmpty()) {
      problems.add(new FieldError(field, "is required"));
    } else if (!isValidName(name)) {
      problems.add(
          new FieldError(
              field,
              "'"
                  + name
                  + "' is not a model name: a lower-case letter, then up to 62 lower-case letters,"
                  + " digits or '-'"));
    }
  }

  private static void requireName(String name) {
    List<FieldError> problems = new ArrayList<>(1);
    checkName(name, "name", problems);
    throwIfAny(problems);
  }

  private static void requireAlias(String alias) {
    if (alias.isEmpty()) {
      throw InvalidInputException.of("alias", "is required");
    }
    if (!isValidAlias(alias)) {
      throw InvalidInputException.of(
          "alias",
          "'"
              + alias
              + "' is not an alias: a lower-case letter, then up to 31 lower-case letters,"
              + " digits or '-'");
    }
  }

  private static void requireVersionNumber(long version, String field) {
    if (version < 1) {
      throw InvalidInputException.of(field, version + " is not a version number (>= 1)");
    }
  }

  private static void requirePageSize(int pageSize) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw InvalidInputException.of("page_size", pageSize + " is outside 1 to " + MAX_PAGE_SIZE);
    }
  }

  private static void throwIfAny(List<FieldError> problems) {
    if (!problems.isEmpty()) {
      throw new InvalidInputException(
          problems.size() == 1
              ? problems.get(0).toString()
              : problems.size() + " invalid fields: " + problems,
          problems);
    }
  }

  private NotFoundException modelNotFound(String name) {
    return new NotFoundException("model '" + name + "' does not exist");
  }

  private NotFoundException versionNotFound(String name, long version) {
    if (!store.modelExists(name)) {
      return modelNotFound(name);
    }
    return new NotFoundException("model '" + name + "' has no version " + version);
  }

  private NotFoundException aliasNotFound(String name, String alias) {
    if (!store.modelExists(name)) {
      return modelNotFound(name);
    }
    return new NotFoundException("model '" + name + "' has no alias '" + alias + "'");
  }
}
