package io.kassette.cli;

import io.kassette.backup.BackupProgress;
import io.kassette.backup.BackupRequest;
import io.kassette.backup.BackupService;
import io.kassette.backup.BackupSummary;
import io.kassette.backup.Mode;
import io.kassette.backup.Selection;
import io.kassette.node.NodeAccess;
import io.kassette.storage.ObjectStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Back up this node: snapshot, upload what the location lacks, write the node manifest,",
      "commit the backup (one-node runs) and clear the snapshot.",
      "Re-running the same --name continues an interrupted backup."
    })
final class BackupCommand implements Callable<Integer> {
  @Mixin LocationOptions location;
  @Mixin NodeOptions node;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "BACKUP",
      description = "Backup name, unique in the cluster.")
  String name;

  @Option(
      names = "--keyspaces",
      paramLabel = "GLOBS",
      description =
          "Tables to back up, e.g. 'app*,!app_tmp.*,billing.invoices' (default: all user tables).")
  String keyspaces;

  @Option(
      names = "--mode",
      defaultValue = "differential",
      paramLabel = "differential|full",
      description =
          "differential (default) references the node's shared pool; full gives the backup its own copy.")
  String mode;

  @Option(
      names = "--parallel",
      defaultValue = "4",
      paramLabel = "N",
      description = "Files transferred at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--rate-limit",
      defaultValue = "0",
      paramLabel = "MiB/s",
      description = "Upload rate limit in MiB/s (default: none).")
  double rateLimit;

  @Option(names = "--keep-snapshot", description = "Leave the snapshot on the node.")
  boolean keepSnapshot;

  @Option(
      names = "--no-commit",
      description =
          "Do not write the cluster manifest (several nodes backed up one by one; run 'commit' after the last).")
  boolean noCommit;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress lines.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Mode m;
    try {
      m = Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--mode must be differential or full, got '" + mode + "'");
    }
    Selection selection;
    try {
      selection = Selection.parse(keyspaces);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    BackupRequest request;
    try {
      request =
          new BackupRequest(
              location.cluster,
              name,
              selection,
              m,
              parallel,
              rateLimit,
              keepSnapshot,
              !noCommit,
              node.dataDirs);
      location.parsedLocation();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    BackupProgress progress = new BackupProgress();
    try (ObjectStore store = location.open(parallel);
        NodeAccess nodeAccess = node.connect();
        ProgressReporter reporter =
            new ProgressReporter(
                () -> ProgressReporter.backupLine(progress),
                spec.commandLine().getErr(),
                quiet || json)) {
      BackupSummary summary =
          new BackupService(store, nodeAccess, node.cqlSchema()).run(request, progress);
      reporter.close();
      if (json) {
        CliOutput.json(out, summary);
      } else {
        var t = summary.totals();
        out.printf(
            "backup %s of node %s %s: %d tables, %d files, %s; uploaded %d files (%s), already stored"
                + " %d files (%s), %.1f s%n",
            summary.backup(),
            summary.hostId(),
            summary.committed() ? "complete" : "written (not committed)",
            summary.tables(),
            t.files(),
            Sizes.bytes(t.bytes()),
            t.uploadedFiles(),
            Sizes.bytes(t.uploadedBytes()),
            t.skippedFiles(),
            Sizes.bytes(t.skippedBytes()),
            summary.durationMillis() / 1000.0);
        summary.warnings().forEach(w -> out.println("note: " + w));
      }
      out.flush();
      return 0;
    }
  }
}
