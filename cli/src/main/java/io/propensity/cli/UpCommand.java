package io.propensity.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code propensity up}: starts the local stack in the background. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start feature-service, training-service, inference-service and the dashboard on 127.0.0.1 (embedded storage under .propensity/data).",
      "Secure by default: TLS on every port and bearer-token or client-certificate authentication, with a local CA,",
      "certificates and an admin token generated into <state dir>/security on first start; --insecure for plaintext."
    })
final class UpCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin StackOptions stackOptions;

  @Option(
      names = "--insecure",
      defaultValue = "${env:PROPENSITY_INSECURE:-false}",
      description =
          "plaintext gRPC and HTTP, no authentication (env PROPENSITY_INSECURE=true); default: TLS"
              + " and tokens with the certificates of <state dir>/security, generated on first start")
  boolean insecure;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Stack stack = stackOptions.stack();
    out.println("starting the stack (state in " + stack.state + ")");
    stack.up(out, insecure);
    out.println(
        "up; dashboard at "
            + stack.dashboardUrl()
            + "; stop it with ./propensity down"
            + stack.options());
    if (!insecure) {
      out.println(
          "TLS on every port (CA "
              + stack.securityDirectory().caFile()
              + "); the CLI uses the admin token "
              + stack.securityDirectory().adminTokenFile());
    }
    out.flush();
    return 0;
  }
}
