package io.propensity.inference;

import io.micronaut.runtime.Micronaut;
import io.propensity.client.security.ServiceTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Entry point of the inference-service: serves low-latency predictions with explanations, live
 * event streams and campaign targets.
 */
public final class InferenceServiceApplication {
  private InferenceServiceApplication() {}

  public static void main(String[] args) {
    isolateNativeExtraction();
    Micronaut.build(args)
        .mainClass(InferenceServiceApplication.class)
        .banner(false)
        // HTTP on TLS with the gRPC server's PEM files unless insecure (ServiceTls)
        .properties(ServiceTls.httpServerProperties(ServiceTls.systemLookup(System.getenv())))
        .start();
  }

  /**
   * LightGBM4j 4.3.0-1 extracts its native libraries to fixed names in {@code java.io.tmpdir} on
   * every load, overwriting the copy any other JVM on the host (training-service, a test run) has
   * mapped, which then crashes with SIGBUS. Unless {@code LIGHTGBM_NATIVE_LIB_PATH} points at
   * installed libraries, this process takes a private temporary directory, removed at exit.
   */
  static void isolateNativeExtraction() {
    if (System.getenv("LIGHTGBM_NATIVE_LIB_PATH") != null) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("inference-service-");
      System.setProperty("java.io.tmpdir", dir.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "tmpdir-cleanup"));
    } catch (IOException | SecurityException e) {
      System.err.println("cannot create a private temporary directory, using the shared one: " + e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // best effort at exit
    }
  }
}
