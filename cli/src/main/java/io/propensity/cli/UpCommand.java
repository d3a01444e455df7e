package io.propensity.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code propensity up}: starts the local stack in the background. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Start feature-service, training-service and inference-service on 127.0.0.1 (embedded storage under .propensity/data).")
final class UpCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--state-dir", description = "where data, logs and pid files go (default .propensity in the checkout)")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Stack stack = Stack.local(Optional.ofNullable(stateDir));
    out.println("starting the stack (state in " + stack.state + ")");
    stack.up(out);
    out.println("up; stop it with ./propensity down");
    out.flush();
    return 0;
  }
}
