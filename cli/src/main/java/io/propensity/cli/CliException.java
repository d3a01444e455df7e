package io.propensity.cli;

/** A failure the user can act on: printed as one line, with its exit code. */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
