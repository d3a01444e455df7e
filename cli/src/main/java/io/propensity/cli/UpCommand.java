package io.propensity.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code propensity up}: starts the local stack in the background. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start feature-service, training-service, inference-service and the dashboard on 127.0.0.1 (embedded storage under .propensity/data).")
final class UpCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin StackOptions stackOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Stack stack = stackOptions.stack();
    out.println("starting the stack (state in " + stack.state + ")");
    stack.up(out);
    out.println(
        "up; dashboard at "
            + stack.dashboardUrl()
            + "; stop it with ./propensity down"
            + stack.options());
    out.flush();
    return 0;
  }
}
