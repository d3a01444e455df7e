package io.propensity.bench.quality;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the {@code propensity} command line as a user would, as its own JVM from the CLI's
 * executable jar, against the stack of one base port; every command's output goes to a log file,
 * and its exit code and output come back.
 */
final class CliRunner {
  /** Overrides where the CLI's {@code -all} jar is looked for. */
  static final String JAR_ENV = "PROPENSITY_BENCH_CLI_JAR";

  private final Path jar;
  private final Path home;
  private final int basePort;
  private final Path stateDir;
  private final Path log;

  CliRunner(Path home, int basePort, Path stateDir, Path log) {
    this.jar = cliJar(home);
    this.home = home;
    this.basePort = basePort;
    this.stateDir = stateDir;
    this.log = log;
  }

  /** {@value #JAR_ENV}, else {@code cli/target/propensity-cli-*-all.jar} of the checkout. */
  static Path cliJar(Path home) {
    String override = System.getenv(JAR_ENV);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    Path target = home.resolve("cli").resolve("target");
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().matches("propensity-cli-.*-all\\.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no propensity-cli-*-all.jar in " + target + ": run bench/run.sh quality"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + target, e);
    }
  }

  /** What a command printed and how it ended. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs {@code propensity args…}, waiting at most {@code timeout}. */
  Result run(List<String> args, Duration timeout) throws InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().put("PROPENSITY_HOME", home.toString());
    b.environment().put("PROPENSITY_BASE_PORT", Integer.toString(basePort));
    // the bench's stack runs plaintext (up and every command), by the explicit switch
    b.environment().put("PROPENSITY_INSECURE", "true");
    Path out;
    try {
      out = Files.createTempFile(log.getParent(), "cli-", ".out");
      b.redirectOutput(out.toFile());
      append("$ propensity " + String.join(" ", args) + "\n");
      Process p = b.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor();
        String text = Files.readString(out, StandardCharsets.UTF_8);
        append(text + "\n(killed after " + timeout + ")\n");
        return new Result(-1, text);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      append(text + "(exit " + p.exitValue() + ")\n");
      Files.deleteIfExists(out);
      return new Result(p.exitValue(), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code propensity up} for this base port and state directory. */
  Result up() throws InterruptedException {
    return run(
        List.of(
            "up", "--base-port", Integer.toString(basePort), "--state-dir", stateDir.toString()),
        Duration.ofMinutes(5));
  }

  /** {@code propensity down} for this base port and state directory. */
  Result down() throws InterruptedException {
    return run(
        List.of(
            "down", "--base-port", Integer.toString(basePort), "--state-dir", stateDir.toString()),
        Duration.ofMinutes(2));
  }

  /** The training-service's gRPC port of this stack (the registry). */
  int trainingPort() {
    return basePort + 2;
  }

  private void append(String text) throws IOException {
    Files.writeString(
        log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
