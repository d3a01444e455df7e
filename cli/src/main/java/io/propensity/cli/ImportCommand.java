package io.propensity.cli;

import io.propensity.client.FeatureServiceClient;
import io.propensity.engine.event.EventValidator;
import io.propensity.sources.csv.CsvHeaderException;
import io.propensity.sources.csv.EventImport;
import io.propensity.sources.csv.EventSourceFormats;
import io.propensity.sources.csv.GenericCsvFormat;
import io.propensity.sources.csv.ImportReport;
import io.propensity.sources.csv.RowError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import propensity.features.v1.StreamIngestEventsResponse;

/** {@code propensity import}: streams a CSV log into the feature service. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import a CSV behaviour log into the feature service (one event per row).",
      "Formats: generic (configurable with --option), retailrocket, rees46. Bad rows are reported with",
      "their line number and reason, counted, and never half-imported."
    })
final class ImportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Endpoints endpoints;

  @Parameters(index = "0", description = "the CSV file (.csv or .csv.gz)")
  Path file;

  @Option(
      names = "--format",
      defaultValue = "generic",
      description = "generic | retailrocket | rees46 (default ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = {"-o", "--option"},
      description =
          "generic format option key=value, e.g. user-column=visitor, time-format=EPOCH_MILLIS, type-map=buy=PURCHASE,pv=PAGE_VIEW")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(
      names = "--batch",
      defaultValue = "500",
      description = "events per stream message (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--max-errors-shown",
      defaultValue = "20",
      description = "bad rows listed (all are counted)")
  int maxErrorsShown;

  @Option(names = "--fail-on-rejects", description = "exit with status 5 when any row was rejected")
  boolean failOnRejects;

  /** The generic format's options, one per line, for the end of {@code import --help}. */
  static String[] genericOptionsHelp() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Options of the generic format (-o key=value):");
    GenericCsvFormat.OPTIONS.forEach(
        (k, v) -> {
          lines.add("  " + k);
          lines.add("      " + v);
        });
    return lines.toArray(String[]::new);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isReadable(file)) {
      throw new CliException("cannot read " + file, 2);
    }
    EventSourceFormats fmt;
    try {
      fmt = EventSourceFormats.byName(format);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
    EventImport rows;
    try {
      rows = fmt.importer(options, EventValidator.systemDefault()).open(file);
    } catch (CsvHeaderException | IllegalArgumentException e) {
      throw new CliException(file + ": " + e.getMessage(), 2);
    }
    long started = System.nanoTime();
    StreamIngestEventsResponse summary;
    try (rows;
        FeatureServiceClient client = endpoints.featureClient()) {
      long[] lastPrint = {0};
      summary =
          client.ingest(
              rows,
              batch,
              Duration.ofHours(6),
              sent -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] > 1_000_000_000L) {
                  lastPrint[0] = now;
                  out.printf("  sent %,d events (%,.0f/s)%n", sent, sent / ((now - started) / 1e9));
                  out.flush();
                }
              });
    }
    ImportReport report = rows.report();
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "file %s (%s): %,d rows read, %,d events parsed, %,d rows rejected, %,d blank lines%n",
        file,
        fmt.cliName(),
        report.rowsRead(),
        report.imported(),
        report.rejected(),
        report.blankLines());
    out.printf(
        "feature-service: %,d accepted, %,d duplicates, %,d conflicts, %,d rejected, in %.1f s%n",
        summary.getAcceptedCount(),
        summary.getDuplicateCount(),
        summary.getConflictCount(),
        summary.getRejectedCount(),
        seconds);
    int conflictsShown = 0;
    for (var c : summary.getConflictsList()) {
      if (conflictsShown++ == maxErrorsShown) {
        out.printf("  … %,d more conflicts%n", summary.getConflictCount() - maxErrorsShown);
        break;
      }
      out.printf(
          "  event %,d: event_id %s is stored with other content (%s differ); not stored%n",
          c.getIndex(), c.getEventId(), String.join(", ", c.getFieldsList()));
    }
    int shown = 0;
    for (RowError e : report.errors()) {
      if (shown++ == maxErrorsShown) {
        out.printf("  … %,d more bad rows%n", report.errorCount() - maxErrorsShown);
        break;
      }
      out.println("  " + e);
    }
    report.abortReason().ifPresent(r -> out.println("  import stopped: " + r));
    for (var r : summary.getRejectionsList()) {
      if (shown++ >= maxErrorsShown) {
        break;
      }
      out.println(
          "  event "
              + r.getEventId()
              + " refused: "
              + r.getViolationsList().stream()
                  .map(v -> v.getField() + ": " + v.getDescription())
                  .toList());
    }
    out.flush();
    boolean rejected =
        report.rejected() > 0 || summary.getRejectedCount() > 0 || report.abortReason().isPresent();
    return failOnRejects && rejected ? 5 : 0;
  }
}
