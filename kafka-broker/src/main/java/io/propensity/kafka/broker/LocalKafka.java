package io.propensity.kafka.broker;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A single-node KRaft Kafka broker ({@link BrokerMain}) in a child JVM on free loopback ports, for
 * tests and benchmarks: {@code try (LocalKafka kafka = LocalKafka.start()) { ...
 * kafka.bootstrapServers() ... }}.
 *
 * <p><b>Why a child JVM, and its class path.</b> Kafka's server brings Scala and its own Jackson
 * and logging expectations, which must not meet Micronaut's on a test class path. This module
 * therefore declares the broker ({@code kafka_2.13}) {@code optional}: a module that depends on
 * {@code kafka-broker} (test scope is enough) inherits only {@code kafka-clients}. At build time
 * {@code maven-dependency-plugin:build-classpath} writes the module's complete runtime class path
 * (the broker included, as absolute paths into the local Maven repository) into the resource {@code
 * io/propensity/kafka/broker/broker-classpath.txt}; the child JVM runs on that list plus this
 * module's own classes. {@code -Dpropensity.kafka.broker.classpath=...} (or the environment
 * variable {@code PROPENSITY_KAFKA_BROKER_CLASSPATH}) replaces the list; when an entry is missing
 * and {@code target/lib} (written by {@code mvn package}) exists next to this module's classes,
 * that directory is used instead.
 *
 * <p>The broker's output goes to {@code broker.log} in the data directory. The child stops itself
 * when this JVM ends. {@link #stop()} is a SIGTERM and a clean shutdown, {@link #kill()} a SIGKILL;
 * {@link #restart()} starts a stopped or killed broker again on the same data directory and ports.
 */
public final class LocalKafka implements AutoCloseable {

  /** System property naming the child JVM's class path (replaces the built-in list). */
  public static final String CLASSPATH_PROPERTY = "propensity.kafka.broker.classpath";

  private static final String CLASSPATH_RESOURCE = "broker-classpath.txt";
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final int LOG_TAIL_LINES = 40;

  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Duration startTimeout;
  private final int partitions;
  private final String heap;
  private final Map<String, String> brokerProperties;
  private int port;
  private int controllerPort;
  private Process process;
  private final Deque<String> logTail = new ArrayDeque<>();

  private LocalKafka(Builder b) {
    this.dataDir = b.dataDir;
    this.ownsDataDir = b.ownsDataDir;
    this.startTimeout = b.startTimeout;
    this.partitions = b.partitions;
    this.heap = b.heap;
    this.brokerProperties = Map.copyOf(b.brokerProperties);
  }

  /** Starts a broker on a new temporary data directory, deleted by {@link #close()}. */
  public static LocalKafka start() {
    return builder().start();
  }

  /**
   * Starts a broker on {@code dataDir} (formatted when new, re-used otherwise); the caller owns it.
   */
  public static LocalKafka start(Path dataDir) {
    return builder().dataDir(dataDir).start();
  }

  /** Options: data directory, default partitions, heap, raw broker properties, start timeout. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The broker's data directory (its log directory is {@code log/} inside). */
  public Path dataDir() {
    return dataDir;
  }

  /** True while the child JVM runs. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Process id of the running broker JVM. */
  public synchronized long pid() {
    requireRunning();
    return process.pid();
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            60_000));
  }

  /**
   * Creates topic {@code name} with {@code partitions} partitions (one replica) and waits until
   * every partition has a leader; a topic that already exists with that many partitions is left as
   * is.
   */
  public void createTopic(String name, int partitions) {
    requireRunning();
    try (Admin admin = admin()) {
      try {
        admin
            .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
            .all()
            .get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("creating topic " + name + " failed: " + e.getCause(), e);
        }
      }
      Instant deadline = Instant.now().plusSeconds(60);
      while (true) {
        TopicDescription d;
        try {
          d =
              admin
                  .describeTopics(List.of(name))
                  .allTopicNames()
                  .get(60, TimeUnit.SECONDS)
                  .get(name);
        } catch (ExecutionException e) {
          // the topic's metadata may not have reached this broker's cache right after creation
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
              || Instant.now().isAfter(deadline)) {
            throw e;
          }
          TimeUnit.MILLISECONDS.sleep(100);
          continue;
        }
        boolean led =
            d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (d.partitions().size() == partitions && led) {
          return;
        }
        if (d.partitions().size() != partitions) {
          throw new IllegalStateException(
              "topic "
                  + name
                  + " exists with "
                  + d.partitions().size()
                  + " partitions, not "
                  + partitions);
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "topic " + name + " has partitions without a leader: " + d);
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("creating topic " + name + " failed: " + e, e);
    }
  }

  /**
   * SIGTERM, then waits for the broker's clean shutdown (SIGKILL after 60 s). No-op when stopped.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  /** SIGKILL: the broker dies without any shutdown work, as in a crash. No-op when stopped. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops the broker if it runs, then starts it again on the same data directory and ports. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Stops the broker and deletes a temporary data directory. */
  @Override
  public synchronized void close() {
    stop();
    if (ownsDataDir) {
      deleteRecursively(dataDir);
    }
  }

  @Override
  public String toString() {
    return "LocalKafka[" + bootstrapServers() + ", " + dataDir + "]";
  }

  private void requireRunning() {
    if (!isRunning()) {
      throw new IllegalStateException("the broker is not running (" + this + ")");
    }
  }

  /** First start: free ports; a port taken between probe and bind is retried with new ones. */
  private synchronized LocalKafka firstStart() {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = freePort();
      controllerPort = freePort();
      while (controllerPort == port) {
        controllerPort = freePort();
      }
      try {
        launch();
        return this;
      } catch (IllegalStateException e) {
        last = e;
        if (!String.join("\n", logTail).contains("Address already in use")) {
          break;
        }
      }
    }
    if (ownsDataDir) {
      deleteRecursively(dataDir);
    }
    throw last;
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(childClasspath());
    command.add(BrokerMain.class.getName());
    command.add("--data-dir=" + dataDir.toAbsolutePath());
    command.add("--listen-host=127.0.0.1");
    command.add("--port=" + port);
    command.add("--advertised=127.0.0.1:" + port);
    command.add("--controller-port=" + controllerPort);
    command.add("--partitions=" + partitions);
    command.add("--offsets-topic-partitions=1");
    command.add("--parent-pid=" + ProcessHandle.current().pid());
    brokerProperties.forEach((k, v) -> command.add(k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // the child reads its settings from arguments only
    pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_"));
    Path log = dataDir.resolve("broker.log");
    CompletableFuture<String> ready = new CompletableFuture<>();
    synchronized (logTail) {
      logTail.clear();
    }
    try {
      Files.createDirectories(dataDir);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the broker JVM: " + command, e);
    }
    Process started = process;
    Thread pump =
        new Thread(() -> pump(started.getInputStream(), log, ready), "local-kafka-log-" + port);
    pump.setDaemon(true);
    pump.start();
    started
        .onExit()
        .thenRun(() -> ready.completeExceptionally(new IllegalStateException("exited")));
    try {
      ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException("interrupted while starting " + this, e);
    } catch (ExecutionException | TimeoutException e) {
      boolean exited = !started.isAlive();
      kill();
      try {
        pump.join(2_000);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      String tail;
      synchronized (logTail) {
        tail = String.join("\n", logTail);
      }
      throw new IllegalStateException(
          "the Kafka broker "
              + (exited ? "exited before it was ready" : "was not ready within " + startTimeout)
              + " ("
              + this
              + "); last lines of "
              + log
              + ":\n"
              + tail);
    }
  }

  private void pump(InputStream in, Path log, CompletableFuture<String> ready) {
    try (BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        OutputStream out =
            Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.write((line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        out.flush();
        synchronized (logTail) {
          logTail.addLast(line);
          if (logTail.size() > LOG_TAIL_LINES) {
            logTail.removeFirst();
          }
        }
        if (line.startsWith(BrokerMain.READY)) {
          ready.complete(line);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  /** The class path of the broker JVM; see the class comment. */
  static String childClasspath() {
    String override =
        Optional.ofNullable(System.getProperty(CLASSPATH_PROPERTY))
            .or(() -> Optional.ofNullable(System.getenv("PROPENSITY_KAFKA_BROKER_CLASSPATH")))
            .filter(s -> !s.isBlank())
            .orElse(null);
    if (override != null) {
      return override;
    }
    Path own = ownLocation();
    List<String> entries = new ArrayList<>();
    entries.add(own.toString());
    try (InputStream in = LocalKafka.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in != null) {
        String listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        entries.addAll(Arrays.asList(listed.split(File.pathSeparator)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + CLASSPATH_RESOURCE, e);
    }
    boolean complete =
        entries.size() > 1 && entries.stream().allMatch(e -> Files.exists(Path.of(e)));
    if (complete) {
      return String.join(File.pathSeparator, entries);
    }
    Path lib = own.getParent().resolve("lib");
    if (Files.isDirectory(lib)) {
      return own + File.pathSeparator + lib + File.separator + "*";
    }
    throw new IllegalStateException(
        "the Kafka broker's class path is incomplete ("
            + CLASSPATH_RESOURCE
            + " lists missing files and there is no "
            + lib
            + "); rebuild kafka-broker or set -D"
            + CLASSPATH_PROPERTY);
  }

  private static Path ownLocation() {
    try {
      return Path.of(LocalKafka.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the kafka-broker classes", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /** Options of a {@link LocalKafka}. */
  public static final class Builder {
    private Path dataDir;
    private boolean ownsDataDir;
    private Duration startTimeout = Duration.ofMinutes(3);
    private int partitions = 3;
    private String heap = "512m";
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();

    private Builder() {}

    /** Data directory (formatted when new); default a temporary one deleted by close(). */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** {@code num.partitions} of automatically created topics (default 3). */
    public Builder partitions(int n) {
      this.partitions = n;
      return this;
    }

    /** Maximum heap of the broker JVM (default {@code 512m}). */
    public Builder heap(String maxHeap) {
      this.heap = maxHeap;
      return this;
    }

    /** A raw broker property (server.properties key), e.g. {@code log.segment.bytes}. */
    public Builder brokerProperty(String key, String value) {
      brokerProperties.put(key, value);
      return this;
    }

    /** How long to wait for the ready line (default 3 minutes). */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    /** Starts the broker and waits until it serves clients. */
    public LocalKafka start() {
      Builder b = this;
      if (dataDir == null) {
        try {
          b.dataDir = Files.createTempDirectory("local-kafka-");
          b.ownsDataDir = true;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
      }
      return new LocalKafka(b).firstStart();
    }
  }
}
