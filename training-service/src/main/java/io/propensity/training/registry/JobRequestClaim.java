package io.propensity.training.registry;

/**
 * The training job that holds a StartTraining request id, and the replica that started it.
 *
 * @param jobId the job started for the request id
 * @param replica the training-service replica running it
 */
public record JobRequestClaim(String jobId, String replica) {}
