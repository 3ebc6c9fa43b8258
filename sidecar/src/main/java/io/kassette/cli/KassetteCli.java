package io.kassette.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar kassette-sidecar.jar <command>}: the engine without Kubernetes. */
@Command(
    name = "kassette",
    mixinStandardHelpOptions = true,
    version = "kassette 0.1.0",
    description = "Backup and restore for Apache Cassandra and ScyllaDB.",
    subcommands = {
      BackupCommand.class,
      ListCommand.class,
      VerifyCommand.class,
      CommitCommand.class,
      RestoreCommand.class,
      PurgeCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KassetteCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The command line with Kassette's error handling: one line naming the cause, exit 1 or 2. */
  public static CommandLine newCommandLine() {
    // The last occurrence of an option wins, so scripts can override their defaults.
    CommandLine cli = new CommandLine(new KassetteCli()).setOverwrittenOptionsAllowed(true);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println(
              "kassette: "
                  + ex.getMessage()
                  + " (see '"
                  + ex.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help')");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("kassette: error: " + Errors.oneLine(ex));
          if (Boolean.getBoolean("kassette.debug")) {
            ex.printStackTrace(commandLine.getErr());
          }
          return 1;
        });
    return cli;
  }
}
