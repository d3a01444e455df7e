package io.propensity.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code propensity} command line. */
@Command(
    name = "propensity",
    mixinStandardHelpOptions = true,
    version = "propensity 0.1.0",
    description =
        "Purchase and churn propensity: import behaviour logs, inspect features, train, manage models, score, rank targets.",
    subcommands = {
      DemoCommand.class,
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      ImportCommand.class,
      FeaturesCommand.class,
      SchemaCommand.class,
      OverviewCommand.class,
      TrainingSetCommand.class,
      GenerateCommand.class,
      TrainCommand.class,
      JobsCommand.class,
      ModelsCommand.class,
      PredictCommand.class,
      ExplainCommand.class,
      TargetsCommand.class,
      CampaignsCommand.class,
      LiveMetricsCommand.class,
      ChallengerCommand.class,
      PredictionsCommand.class,
      DriftCommand.class,
      ReplayCommand.class,
      BenchCommand.class,
      SecurityCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PropensityCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line with the project's error handling: gRPC failures become one readable line. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new PropensityCli());
    cl.getSubcommands()
        .get("import")
        .getCommandSpec()
        .usageMessage()
        .footer(ImportCommand.genericOptionsHelp());
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          PrintWriter err = line.getErr();
          if (ex instanceof StatusRuntimeException sre) {
            err.println(
                "error: " + sre.getStatus().getCode() + ": " + sre.getStatus().getDescription());
            com.google.rpc.Status details = io.grpc.protobuf.StatusProto.fromThrowable(sre);
            if (details != null) {
              for (com.google.protobuf.Any a : details.getDetailsList()) {
                if (a.is(com.google.rpc.BadRequest.class)) {
                  for (var v : a.unpack(com.google.rpc.BadRequest.class).getFieldViolationsList()) {
                    err.println(
                        "  "
                            + v.getField()
                            + Args.optionOf(v.getField())
                            + ": "
                            + v.getDescription());
                  }
                }
              }
            }
            if (sre.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
              err.println(
                  "  (is the service running? `propensity status` shows the stack; --feature-service,"
                      + " --training-service and --inference-service say where to look; a TLS"
                      + " handshake failure: --ca-file, or --insecure for a plaintext stack)");
              return 4;
            }
            if (sre.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
              err.println(
                  "  (give a token with --token or PROPENSITY_TOKEN, or a client certificate with"
                      + " --cert-file/--key-file; a local stack's is in <state dir>/security)");
              return 3;
            }
            if (sre.getStatus().getCode() == io.grpc.Status.Code.PERMISSION_DENIED) {
              err.println(
                  "  (this credential lacks the scope; `propensity security token` mints one with it)");
              return 3;
            }
            if (sre.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
              err.println(
                  "  (no answer in time: raise --deadline, or --timeout for streams and training jobs)");
              return 4;
            }
            return 3;
          }
          if (ex instanceof CliException ce) {
            err.println("error: " + ce.getMessage());
            return ce.exitCode();
          }
          err.println("error: " + ex);
          return 1;
        });
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
