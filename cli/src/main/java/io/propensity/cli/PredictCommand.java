package io.propensity.cli;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import propensity.features.v1.FeatureSchema;
import propensity.inference.v1.Factor;
import propensity.inference.v1.PredictBatchRequest;
import propensity.inference.v1.PredictBatchResponse;
import propensity.inference.v1.PredictBatchResult;
import propensity.inference.v1.PredictRequest;
import propensity.inference.v1.Prediction;
import propensity.inference.v1.PredictionInput;

/**
 * {@code propensity predict}: scores users, feature vectors or event logs with the served model.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Score users, feature vectors or event logs with the served model.",
      "Scores with the production model served by inference-service: users by id (their online features),",
      "a feature vector given inline or as CSV rows (a header of feature names, e.g. a training-set file),",
      "or an event log (one prediction per user, from those events alone). Prints probability, decision,",
      "model version and, with --explain K, the top K reasons."
    })
final class PredictCommand implements Callable<Integer> {
  /** Rows per PredictBatch call, the contract's most. */
  static final int BATCH = 1000;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  /** Exactly one kind of input. */
  static final class Input {
    @Option(
        names = {"-u", "--user"},
        description = "user id (repeatable)")
    List<String> users = new ArrayList<>();

    @Option(
        names = "--features",
        split = ",",
        description = "inline feature values name=value,…; unnamed features are missing")
    Map<String, String> features;

    @Option(
        names = "--features-file",
        description =
            "CSV of feature rows, a header of feature names. For a model trained on a table (PROVIDED):"
                + " the table's own columns and values (categories as text, empty = missing), batched;"
                + " for an events model: other columns ignored, user_id labels rows")
    Path featuresFile;

    @Option(
        names = "--events",
        description = "event log CSV: one prediction per user from that user's events")
    Path events;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(
      names = "--format",
      defaultValue = "generic",
      description = "with --events: generic | retailrocket | rees46 (default ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = {"-o", "--option"},
      description = "with --events: generic format option key=value")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(
      names = "--model",
      description = "served model name (default: the service's default model)")
  String model;

  @Mixin TableRowOptions rowOptions;

  @Option(
      names = "--explain",
      defaultValue = "0",
      paramLabel = "K",
      description = "top K SHAP factors per prediction, 0 to 50 (default ${DEFAULT-VALUE})")
  int explain;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "also write the predictions to this CSV: id,probability,target,threshold,model,version,"
              + " the probability in full precision (the shortest decimal that reads back as the"
              + " served double)")
  Path outFile;

  /** The CSV lines of {@link #outFile}, in the order printed. */
  private final List<String> written = new ArrayList<>();

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description = "most rows or users scored from a file (default ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (explain < 0 || explain > 50) {
      throw new CliException("--explain " + explain + " is outside 0 to 50", 2);
    }
    try (Endpoints closing = endpoints) {
      List<Inputs.Labelled> inputs = new ArrayList<>();
      if (!input.users.isEmpty()) {
        input.users.forEach(
            u ->
                inputs.add(
                    new Inputs.Labelled(u, PredictionInput.newBuilder().setUserId(u).build())));
      } else if (input.features != null) {
        var schema = Inputs.served(endpoints, model).getFeatureSchema();
        inputs.add(
            new Inputs.Labelled(
                "(inline)",
                PredictionInput.newBuilder()
                    .setFeatures(Inputs.inline(schema, input.features))
                    .build()));
      } else if (input.featuresFile != null) {
        FeatureSchema schema = Inputs.served(endpoints, model).getFeatureSchema();
        if (ProvidedRows.isProvided(schema)) {
          ProvidedRows.Table table = rowOptions.read(schema, input.featuresFile, limit + 1);
          if (table.rows().size() > limit) {
            out.printf("scoring the first %,d rows of %s (--limit)%n", limit, input.featuresFile);
            table = table.first(limit);
          }
          return written(predictProvided(table, out));
        }
        inputs.addAll(Inputs.featureRows(schema, input.featuresFile, limit));
      } else {
        inputs.addAll(
            Inputs.events(EventFiles.readSorted(input.events, format, options, 1_000_000, out)));
        if (inputs.size() > limit) {
          out.printf("scoring the first %,d of %,d users (--limit)%n", limit, inputs.size());
          inputs.subList(limit, inputs.size()).clear();
        }
      }
      int failed = 0;
      if (inputs.size() == 1) {
        Prediction p =
            endpoints
                .inferenceClient()
                .predict(
                    PredictRequest.newBuilder()
                        .setModelName(orEmpty(model))
                        .setInput(inputs.get(0).input())
                        .setExplainTopK(explain)
                        .build())
                .getPrediction();
        print(inputs.get(0).label(), p, out);
      } else {
        for (int from = 0; from < inputs.size(); from += 1000) {
          List<Inputs.Labelled> chunk = inputs.subList(from, Math.min(inputs.size(), from + 1000));
          var r =
              endpoints
                  .inferenceClient()
                  .predictBatch(
                      PredictBatchRequest.newBuilder()
                          .setModelName(orEmpty(model))
                          .addAllInputs(chunk.stream().map(Inputs.Labelled::input).toList())
                          .setExplainTopK(explain)
                          .build());
          failed +=
              printResults(
                  r,
                  chunk.stream().map(Inputs.Labelled::label).toList(),
                  (i, error) -> List.of(error.getMessage()),
                  out);
        }
      }
      return written(exitCode(failed, inputs.size(), "inputs", out));
    }
  }

  /** Writes {@link #outFile} when asked for, then answers {@code exit}. */
  private int written(int exit) {
    if (outFile != null) {
      List<String> lines = new ArrayList<>();
      lines.add("id,probability,target,threshold,model,version");
      lines.addAll(written);
      try {
        Files.write(outFile, lines);
      } catch (IOException | UncheckedIOException e) {
        throw new CliException("cannot write " + outFile + ": " + e.getMessage(), 2);
      }
      spec.commandLine().getOut().printf("wrote %,d predictions to %s%n", written.size(), outFile);
    }
    return exit;
  }

  /**
   * Scores the rows of a table's model in batches of {@value #BATCH}; a row the service refuses is
   * printed with its CSV line and column.
   */
  private int predictProvided(ProvidedRows.Table table, PrintWriter out) {
    int failed = 0;
    List<ProvidedRows.Row> rows = table.rows();
    for (int from = 0; from < rows.size(); from += BATCH) {
      List<ProvidedRows.Row> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
      PredictBatchResponse r;
      try {
        r =
            endpoints
                .inferenceClient()
                .predictBatch(
                    PredictBatchRequest.newBuilder()
                        .setModelName(orEmpty(model))
                        .addAllInputs(
                            chunk.stream()
                                .map(
                                    row ->
                                        PredictionInput.newBuilder()
                                            .setProvided(row.features())
                                            .build())
                                .toList())
                        .setExplainTopK(explain)
                        .build());
      } catch (StatusRuntimeException e) {
        throw table.refused(e, Optional.empty());
      }
      failed +=
          printResults(
              r,
              chunk.stream().map(ProvidedRows.Row::label).toList(),
              (i, error) -> table.explain(error, Optional.of(chunk.get(i))),
              out);
    }
    return exitCode(failed, rows.size(), "rows", out);
  }

  /**
   * Prints each result of a batch under its input's label, a refused one as its error lines;
   * returns how many were refused.
   */
  private int printResults(
      PredictBatchResponse r,
      List<String> labels,
      BiFunction<Integer, com.google.rpc.Status, List<String>> errorLines,
      PrintWriter out) {
    int failed = 0;
    for (int i = 0; i < labels.size(); i++) {
      PredictBatchResult res = r.getResults(i);
      if (res.hasPrediction()) {
        print(labels.get(i), res.getPrediction(), out);
      } else {
        failed++;
        for (String line : errorLines.apply(i, res.getError())) {
          out.printf("%-12s error: %s%n", labels.get(i), line);
        }
      }
    }
    return failed;
  }

  /** Flushes the output; when some were refused, says how many (of {@code what}) and exits 3. */
  private int exitCode(int failed, int total, String what, PrintWriter out) {
    out.flush();
    if (failed > 0) {
      spec.commandLine()
          .getErr()
          .printf("error: %d of %d %s could not be scored%n", failed, total, what);
      return 3;
    }
    return 0;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private void print(String label, Prediction p, PrintWriter out) {
    Prediction shown = p.getUserId().isEmpty() ? p.toBuilder().setUserId(label).build() : p;
    written.add(
        String.join(
            ",",
            Tables.csvCell(shown.getUserId()),
            Double.toString(p.getProbability()),
            Boolean.toString(p.getLabel()),
            Double.toString(p.getThreshold()),
            Tables.csvCell(p.getModelName()),
            Long.toString(p.getModelVersion())));
    out.println(Show.prediction(shown));
    for (Factor f : p.getFactorsList()) {
      out.println(Show.factor(f));
    }
  }
}
