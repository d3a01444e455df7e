package io.propensity.training.jobs;

/**
 * Where the request ids of training jobs are claimed, so that a job starts once per request id
 * across every training-service replica sharing the claims (the registry database).
 */
@FunctionalInterface
public interface JobClaims {
  /** Claims held by this process only: every claim wins (one replica). */
  JobClaims IN_PROCESS = (requestId, jobId) -> new Holder(jobId, "this process");

  /**
   * Claims {@code requestId} for {@code jobId}; returns the job holding it, {@code jobId} itself
   * when this claim won.
   */
  Holder claim(String requestId, String jobId);

  /**
   * The job holding a request id.
   *
   * @param jobId the job started for it
   * @param replica the replica running that job
   */
  record Holder(String jobId, String replica) {}
}
