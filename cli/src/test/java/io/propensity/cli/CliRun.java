package io.propensity.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.stream.IntStream;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it prints, for the tests. */
final class CliRun {
  private CliRun() {}

  /** Exit code, standard output and standard error of one command. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = PropensityCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** A base port whose stack ports (gRPC base+1..3, HTTP base+11..13) are all free now. */
  static int freeBasePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      // below Linux's ephemeral range (32768+), where outgoing connections take their local ports
      int base = 20_000 + (int) (Math.random() * 12_000);
      if (IntStream.of(1, 2, 3, 10, 11, 12, 13).allMatch(o -> free(base + o))) {
        return base;
      }
    }
    throw new IllegalStateException("no free block of ports found");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
