package io.propensity.cli;

import io.propensity.common.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Feature-, training- and inference-service processes started from this checkout's built jars,
 * sharing one data directory, for the CLI's stack ITs; a test is skipped with a message when the
 * jars are not built.
 */
final class LocalStack {
  private final Path dir;
  private final Path fsJar;
  private final Path tsJar;
  private final Path isJar;
  ServiceProcess features;
  ServiceProcess training;
  ServiceProcess inference;

  private LocalStack(Path dir, Path fsJar, Path tsJar, Path isJar) {
    this.dir = dir;
    this.fsJar = fsJar;
    this.tsJar = tsJar;
    this.isJar = isJar;
  }

  /** A stack whose data, temporary files and logs go under {@code dir}; skips when unbuilt. */
  static LocalStack ofBuiltJars(Path dir) {
    Path fsJar = ServiceProcess.builtJarOf("feature-service").orElse(null);
    Path tsJar = ServiceProcess.builtJarOf("training-service").orElse(null);
    Path isJar = ServiceProcess.builtJarOf("inference-service").orElse(null);
    Assumptions.assumeTrue(
        fsJar != null && tsJar != null && isJar != null,
        "service jars not built: run `mvn -DskipTests package` (feature-, training-, inference-service) first");
    return new LocalStack(dir, fsJar, tsJar, isJar);
  }

  /** Starts feature-service, then training-service, each SERVING before this returns. */
  void startFeaturesAndTraining() throws Exception {
    features =
        ServiceProcess.of(
            fsJar,
            Map.of("PROPENSITY_DATA_DIR", data()),
            List.of("-Xmx384m"),
            dir.resolve("fs.log"));
    features.start(Duration.ofSeconds(90));
    Files.createDirectories(dir.resolve("tmp-ts"));
    training =
        ServiceProcess.of(
            tsJar,
            Map.of("PROPENSITY_DATA_DIR", data(), "PROPENSITY_TRAINING_FEATURE_SERVICE", fs()),
            List.of("-Xmx1g", "-Djava.io.tmpdir=" + dir.resolve("tmp-ts")),
            dir.resolve("ts.log"));
    training.start(Duration.ofSeconds(90));
  }

  /**
   * Starts inference-service, SERVING once it has loaded the production model of its default model
   * (purchase-7d). Its feature-service deadline is generous: a busy CI machine can stall a by-user
   * call past the 300 ms production default, which would fail the CLI commands under test for a
   * reason that is not theirs.
   *
   * @param env more environment of the process
   */
  void startInference(Map<String, String> env, String maxHeap) throws Exception {
    Files.createDirectories(dir.resolve("tmp-is"));
    Map<String, String> all = new HashMap<>(env);
    all.put("PROPENSITY_DATA_DIR", data());
    all.put("PROPENSITY_INFERENCE_REGISTRY_TARGET", ts());
    all.put("PROPENSITY_INFERENCE_FEATURE_SERVICE_TARGET", fs());
    all.put("PROPENSITY_INFERENCE_FEATURE_SERVICE_DEADLINE", "5s");
    inference =
        ServiceProcess.of(
            isJar,
            all,
            List.of("-Xmx" + maxHeap, "-Djava.io.tmpdir=" + dir.resolve("tmp-is")),
            dir.resolve("is.log"));
    inference.start(Duration.ofSeconds(90));
  }

  void stop() throws InterruptedException {
    for (ServiceProcess p : new ServiceProcess[] {inference, training, features}) {
      if (p != null) {
        p.stop();
      }
    }
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  String fs() {
    return "127.0.0.1:" + features.grpcPort();
  }

  String ts() {
    return "127.0.0.1:" + training.grpcPort();
  }

  String is() {
    return "127.0.0.1:" + inference.grpcPort();
  }

  /** The CLI pointed at these services (inference-service unreachable until it is started). */
  CliRun.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--feature-service=" + fs(),
            "--training-service=" + ts(),
            "--inference-service=" + (inference == null ? "127.0.0.1:1" : is()),
            // the services run with the test JVMs' PROPENSITY_SECURITY_INSECURE=true
            "--insecure"));
    return CliRun.run(all.toArray(String[]::new));
  }
}
