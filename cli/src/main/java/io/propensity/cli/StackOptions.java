package io.propensity.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/** Which local stack a command manages: its state directory and base port. */
final class StackOptions {
  @Option(
      names = "--state-dir",
      description = "where data, logs and pid files go (default .propensity in the checkout)")
  Path stateDir;

  @Option(
      names = "--base-port",
      defaultValue = "${env:PROPENSITY_BASE_PORT}",
      description = {
        "ports of the stack: gRPC base+1..base+3, HTTP base+11..base+13 (env PROPENSITY_BASE_PORT;",
        "default: gRPC 50051-50053, HTTP 8081-8083), so a second stack can run beside the default one"
      })
  Integer basePort;

  Stack stack() {
    return Stack.local(
        Optional.ofNullable(stateDir),
        basePort == null ? OptionalInt.empty() : OptionalInt.of(basePort));
  }
}
