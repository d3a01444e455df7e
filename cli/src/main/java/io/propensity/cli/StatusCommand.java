package io.propensity.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code propensity status}: gRPC health of each service. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the gRPC health of each service (and the dashboard's /health for a local stack); exit 0 only when all serve, 6 otherwise.",
      "Checks the stack of --base-port/--state-dir when given (with its credentials), else the addresses of the service options."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin StackOptions stackOptions;
  @Mixin Endpoints endpoints;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> targets = new LinkedHashMap<>();
    Stack stack = null;
    if (stackOptions.basePort != null || stackOptions.stateDir != null) {
      stack = stackOptions.stack();
      endpoints.useStack(stack);
      for (Stack.Service s : Stack.grpcServices()) {
        targets.put(s.name(), stack.target(s));
      }
    } else {
      targets.put("feature-service", endpoints.feature());
      targets.put("training-service", endpoints.training());
      targets.put("inference-service", endpoints.inference());
    }
    boolean all = true;
    for (var t : targets.entrySet()) {
      var h = Stack.health(t.getValue(), endpoints.security());
      all &=
          h.map(x -> x == io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING)
              .orElse(false);
      out.printf(
          "  %-18s %-22s %s%n",
          t.getKey(), t.getValue(), h.map(Enum::name).orElse("DOWN (no answer)"));
    }
    if (stack != null) {
      Stack.Service dashboard = Stack.service("dashboard");
      boolean up = stack.ready(dashboard);
      all &= up;
      out.printf(
          "  %-18s %-22s %s%n",
          dashboard.name(), stack.dashboardUrl(), up ? "SERVING" : "DOWN (no answer)");
    }
    out.flush();
    return all ? 0 : 6;
  }
}
