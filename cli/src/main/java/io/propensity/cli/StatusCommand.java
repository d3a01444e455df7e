package io.propensity.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code propensity status}: gRPC health of each service. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the gRPC health of each service; exit 0 only when all serve.")
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "host of the services (default ${DEFAULT-VALUE})")
  String host;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    boolean all = true;
    for (Stack.Service s : Stack.SERVICES) {
      String target = host + ":" + s.grpcPort();
      var h = Stack.health(target);
      all &= h.map(x -> x == io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING).orElse(false);
      out.printf("  %-18s %-22s %s%n", s.name(), target, h.map(Enum::name).orElse("DOWN (no answer)"));
    }
    out.flush();
    return all ? 0 : 6;
  }
}
