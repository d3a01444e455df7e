package io.propensity.cli;

import io.grpc.ManagedChannel;
import io.propensity.client.FeatureServiceClient;
import io.propensity.client.InferenceServiceClient;
import io.propensity.client.ModelRegistryClient;
import io.propensity.client.TrainingServiceClient;
import io.propensity.client.security.ChannelSecurity;
import io.propensity.client.security.SecurityDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the services are, shared by the commands that talk to them: an option, else its environment
 * variable, else the port of {@code PROPENSITY_BASE_PORT}'s stack, else the default stack's port on
 * 127.0.0.1; and how to reach them: TLS with the CA, client certificate and token of the options or
 * {@code PROPENSITY_CA_FILE}/{@code _CERT_FILE}/{@code _KEY_FILE}/{@code PROPENSITY_TOKEN}, else of
 * the local stack's security directory, or plaintext with {@code --insecure}. Opens channels lazily
 * and closes them with the command.
 */
final class Endpoints implements AutoCloseable {
  @Option(
      names = "--feature-service",
      description =
          "feature-service gRPC address host:port, or replicas host1:port,host2:port or dns:///name:port"
              + " balanced call by call (env PROPENSITY_FEATURE_SERVICE; default 127.0.0.1:50051)")
  String featureService;

  @Option(
      names = "--training-service",
      description =
          "training-service (and model registry) gRPC address, or replicas as for --feature-service"
              + " (env PROPENSITY_TRAINING_SERVICE; default 127.0.0.1:50052)")
  String trainingService;

  @Option(
      names = "--inference-service",
      description =
          "inference-service gRPC address, or replicas as for --feature-service (env"
              + " PROPENSITY_INFERENCE_SERVICE; default 127.0.0.1:50053)")
  String inferenceService;

  @Option(
      names = "--deadline",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "deadline of each call, e.g. 10s, 2m (default ${DEFAULT-VALUE})")
  Duration deadline;

  @Option(
      names = "--ca-file",
      paramLabel = "<pem>",
      description =
          "CA certificates the services' TLS certificates must chain to (env PROPENSITY_CA_FILE;"
              + " default: the local stack's security/ca.pem)")
  Path caFile;

  @Option(
      names = "--cert-file",
      paramLabel = "<pem>",
      description = "client certificate for mutual TLS (env PROPENSITY_CERT_FILE)")
  Path certFile;

  @Option(
      names = "--key-file",
      paramLabel = "<pem>",
      description = "PKCS#8 key of --cert-file (env PROPENSITY_KEY_FILE)")
  Path keyFile;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description =
          "bearer token sent with every call (env PROPENSITY_TOKEN; default: the local stack's"
              + " security/admin.token)")
  String token;

  @Option(
      names = "--insecure",
      description =
          "plaintext, no credentials: for a stack started with --insecure (env"
              + " PROPENSITY_INSECURE=true)")
  boolean insecure;

  private final List<ManagedChannel> opened = new ArrayList<>();
  private Stack stack;
  private ChannelSecurity security;
  private ManagedChannel training;
  private ManagedChannel inference;

  String feature() {
    return resolve(featureService, "PROPENSITY_FEATURE_SERVICE", 1);
  }

  String training() {
    return resolve(trainingService, "PROPENSITY_TRAINING_SERVICE", 2);
  }

  String inference() {
    return resolve(inferenceService, "PROPENSITY_INFERENCE_SERVICE", 3);
  }

  private static String resolve(String option, String env, int slot) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    Optional<String> fromEnv = Optional.ofNullable(System.getenv(env)).filter(s -> !s.isBlank());
    if (fromEnv.isPresent()) {
      return fromEnv.get();
    }
    int base = Stack.DEFAULT_BASE_PORT;
    String b = System.getenv("PROPENSITY_BASE_PORT");
    if (b != null && !b.isBlank()) {
      try {
        base = Integer.parseInt(b.trim());
      } catch (NumberFormatException e) {
        throw new CliException("PROPENSITY_BASE_PORT=" + b + " is not a port number", 2);
      }
    }
    return "127.0.0.1:" + (base + slot);
  }

  /** Whether plaintext was asked for, by {@code --insecure} or {@code PROPENSITY_INSECURE=true}. */
  boolean insecureRequested() {
    return insecure
        || envValue(System.getenv(), "PROPENSITY_INSECURE")
            .map(Boolean::parseBoolean)
            .orElse(false);
  }

  /**
   * Takes the credentials of {@code stack} (its security directory, or plaintext when it runs
   * insecure) where no option or environment variable gives them; the default stack otherwise.
   */
  Endpoints useStack(Stack stack) {
    this.stack = stack;
    this.security = null;
    return this;
  }

  /**
   * How this command connects: an option, else its environment variable, else the stack's own
   * settings ({@link Stack#clientSecurity}); TLS options given explicitly win over an insecure
   * environment.
   */
  ChannelSecurity security() {
    if (security == null) {
      security = resolveSecurity(System.getenv());
    }
    return security;
  }

  ChannelSecurity resolveSecurity(java.util.Map<String, String> env) {
    boolean explicitTls = caFile != null || certFile != null || keyFile != null || token != null;
    if (insecure) {
      if (explicitTls) {
        throw new CliException(
            "--insecure (plaintext) excludes --ca-file, --cert-file, --key-file and --token", 2);
      }
      return ChannelSecurity.plaintext();
    }
    Optional<Path> ca = Optional.ofNullable(caFile).or(() -> envPath(env, "PROPENSITY_CA_FILE"));
    Optional<Path> cert =
        Optional.ofNullable(certFile).or(() -> envPath(env, "PROPENSITY_CERT_FILE"));
    Optional<Path> key = Optional.ofNullable(keyFile).or(() -> envPath(env, "PROPENSITY_KEY_FILE"));
    Optional<String> tok = Optional.ofNullable(token).or(() -> envValue(env, "PROPENSITY_TOKEN"));
    boolean anyGiven = ca.isPresent() || cert.isPresent() || key.isPresent() || tok.isPresent();
    if (!explicitTls
        && envValue(env, "PROPENSITY_INSECURE").map(Boolean::parseBoolean).orElse(false)) {
      return ChannelSecurity.plaintext();
    }
    Stack s = stack != null ? stack : Stack.local(Optional.empty(), java.util.OptionalInt.empty());
    if (!anyGiven) {
      return s.clientSecurity();
    }
    if (cert.isPresent() != key.isPresent()) {
      throw new CliException("--cert-file and --key-file go together", 2);
    }
    SecurityDirectory dir = s.securityDirectory();
    ChannelSecurity c =
        ca.map(ChannelSecurity::tls)
            .orElseGet(
                () ->
                    java.nio.file.Files.isRegularFile(dir.caFile())
                        ? ChannelSecurity.tls(dir.caFile())
                        : ChannelSecurity.tlsWithSystemRoots());
    if (cert.isPresent()) {
      c = c.withClientCertificate(cert.get(), key.get());
    }
    return tok.isPresent() ? c.withToken(tok.get()) : c;
  }

  private static Optional<String> envValue(java.util.Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  private static Optional<Path> envPath(java.util.Map<String, String> env, String name) {
    return envValue(env, name).map(Path::of);
  }

  /** Uses these addresses (e.g. those of a stack just started) instead of the options. */
  Endpoints pointAt(String feature, String training, String inference) {
    this.featureService = feature;
    this.trainingService = training;
    this.inferenceService = inference;
    return this;
  }

  FeatureServiceClient featureClient() {
    try {
      return FeatureServiceClient.connect(feature(), security(), deadline);
    } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
  }

  ManagedChannel trainingChannel() {
    if (training == null) {
      training = open(training());
    }
    return training;
  }

  ManagedChannel inferenceChannel() {
    if (inference == null) {
      inference = open(inference());
    }
    return inference;
  }

  private ManagedChannel open(String target) {
    ManagedChannel ch = open(target, security());
    opened.add(ch);
    return ch;
  }

  private static ManagedChannel open(String target, ChannelSecurity security) {
    try {
      return security.open(target);
    } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 2);
    }
  }

  /** The training service, with the per-call deadline. */
  TrainingServiceClient trainingClient() {
    return new TrainingServiceClient(trainingChannel(), deadline);
  }

  /** The model registry (served by the training service), with the per-call deadline. */
  ModelRegistryClient registryClient() {
    return new ModelRegistryClient(trainingChannel(), deadline);
  }

  /** The inference service, with the per-call deadline. */
  InferenceServiceClient inferenceClient() {
    return new InferenceServiceClient(inferenceChannel(), deadline);
  }

  @Override
  public void close() {
    for (ManagedChannel ch : opened) {
      ch.shutdownNow();
    }
    opened.clear();
    training = null;
    inference = null;
  }
}
