package io.propensity.cli;

import io.propensity.client.EventProtoMapper;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.ServedPredictionExport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.inference.v1.ListServedPredictionsRequest;
import propensity.inference.v1.ListServedPredictionsResponse;

/** {@code propensity predictions}: the served-prediction log of inference-service. */
@Command(
    name = "predictions",
    mixinStandardHelpOptions = true,
    description = "The served-prediction log: what inference-service answered.",
    subcommands = {PredictionsCommand.Export.class})
final class PredictionsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code propensity predictions export}: logged predictions to a CSV or JSONL file. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Export logged predictions (ListServedPredictions) to a table training accepts:",
        "request_id,row_index,served_at,endpoint,user_id,model_name,model_version,model_alias,"
            + "probability,decision,threshold,cold_start, then one column per feature under its"
            + " own name (categorical levels by name, empty = missing). No label column yet:"
            + " join outcomes on user_id and served_at. Ranking answers carry no feature values"
            + " and are skipped.",
        "A .jsonl (or .json) --out writes one JSON object per prediction instead, with its top"
            + " factors."
      })
  static final class Export implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;

    @Option(names = "--model", description = "only this model (default: every model)")
    String model;

    @Option(names = "--version", defaultValue = "0", description = "only this version (0 = all)")
    long version;

    @Option(
        names = "--since",
        description = "served at or after: ISO-8601 or an age like 7d (default: the beginning)")
    String since;

    @Option(
        names = "--until",
        description = "served before: ISO-8601 or an age like 1h (default: now)")
    String until;

    @Option(names = "--user", description = "only this user (or provided row id)")
    String user;

    @Option(
        names = "--alias",
        description =
            "only answers served for this alias: production (what callers got) or the shadow's,"
                + " e.g. challenger (default: every alias)")
    String alias;

    @Option(
        names = "--out",
        required = true,
        description = "file to write: .csv (a training table) or .jsonl")
    Path out;

    @Option(
        names = "--page-size",
        defaultValue = "5000",
        description = "predictions per call, 1 to 10000 (default ${DEFAULT-VALUE})")
    int pageSize;

    @Override
    public Integer call() throws IOException {
      PrintWriter console = spec.commandLine().getOut();
      if (pageSize < 1 || pageSize > 10_000) {
        throw new CliException("--page-size " + pageSize + " is outside 1 to 10000", 2);
      }
      if (version < 0) {
        throw new CliException("--version " + version + " is negative", 2);
      }
      Instant now = Instant.now();
      ListServedPredictionsRequest.Builder req =
          ListServedPredictionsRequest.newBuilder()
              .setModelName(model == null ? "" : model)
              .setModelVersion(version)
              .setUserId(user == null ? "" : user)
              .setModelAlias(alias == null ? "" : alias)
              .setPageSize(pageSize);
      if (since != null) {
        req.setStartTime(EventProtoMapper.timestamp(Args.instantOrAge("--since", since, now)));
      }
      req.setEndTime(
          EventProtoMapper.timestamp(
              until == null ? now : Args.instantOrAge("--until", until, now)));
      ServedPredictionExport.Format format = ServedPredictionExport.Format.of(out.toString());
      ServedPredictionExport export;
      try (Endpoints closing = endpoints;
          BufferedWriter w = Files.newBufferedWriter(out)) {
        InferenceServiceClient client = endpoints.inferenceClient();
        export = new ServedPredictionExport(w, format);
        String token = "";
        do {
          ListServedPredictionsResponse page =
              client.listServedPredictions(req.setPageToken(token).build());
          try {
            export.write(page);
          } catch (IllegalStateException e) {
            throw new CliException(e.getMessage(), 3);
          }
          token = page.getNextPageToken();
        } while (!token.isEmpty());
      }
      console.printf(
          "wrote %d predictions to %s (%s)%s%n",
          export.written(),
          out,
          format.name().toLowerCase(java.util.Locale.ROOT),
          export.withoutFeatures() == 0
              ? ""
              : "; skipped "
                  + export.withoutFeatures()
                  + " without feature values (RankTargets answers)");
      return 0;
    }
  }
}
