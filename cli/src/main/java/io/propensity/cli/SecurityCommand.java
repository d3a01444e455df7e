package io.propensity.cli;

import io.propensity.client.security.SecurityDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code propensity security}: the certificates and tokens of a local or compose stack. */
@Command(
    name = "security",
    mixinStandardHelpOptions = true,
    description =
        "Certificates and tokens of a stack: a local CA, per-service certificates, tokens.",
    subcommands = {SecurityCommand.Init.class, SecurityCommand.Token.class})
final class SecurityCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The directory named by --dir, else the local stack's {@code <state dir>/security}. */
  static SecurityDirectory directory(Path dir, StackOptions stackOptions) {
    return dir != null ? new SecurityDirectory(dir) : stackOptions.stack().securityDirectory();
  }

  /** {@code propensity security init}. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Create a local CA, a certificate and key per service and the dashboard (CN = the name;",
        "valid for the name, localhost, 127.0.0.1 and --hosts), principals.txt and admin.token",
        "(all scopes, owner-only). Keeps what exists; --force replaces everything (new CA, new",
        "certificates, new admin token; running services pick up the files without a restart)."
      })
  static final class Init implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin StackOptions stackOptions;

    @Option(
        names = "--dir",
        description = "where the files go (default: <state dir>/security of the local stack)")
    Path dir;

    @Option(
        names = "--hosts",
        split = ",",
        paramLabel = "<host>",
        description =
            "more names or IP addresses every certificate is valid for, comma-separated (e.g. the"
                + " host name clients use)")
    List<String> hosts = List.of();

    @Option(names = "--force", description = "replace every file, starting with a new CA")
    boolean force;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      SecurityDirectory d = directory(dir, stackOptions);
      SecurityDirectory.Init init;
      try {
        init = d.init(hosts, force);
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        throw new CliException(e.getMessage(), 2);
      }
      if (init.unchanged()) {
        out.println("kept every file in " + d.dir() + " (--force replaces them)");
      } else {
        out.println("wrote to " + d.dir() + ":");
        for (Path p : init.written()) {
          out.println("  " + p.getFileName());
        }
      }
      out.println("CA certificate (clients trust it): " + d.caFile());
      out.println("admin token (all scopes, keep it secret): " + d.adminTokenFile());
      out.flush();
      return 0;
    }
  }

  /** {@code propensity security token}. */
  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = {
        "Mint a bearer token: prints the token and the principals.txt line that grants it the",
        "scopes (only its SHA-256 goes in the file). --add appends the line to the principals file;",
        "the services re-read it."
      })
  static final class Token implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin StackOptions stackOptions;

    @Option(names = "--name", required = true, description = "the principal's name, e.g. shop-web")
    String name;

    @Option(
        names = "--scopes",
        required = true,
        description =
            "comma-separated: ingest, read-features, predict, train, registry:write, promote,"
                + " admin; or * for all")
    String scopes;

    @Option(
        names = "--add",
        description = "append the line to the principals file (of --dir, else the local stack's)")
    boolean add;

    @Option(names = "--dir", description = "the security directory whose principals.txt --add uses")
    Path dir;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      String token = SecurityDirectory.newToken();
      String line;
      try {
        line = SecurityDirectory.tokenLine(name, scopes, token);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 2);
      }
      out.println("token: " + token);
      if (add) {
        Path file = directory(dir, stackOptions).principalsFile();
        if (!Files.isRegularFile(file)) {
          throw new CliException(file + " does not exist: run `propensity security init` first", 2);
        }
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        out.println("added to " + file + ":");
      } else {
        out.println("add this line to the principals file:");
      }
      out.println(line);
      out.flush();
      return 0;
    }
  }
}
