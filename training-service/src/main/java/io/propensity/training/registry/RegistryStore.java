package io.propensity.training.registry;

import io.propensity.runtime.signing.ModelSignature;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Persistence of the registry, one implementation per storage engine. Each method is one
 * transaction; {@link ModelRegistry} validates arguments before calling and layers the promotion
 * policy and the watch feed on top, so every backend behaves the same.
 */
public interface RegistryStore extends AutoCloseable {
  /** Size of the pieces files are stored and read in. */
  int CHUNK_BYTES = 1 << 20;

  /**
   * Stores the bytes, checks them against the expectations, assigns the next version number and
   * publishes the version, all in one transaction: a reader sees the version with its files or not
   * at all, and a failed registration uses up no number. The bytes stored count against {@code
   * quota}, checked in the same transaction and serialised with every other registration, so
   * concurrent registrations (through any registry on the database) never go past it together.
   *
   * @throws io.propensity.common.error.InvalidInputException when the bytes do not match the
   *     expected size or checksum, or are empty
   * @throws io.propensity.common.error.ResourceExhaustedException when the version would go past
   *     {@code quota}
   * @param signature the registry's signature of the version, stored with it
   */
  ModelVersionRecord insertVersion(
      NewModelVersion version,
      BlobSource artifact,
      Optional<BlobSource> report,
      Optional<ModelSignature> signature,
      StorageQuota quota,
      Instant now);

  /** Version {@code version} of model {@code name}. */
  Optional<ModelVersionRecord> findVersion(String name, long version);

  /** The newest version of model {@code name}. */
  Optional<ModelVersionRecord> findLatest(String name);

  /** The version {@code alias} of model {@code name} points at. */
  OptionalLong aliasTarget(String name, String alias);

  /** Whether model {@code name} has at least one version. */
  boolean modelExists(String name);

  /** Up to {@code limit} versions of {@code name} below {@code beforeVersion}, newest first. */
  List<ModelVersionRecord> listVersions(String name, OptionalLong beforeVersion, int limit);

  /** Up to {@code limit} models with names after {@code afterName}, by name. */
  List<ModelSummary> listModels(Optional<String> afterName, int limit);

  /**
   * Points {@code alias} at {@code version} if {@code expected} holds, records the change (with
   * {@code actor}, who made it) in the change feed and the alias history. A move to the version the
   * alias already points at changes and records nothing.
   *
   * @throws io.propensity.common.error.NotFoundException when the version does not exist
   * @throws io.propensity.common.error.FailedPreconditionException when {@code expected} fails
   */
  AliasMove setAlias(
      String name,
      String alias,
      long version,
      AliasExpectation expected,
      Instant now,
      String actor);

  /**
   * Undoes the alias's newest change that is not undone yet: points it at the version it pointed at
   * before that change, and records a rollback in the change feed.
   *
   * @throws io.propensity.common.error.NotFoundException when the model or alias does not exist
   * @throws io.propensity.common.error.FailedPreconditionException when the alias has no earlier
   *     version
   */
  AliasMove rollback(String name, String alias, Instant now, String actor);

  /**
   * Up to {@code maxLength} bytes of a version's file from {@code offset} (fewer at the end).
   *
   * @throws io.propensity.common.error.NotFoundException when the version or file does not exist
   */
  byte[] readBlob(String name, long version, BlobKind kind, long offset, int maxLength);

  /**
   * The aliases of models in {@code names} (all when empty) as kind INITIAL, and the id of the
   * newest change they include, read as one consistent snapshot.
   */
  AliasSnapshot aliasSnapshot(Set<String> names);

  /** Id of the newest change in the feed; 0 when none. */
  long lastChangeId();

  /**
   * Claims {@code requestId} for job {@code jobId} of {@code replica}, unless a job (of any replica
   * on this database) holds it already; returns the holder, {@code jobId} itself when this call
   * won. Atomic across processes (a unique key).
   */
  JobRequestClaim claimJobRequest(String requestId, String jobId, String replica, Instant now);

  /** Up to {@code limit} changes with ids above {@code afterId}, in id (= commit) order. */
  List<AliasChange> changesAfter(long afterId, int limit);

  /** Releases connections; the store is unusable afterwards. */
  @Override
  void close();

  /**
   * The aliases as they stood after change {@code lastChangeId}.
   *
   * @param aliases one INITIAL entry per alias, by name and alias
   * @param lastChangeId id of the newest change reflected in {@code aliases}
   */
  record AliasSnapshot(List<AliasChange> aliases, long lastChangeId) {
    public AliasSnapshot {
      aliases = List.copyOf(aliases);
    }
  }
}
