package io.propensity.client.security;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Targets naming several replicas of one service, balanced call by call with gRPC's own {@code
 * round_robin} policy.
 *
 * <p>A target is replicated when it lists addresses ({@code host1:port,host2:port}) or names a DNS
 * entry explicitly ({@code dns:///name:port}, every address the name resolves to being a replica).
 * Such a channel keeps a connection to every replica, sends each call to the next ready one, and
 * skips a replica whose connection is down until it comes back. Calls that only read (and {@code
 * IngestEvents}, idempotent by event id) are retried on another replica when one fails with {@code
 * UNAVAILABLE} (a replica killed with the call in flight); calls that change state (training, alias
 * changes, registrations) are not retried, as a lost answer there must not become a second change.
 * Calls do not wait for a replica to become ready ({@code waitForReady} stays off): with every
 * replica down a call fails at once with {@code UNAVAILABLE} instead of hanging until its deadline.
 *
 * <p>A plain {@code host:port} keeps gRPC's default ({@code pick_first}, no retries).
 */
public final class ReplicaTargets {
  /** The name-resolver scheme of address lists: {@code replicas:///host1:port,host2:port}. */
  public static final String SCHEME = "replicas";

  private static final int DEFAULT_MAX_ATTEMPTS = 3;

  static {
    NameResolverRegistry.getDefaultRegistry().register(new ListResolverProvider());
  }

  private ReplicaTargets() {}

  /** Whether {@code target} names several replicas (an address list or an explicit DNS name). */
  public static boolean isReplicated(String target) {
    String t = target.strip();
    return t.contains(",") || t.toLowerCase(Locale.ROOT).startsWith("dns:");
  }

  /**
   * The gRPC target to dial for {@code target}: an address list becomes a {@code replicas:///} URI
   * resolved by this class; anything else is returned as it is.
   *
   * @throws IllegalArgumentException when an entry of a list is not {@code host:port}
   */
  public static String channelTarget(String target) {
    String t = target.strip();
    if (!t.contains(",") || t.contains("://") || t.toLowerCase(Locale.ROOT).startsWith("dns:")) {
      return t;
    }
    List<HostPort> addresses = parseList(t);
    List<String> parts = new ArrayList<>();
    for (HostPort a : addresses) {
      parts.add(a.toString());
    }
    return SCHEME + ":///" + String.join(",", parts);
  }

  /** The addresses of a list target {@code host1:port,host2:port}. */
  static List<HostPort> parseList(String list) {
    List<HostPort> out = new ArrayList<>();
    String[] entries = list.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      out.add(HostPort.parse(entries[i].strip(), list, i));
    }
    return List.copyOf(out);
  }

  /**
   * The service config of a replicated channel: {@code round_robin}, and the retry policy of the
   * calls that are safe to repeat.
   */
  static Map<String, Object> serviceConfig() {
    Map<String, Object> retry =
        Map.of(
            "maxAttempts",
            (double) DEFAULT_MAX_ATTEMPTS,
            "initialBackoff",
            "0.05s",
            "maxBackoff",
            "0.5s",
            "backoffMultiplier",
            2.0,
            "retryableStatusCodes",
            List.of("UNAVAILABLE"));
    List<Object> names = new ArrayList<>();
    names.add(Map.of("service", "propensity.inference.v1.InferenceService"));
    for (String m :
        List.of(
            "IngestEvents",
            "GetOnlineFeatures",
            "GetFeatureSchema",
            "BuildTrainingSet",
            "GetDataOverview",
            "ListUsers",
            "GetUserHistory")) {
      names.add(Map.of("service", "propensity.features.v1.FeatureService", "method", m));
    }
    for (String m :
        List.of(
            "GetModelVersion",
            "ListModelVersions",
            "ListModels",
            "DownloadArtifact",
            "DownloadReport")) {
      names.add(Map.of("service", "propensity.registry.v1.ModelRegistryService", "method", m));
    }
    for (String m : List.of("GetJob", "ListJobs")) {
      names.add(Map.of("service", "propensity.training.v1.TrainingService", "method", m));
    }
    names.add(Map.of("service", "grpc.health.v1.Health", "method", "Check"));
    return Map.of(
        "loadBalancingConfig",
        List.of(Map.of("round_robin", Map.of())),
        "methodConfig",
        List.of(Map.of("name", List.copyOf(names), "retryPolicy", retry)));
  }

  /** One {@code host:port} of a list. */
  record HostPort(String host, int port) {
    static HostPort parse(String entry, String list, int index) {
      String where = "entry " + (index + 1) + " ('" + entry + "') of the address list '" + list;
      int colon = entry.lastIndexOf(':');
      if (entry.isEmpty() || colon <= 0 || colon == entry.length() - 1) {
        throw new IllegalArgumentException(where + "' is not host:port");
      }
      String host = entry.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(entry.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "' has no numeric port");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException(where + "' has port " + port + ", not 1-65535");
      }
      return new HostPort(host, port);
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** Resolves {@code replicas:///host1:port,host2:port}: each entry is a replica. */
  private static final class ListResolverProvider extends NameResolverProvider {
    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 1;
    }

    @Override
    public String getDefaultScheme() {
      // Never the default: only targets spelled with this scheme reach this resolver.
      return SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
      return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
      if (!SCHEME.equals(targetUri.getScheme())) {
        return null;
      }
      String path = targetUri.getPath() == null ? "" : targetUri.getPath();
      String list = path.startsWith("/") ? path.substring(1) : path;
      return new ListResolver(parseList(list), args.getOffloadExecutor());
    }
  }

  /**
   * Resolves each address of the list (with the system resolver, off the channel's thread) and
   * verifies each replica's TLS certificate against its own host name.
   */
  private static final class ListResolver extends NameResolver {
    private final List<HostPort> addresses;
    private final Executor executor;
    private Listener2 listener;

    ListResolver(List<HostPort> addresses, Executor executor) {
      this.addresses = addresses;
      this.executor = executor == null ? Runnable::run : executor;
    }

    @Override
    public String getServiceAuthority() {
      return addresses.get(0).toString();
    }

    @Override
    public void start(Listener2 listener) {
      this.listener = listener;
      resolve();
    }

    @Override
    public void refresh() {
      resolve();
    }

    private void resolve() {
      Listener2 l = listener;
      executor.execute(
          () -> {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            List<String> unresolved = new ArrayList<>();
            for (HostPort a : addresses) {
              try {
                List<SocketAddress> socketAddresses = new ArrayList<>();
                for (InetAddress ip : InetAddress.getAllByName(a.host())) {
                  socketAddresses.add(new InetSocketAddress(ip, a.port()));
                }
                groups.add(
                    new EquivalentAddressGroup(
                        socketAddresses,
                        Attributes.newBuilder()
                            .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, a.toString())
                            .build()));
              } catch (UnknownHostException e) {
                unresolved.add(a.toString());
              }
            }
            if (groups.isEmpty()) {
              l.onError(
                  Status.UNAVAILABLE.withDescription(
                      "none of the replicas " + addresses + " resolves: " + unresolved));
              return;
            }
            l.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
          });
    }

    @Override
    public void shutdown() {}
  }
}
