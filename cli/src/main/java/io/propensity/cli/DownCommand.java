package io.propensity.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code propensity down}: stops what {@code up} or {@code demo} started. */
@Command(
    name = "down",
    aliases = "stop",
    mixinStandardHelpOptions = true,
    description =
        "Stop the services started by up or demo (found by the pid files in the state directory).")
final class DownCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin StackOptions stackOptions;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Stack stack = stackOptions.stack();
    List<Stack.Service> reverse = new ArrayList<>(Stack.SERVICES);
    Collections.reverse(reverse);
    stack.down(reverse, out);
    out.flush();
    return 0;
  }
}
