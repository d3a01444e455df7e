package io.propensity.cli;

import io.propensity.sources.csv.GenericCsvWriter;
import io.propensity.sources.demo.DemoConfig;
import io.propensity.sources.demo.DemoDataGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code propensity generate}: writes a deterministic synthetic clickstream as generic CSV. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Generate a deterministic synthetic clickstream (demo data) as a generic-format CSV file.")
final class GenerateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--users",
      defaultValue = "2000",
      description = "number of shoppers (default ${DEFAULT-VALUE})")
  int users;

  @Option(
      names = "--days",
      defaultValue = "60",
      description = "days of history ending now (default ${DEFAULT-VALUE})")
  int days;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", required = true, description = "CSV file to write")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
    DemoConfig config =
        DemoConfig.defaults(users, end)
            .withSeed(seed)
            .withWindow(end.minus(Duration.ofDays(days)), end);
    long started = System.nanoTime();
    try (Writer w = Files.newBufferedWriter(out);
        GenericCsvWriter csv = new GenericCsvWriter(w)) {
      csv.writeAll(new DemoDataGenerator(config).events());
      console.printf(
          "wrote %,d events of %,d users (%d days to %s) to %s in %.1f s%n",
          csv.written(), users, days, end, out, (System.nanoTime() - started) / 1e9);
    }
    console.flush();
    return 0;
  }
}
