package io.kassette.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The command line run in-process as typed: exit code, stdout and stderr. */
record CliRun(int exit, String out, String err) {
  static CliRun of(String... args) {
    CommandLine cli = KassetteCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
