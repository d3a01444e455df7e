package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.training.v1.CancelJobRequest;
import propensity.training.v1.GetJobRequest;
import propensity.training.v1.Job;
import propensity.training.v1.JobState;
import propensity.training.v1.ListJobsRequest;
import propensity.training.v1.ListJobsResponse;

/** {@code propensity jobs}: training jobs of the training service. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = {
      "List training jobs (newest first); `jobs show ID`, `jobs watch ID`, `jobs cancel ID`.",
      "Jobs live in the training service's memory: a restart forgets finished jobs (their versions stay)."
    },
    subcommands = {
      JobsCommand.ShowJob.class,
      JobsCommand.WatchJob.class,
      JobsCommand.CancelJob.class
    })
final class JobsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Option(names = "--model", description = "only jobs of this model")
  String model;

  @Option(
      names = "--state",
      description = "only jobs in this state: queued | running | succeeded | failed | cancelled")
  String state;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "most jobs shown (default ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (limit < 1 || limit > 500) {
      throw new CliException("--limit " + limit + " is outside 1 to 500", 2);
    }
    try (Endpoints closing = endpoints) {
      ListJobsRequest.Builder req = ListJobsRequest.newBuilder().setPageSize(limit);
      if (model != null) {
        req.setModelName(model);
      }
      if (state != null) {
        try {
          req.addStates(JobState.valueOf("JOB_STATE_" + state.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new CliException(
              "--state " + state + " is not one of queued, running, succeeded, failed, cancelled",
              2);
        }
      }
      ListJobsResponse r = endpoints.trainingClient().listJobs(req.build());
      if (r.getJobsCount() == 0) {
        out.println(
            "no jobs"
                + (model != null ? " of " + model : "")
                + " (the training service keeps jobs in memory until it restarts)");
        out.flush();
        return 0;
      }
      out.printf(
          "%-38s %-16s %-10s %-20s %7s %7s  %s%n",
          "job", "model", "state", "created", "took", "version", "progress / outcome");
      for (Job j : r.getJobsList()) {
        String outcome =
            switch (j.getState()) {
              case JOB_STATE_SUCCEEDED ->
                  Show.f(
                      "ROC-AUC %.3f PR-AUC %.3f F1 %.3f%s",
                      j.getEvaluation().getModel().getRocAuc(),
                      j.getEvaluation().getModel().getPrAuc(),
                      j.getEvaluation().getModel().getF1(),
                      j.hasPromotion() && j.getPromotion().getPromoted()
                          ? ", promoted to " + j.getPromotion().getAlias()
                          : "");
              case JOB_STATE_FAILED -> j.getFailureReason();
              case JOB_STATE_RUNNING ->
                  Show.f(
                      "%.0f%% %s %s",
                      j.getProgress().getPercent(),
                      Jobs.stage(j.getProgress()),
                      j.getProgress().getMessage());
              default -> "";
            };
        out.printf(
            "%-38s %-16s %-10s %-20s %7s %7s  %s%n",
            j.getJobId(),
            j.getSpec().getModelName(),
            Jobs.state(j.getState()),
            EventProtoMapper.instant(j.getCreatedAt()).truncatedTo(ChronoUnit.SECONDS),
            Jobs.duration(j),
            j.getModelVersion() == 0 ? "-" : "v" + j.getModelVersion(),
            outcome);
      }
      if (!r.getNextPageToken().isEmpty()) {
        out.println("… more jobs: raise --limit");
      }
      out.flush();
      return 0;
    }
  }

  /** {@code jobs show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one job: spec, state, progress, outcome.")
  static final class ShowJob implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", description = "job id")
    String jobId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Endpoints closing = endpoints) {
        Job j =
            endpoints
                .trainingClient()
                .getJob(GetJobRequest.newBuilder().setJobId(jobId).build())
                .getJob();
        out.printf(
            "job      %s%nmodel    %s%nstate    %s%ncreated  %s%n",
            j.getJobId(),
            j.getSpec().getModelName(),
            Jobs.state(j.getState()),
            EventProtoMapper.instant(j.getCreatedAt()));
        if (j.hasStartedAt()) {
          out.printf("ran      %s%n", Jobs.duration(j));
        }
        var src = j.getSpec().getDataSource();
        out.printf(
            "data     %s%n",
            src.hasTabularFile()
                ? "CSV "
                    + src.getTabularFile().getPath()
                    + " (label "
                    + src.getTabularFile().getLabelColumn()
                    + ")"
                : "feature-service training set: "
                    + Show.f(
                        "%s, horizon %s",
                        Args.targetName(src.getFeatureServiceTrainingSet().getTarget()),
                        DurationConverter.format(
                            EventProtoMapper.duration(
                                src.getFeatureServiceTrainingSet().getHorizon()))));
        var t = j.getSpec().getTuning();
        out.printf(
            "tuning   %s, %d trials, %d folds%n",
            t.getStrategy().name().replace("SEARCH_STRATEGY_", "").toLowerCase(Locale.ROOT),
            t.getMaxTrials(),
            t.getFolds());
        if (j.getState() == JobState.JOB_STATE_RUNNING) {
          out.printf(
              "progress %.0f%% %s %s%n",
              j.getProgress().getPercent(),
              Jobs.stage(j.getProgress()),
              j.getProgress().getMessage());
        }
        Jobs.printOutcome(j, out);
        out.flush();
        return 0;
      }
    }
  }

  /** {@code jobs watch ID}. */
  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      description = "Follow a job's progress until it ends; exit 0 only if it succeeded.")
  static final class WatchJob implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", description = "job id")
    String jobId;

    @Option(
        names = "--timeout",
        defaultValue = "2h",
        converter = DurationConverter.class,
        description = "how long to follow (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Endpoints closing = endpoints) {
        Job j = Jobs.follow(endpoints.trainingClient(), jobId, timeout, out, "  ");
        Jobs.printOutcome(j, out);
        return j.getState() == JobState.JOB_STATE_SUCCEEDED ? 0 : 1;
      }
    }
  }

  /** {@code jobs cancel ID}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Cancel a queued or running job (a running one stops at its next checkpoint and registers nothing).")
  static final class CancelJob implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Parameters(index = "0", description = "job id")
    String jobId;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Endpoints closing = endpoints) {
        Job j =
            endpoints
                .trainingClient()
                .cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build())
                .getJob();
        out.println(
            j.getState() == JobState.JOB_STATE_CANCELLED
                ? "job " + jobId + " cancelled"
                : "job "
                    + jobId
                    + " is "
                    + Jobs.state(j.getState())
                    + "; it stops at its next checkpoint (propensity jobs watch "
                    + jobId
                    + ")");
        out.flush();
        return 0;
      }
    }
  }
}
