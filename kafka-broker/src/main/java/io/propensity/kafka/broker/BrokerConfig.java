package io.propensity.kafka.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Settings of one single-node KRaft broker (combined broker and controller), read from command-line
 * arguments ({@code --name=value}) over environment variables ({@code KAFKA_NAME}) over defaults.
 *
 * <p>Arguments of the form {@code key=value} (no leading dashes), and the lines or {@code
 * ;}-separated entries of {@code KAFKA_BROKER_PROPERTIES}, are passed to the broker as raw
 * properties and win over everything derived here.
 *
 * @param nodeId {@code node.id} of the one node, also its controller voter id
 * @param dataDir root of the broker's state: the log directory and the generated server.properties
 * @param listenHost address the client and controller listeners bind
 * @param port client (PLAINTEXT) listener port
 * @param advertised {@code host:port} clients are told to connect to
 * @param external a second client listener ({@code EXTERNAL}) for clients outside a container
 *     network: advertised as this {@code host:port}, bound on {@code listenHost} and the same port
 * @param controllerPort controller (KRaft quorum) listener port
 * @param partitions {@code num.partitions} of automatically created topics
 * @param retentionHours {@code log.retention.hours}
 * @param retentionBytes {@code log.retention.bytes} per partition, -1 for no size limit
 * @param autoCreateTopics {@code auto.create.topics.enable}
 * @param offsetsTopicPartitions partitions of {@code __consumer_offsets} (Kafka's 50 slow a small
 *     node)
 * @param clusterId cluster id to format a new data directory with; generated when empty
 * @param parentPid a process whose end stops the broker (LocalKafka's JVM), if any
 * @param overrides raw broker properties, applied last
 */
public record BrokerConfig(
    int nodeId,
    Path dataDir,
    String listenHost,
    int port,
    String advertised,
    Optional<String> external,
    int controllerPort,
    int partitions,
    long retentionHours,
    long retentionBytes,
    boolean autoCreateTopics,
    int offsetsTopicPartitions,
    Optional<String> clusterId,
    OptionalLong parentPid,
    Map<String, String> overrides) {

  /** Name of the controller listener. */
  public static final String CONTROLLER_LISTENER = "CONTROLLER";

  /** Name of the client listener. */
  public static final String CLIENT_LISTENER = "PLAINTEXT";

  /** Name of the optional second client listener. */
  public static final String EXTERNAL_LISTENER = "EXTERNAL";

  public BrokerConfig {
    overrides = Map.copyOf(overrides);
    requirePort("port", port);
    external.ifPresent(e -> requirePort("external", externalPort(e)));
    requirePort("controller-port", controllerPort);
    if (port == controllerPort) {
      throw new IllegalArgumentException("port and controller-port must differ, both are " + port);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: " + partitions + " is not at least 1");
    }
    if (offsetsTopicPartitions < 1) {
      throw new IllegalArgumentException(
          "offsets-topic-partitions: " + offsetsTopicPartitions + " is not at least 1");
    }
    if (nodeId < 0) {
      throw new IllegalArgumentException("node-id: " + nodeId + " is negative");
    }
  }

  private static int externalPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      return colon < 1 ? -1 : Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The log directory inside {@link #dataDir()}. */
  public Path logDir() {
    return dataDir.resolve("log");
  }

  /** Address of the client listener as seen from this host ({@code listenHost}, or loopback). */
  public String localBootstrap() {
    String host =
        "0.0.0.0".equals(listenHost) || "::".equals(listenHost) ? "127.0.0.1" : listenHost;
    return host + ":" + port;
  }

  /** The broker's server properties. */
  public Properties serverProperties() {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(nodeId));
    String voterHost =
        "0.0.0.0".equals(listenHost) || "::".equals(listenHost) ? "localhost" : listenHost;
    p.setProperty("controller.quorum.voters", nodeId + "@" + voterHost + ":" + controllerPort);
    String listeners =
        CLIENT_LISTENER
            + "://"
            + listenHost
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + listenHost
            + ":"
            + controllerPort;
    String advertisedListeners = CLIENT_LISTENER + "://" + advertised;
    String protocols = CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT";
    if (external.isPresent()) {
      listeners +=
          "," + EXTERNAL_LISTENER + "://" + listenHost + ":" + externalPort(external.get());
      advertisedListeners += "," + EXTERNAL_LISTENER + "://" + external.get();
      protocols += "," + EXTERNAL_LISTENER + ":PLAINTEXT";
    }
    p.setProperty("listeners", listeners);
    p.setProperty("advertised.listeners", advertisedListeners);
    p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
    p.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
    p.setProperty("listener.security.protocol.map", protocols);
    p.setProperty("log.dirs", logDir().toAbsolutePath().toString());
    p.setProperty("num.partitions", Integer.toString(partitions));
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("log.retention.hours", Long.toString(retentionHours));
    p.setProperty("log.retention.bytes", Long.toString(retentionBytes));
    p.setProperty("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
    // one node: every internal topic has one replica
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", Integer.toString(offsetsTopicPartitions));
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    // a consumer group of a test or a fresh replica starts consuming at once
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    overrides.forEach(p::setProperty);
    return p;
  }

  /** Settings from {@code args} over {@code env} over defaults. */
  public static BrokerConfig from(String[] args, Map<String, String> env) {
    Map<String, String> named = new LinkedHashMap<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    String extra = env.getOrDefault("KAFKA_BROKER_PROPERTIES", "");
    for (String entry : extra.split("[;\\n]")) {
      putRaw(overrides, entry.trim(), "KAFKA_BROKER_PROPERTIES");
    }
    for (String arg : args) {
      if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(arg + ": expected --name=value");
        }
        named.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else {
        putRaw(overrides, arg, "argument");
      }
    }
    Settings s = new Settings(named, env);
    int port = s.integer("port", 9092);
    BrokerConfig config =
        new BrokerConfig(
            s.integer("node-id", 1),
            Path.of(s.string("data-dir", "kafka-data")),
            s.string("listen-host", "0.0.0.0"),
            port,
            s.string("advertised", "localhost:" + port),
            Optional.ofNullable(s.string("external", null)),
            s.integer("controller-port", 9093),
            s.integer("partitions", 3),
            s.longValue("retention-hours", 168),
            s.longValue("retention-bytes", -1),
            Boolean.parseBoolean(s.string("auto-create-topics", "true")),
            s.integer("offsets-topic-partitions", 5),
            Optional.ofNullable(s.string("cluster-id", null)).filter(v -> !v.isBlank()),
            named.containsKey("parent-pid")
                ? OptionalLong.of(s.longValue("parent-pid", 0))
                : OptionalLong.empty(),
            overrides);
    named.keySet().removeAll(Settings.KNOWN);
    if (!named.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option(s) " + named.keySet() + "; known: " + Settings.KNOWN);
    }
    return config;
  }

  private static void putRaw(Map<String, String> into, String entry, String source) {
    if (entry.isEmpty() || entry.startsWith("#")) {
      return;
    }
    int eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(source + " '" + entry + "': expected key=value");
    }
    into.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
  }

  private static void requirePort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " is not a port (1-65535)");
    }
  }

  /** Option lookup: {@code --name=value}, then {@code KAFKA_NAME}, then the default. */
  private record Settings(Map<String, String> named, Map<String, String> env) {
    static final java.util.Set<String> KNOWN =
        java.util.Set.of(
            "node-id",
            "data-dir",
            "listen-host",
            "port",
            "advertised",
            "external",
            "controller-port",
            "partitions",
            "retention-hours",
            "retention-bytes",
            "auto-create-topics",
            "offsets-topic-partitions",
            "cluster-id",
            "parent-pid");

    String string(String name, String fallback) {
      String value = named.get(name);
      if (value == null) {
        value = env.get("KAFKA_" + name.replace('-', '_').toUpperCase(Locale.ROOT));
      }
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    int integer(String name, int fallback) {
      return (int) longValue(name, fallback);
    }

    long longValue(String name, long fallback) {
      String value = string(name, null);
      if (value == null) {
        return fallback;
      }
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": '" + value + "' is not a number", e);
      }
    }
  }
}
