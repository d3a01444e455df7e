package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import io.propensity.client.FeatureServiceClient;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.features.v1.BuildTrainingSetResponse;
import propensity.features.v1.FeatureDefinition;
import propensity.features.v1.Target;
import propensity.features.v1.TrainingRow;
import propensity.features.v1.TrainingSetSpec;

/** {@code propensity training-set}: builds a point-in-time training set into a CSV file. */
@Command(
    name = "training-set",
    mixinStandardHelpOptions = true,
    description =
        "Build a point-in-time training set (rolling cutoffs) and write it as CSV with a label"
            + " column. Cutoffs left out are placed where the stored events are dense.")
final class TrainingSetCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Option(
      names = "--target",
      defaultValue = "purchase",
      description = "purchase | churn | session-conversion (default ${DEFAULT-VALUE})")
  String target;

  @Option(
      names = "--horizon",
      converter = DurationConverter.class,
      description =
          "label window after each cutoff, 1m to 365d (churn: 30m or more); ignored by"
              + " session-conversion (default 7d)")
  Duration horizon;

  @Option(
      names = "--from",
      description =
          "first cutoff, ISO-8601 (e.g. 2026-03-01T00:00:00Z) or an age (40d = 40 days ago)"
              + " (default: where the events are dense, with history before it)")
  String from;

  @Option(
      names = "--to",
      description =
          "last cutoff, ISO-8601 or an age (default: the horizon, or the 30m session gap, before"
              + " the dense part of the events ends)")
  String to;

  @Option(
      names = "--step",
      converter = DurationConverter.class,
      description =
          "spacing of cutoffs, 1m or more (default: 1m to 7d, at least 8 intervals over the range)")
  Duration step;

  @Option(
      names = "--sample",
      defaultValue = "0",
      description = "most rows, a seeded uniform sample (0 = all)")
  long sample;

  @Option(names = "--out", required = true, description = "CSV file to write")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    Target t = Args.target(target);
    TrainingSetSpec s =
        TrainingSetRequests.spec(endpoints, t, horizon, from, to, step, console)
            .setSampleLimit(sample)
            .build();
    try (FeatureServiceClient client = endpoints.featureClient();
        BufferedWriter w = Files.newBufferedWriter(out)) {
      Iterator<BuildTrainingSetResponse> it = client.trainingSet(s, Duration.ofHours(2));
      while (it.hasNext()) {
        BuildTrainingSetResponse r = it.next();
        switch (r.getPayloadCase()) {
          case HEADER -> {
            List<FeatureDefinition> f = r.getHeader().getSchema().getFeaturesList();
            w.write("user_id,cutoff");
            for (FeatureDefinition d : f) {
              w.write("," + d.getName());
            }
            w.write(",label\n");
            console.printf(
                "schema %s, %d cutoffs%n",
                r.getHeader().getSchema().getVersionHash(), r.getHeader().getCutoffsCount());
          }
          case ROWS -> {
            for (TrainingRow row : r.getRows().getRowsList()) {
              w.write(row.getUserId().replace(",", "_"));
              w.write(',');
              w.write(EventProtoMapper.instant(row.getCutoff()).toString());
              for (double v : row.getValuesList()) {
                w.write(',');
                w.write(Double.toString(v));
              }
              w.write(row.getLabel() ? ",TRUE\n" : ",FALSE\n");
            }
          }
          case PROGRESS ->
              console.printf(
                  "  %5.1f%%  %,d rows (%,d positive)%n",
                  r.getProgress().getPercent(),
                  r.getProgress().getRowsSent(),
                  r.getProgress().getPositiveRowsSent());
          case SUMMARY ->
              console.printf(
                  "wrote %,d rows (%,d positive, %.2f%%) for %,d users to %s in %d s%n",
                  r.getSummary().getRowCount(),
                  r.getSummary().getPositiveCount(),
                  100 * r.getSummary().getPositiveRate(),
                  r.getSummary().getUserCount(),
                  out,
                  r.getSummary().getElapsed().getSeconds());
          default -> {}
        }
        console.flush();
      }
    }
    return 0;
  }
}
