package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import io.propensity.client.TrainingServiceClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import propensity.training.v1.Job;
import propensity.training.v1.JobProgress;
import propensity.training.v1.JobState;
import propensity.training.v1.WatchJobRequest;
import propensity.training.v1.WatchJobResponse;

/** Following a training job and describing it. */
final class Jobs {
  private Jobs() {}

  /**
   * Watches a job until it ends, printing a progress line when the stage changes or at most every
   * 1.5 s, and returns the job in its terminal state.
   */
  static Job follow(
      TrainingServiceClient training,
      String jobId,
      Duration timeout,
      PrintWriter out,
      String indent) {
    Job last = null;
    String lastLine = "";
    JobProgress.Builder none = JobProgress.newBuilder();
    String lastStage = none.getStage().name();
    long lastAt = 0;
    Iterator<WatchJobResponse> it =
        training
            .withDeadline(timeout)
            .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
    while (it.hasNext()) {
      WatchJobResponse r = it.next();
      if (r.hasJob()) {
        last = r.getJob();
      }
      if (r.hasProgress()) {
        JobProgress p = r.getProgress();
        String line =
            String.format(
                Locale.ROOT,
                "%s%3.0f%% %-11s %s",
                indent,
                p.getPercent(),
                stage(p),
                p.getMessage());
        long now = System.nanoTime();
        if (!line.equals(lastLine)
            && (now - lastAt > 1_500_000_000L || !p.getStage().name().equals(lastStage))) {
          out.println(line);
          out.flush();
          lastLine = line;
          lastStage = p.getStage().name();
          lastAt = now;
        }
      }
    }
    if (last == null || !terminal(last.getState())) {
      throw new CliException(
          "the watch of job "
              + jobId
              + " ended before the job did; see `propensity jobs show "
              + jobId
              + "`",
          1);
    }
    return last;
  }

  static boolean terminal(JobState s) {
    return s == JobState.JOB_STATE_SUCCEEDED
        || s == JobState.JOB_STATE_FAILED
        || s == JobState.JOB_STATE_CANCELLED;
  }

  static String stage(JobProgress p) {
    return p.getStage()
        .name()
        .replace("TRAINING_STAGE_", "")
        .toLowerCase(Locale.ROOT)
        .replace('_', '-');
  }

  static String state(JobState s) {
    return s.name().replace("JOB_STATE_", "").toLowerCase(Locale.ROOT);
  }

  /** A training job's outcome: evaluation, version, promotion; or why it did not succeed. */
  static void printOutcome(Job job, PrintWriter out) {
    switch (job.getState()) {
      case JOB_STATE_SUCCEEDED -> {
        var e = job.getEvaluation();
        out.println(
            Show.f(
                "registered %s version %d; test rows %,d (%.1f%% positive):",
                job.getModelName(),
                job.getModelVersion(),
                e.getTestRowCount(),
                100 * e.getTestPositiveRate()));
        out.println(Show.metrics("LightGBM", e.getModel()));
        if (e.hasBaseline()) {
          out.println(Show.metrics("baseline", e.getBaseline()));
        }
        if (e.hasCalibration()) {
          out.println(Show.calibration(e.getCalibration()));
        }
        Show.comparison(e).forEach(out::println);
        if (job.hasPromotion()) {
          var p = job.getPromotion();
          out.println(
              Show.f(
                  "promotion (%s): %s — %s",
                  p.getAlias(), p.getPromoted() ? "promoted" : "not promoted", p.getReason()));
        }
      }
      case JOB_STATE_FAILED ->
          out.println("job " + job.getJobId() + " failed: " + job.getFailureReason());
      case JOB_STATE_CANCELLED ->
          out.println("job " + job.getJobId() + " was cancelled; nothing was registered");
      default -> out.println("job " + job.getJobId() + " is " + state(job.getState()));
    }
    out.flush();
  }

  static String duration(Job j) {
    if (!j.hasStartedAt()) {
      return "-";
    }
    var end =
        j.hasFinishedAt() ? EventProtoMapper.instant(j.getFinishedAt()) : java.time.Instant.now();
    long s = Duration.between(EventProtoMapper.instant(j.getStartedAt()), end).toSeconds();
    return s < 120 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
  }
}
