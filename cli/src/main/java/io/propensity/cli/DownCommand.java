package io.propensity.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code propensity down}: stops what {@code up} or {@code demo} started. */
@Command(name = "down", aliases = "stop", mixinStandardHelpOptions = true, description = "Stop the services started by up or demo.")
final class DownCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--state-dir", description = "the state directory given to up (default .propensity in the checkout)")
  Path stateDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Stack stack = Stack.local(Optional.ofNullable(stateDir));
    java.util.List<Stack.Service> reverse = new java.util.ArrayList<>(Stack.SERVICES);
    java.util.Collections.reverse(reverse);
    stack.down(reverse, out);
    out.flush();
    return 0;
  }
}
