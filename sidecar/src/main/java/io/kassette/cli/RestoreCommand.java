package io.kassette.cli;

import io.kassette.backup.Selection;
import io.kassette.node.NodeAccess;
import io.kassette.restore.RestoreRequest;
import io.kassette.restore.RestoreService;
import io.kassette.restore.RestoreSummary;
import io.kassette.storage.ObjectStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a complete backup into this live node, online: download and verify every file,",
      "truncate (with --truncate), then import. Without --truncate the backed-up rows are merged",
      "with the table's current rows (newer writes win)."
    })
final class RestoreCommand implements Callable<Integer> {
  @Mixin LocationOptions location;
  @Mixin NodeOptions node;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "BACKUP",
      description = "Backup to restore.")
  String name;

  @Option(
      names = "--keyspaces",
      paramLabel = "GLOBS",
      description = "Tables to restore (default: all in the backup).")
  String keyspaces;

  @Option(
      names = "--truncate",
      description = "Truncate each table first: it ends with exactly the backed-up rows.")
  boolean truncate;

  @Option(
      names = "--mode",
      defaultValue = "auto",
      paramLabel = "auto|import|load",
      description =
          "import into the same topology (auto chooses it when this node's host id or tokens are in the backup); load is not available yet.")
  String mode;

  @Option(
      names = "--source-node",
      paramLabel = "HOSTID",
      description = "The backed-up node to restore from (default: this node's host id or tokens).")
  String sourceNode;

  @Option(
      names = "--parallel",
      defaultValue = "4",
      paramLabel = "N",
      description = "Files downloaded at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--rate-limit",
      defaultValue = "0",
      paramLabel = "MiB/s",
      description = "Download rate limit in MiB/s (default: none).")
  double rateLimit;

  @Option(
      names = "--staging-dir",
      paramLabel = "DIR",
      description =
          "Download area on the data volume (default: kassette-staging beside the data directory).")
  Path stagingDir;

  @Option(
      names = "--ignore-table-ids",
      description = "Restore into tables that exist with another id than the backed-up one.")
  boolean ignoreTableIds;

  @Option(
      names = "--dry-run",
      description = "Print what would be created, downloaded and imported; change nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CliOutput.requireParallel(spec, parallel);
    if (!mode.equals("auto") && !mode.equals("import")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--mode "
              + mode
              + (mode.equals("load")
                  ? " is not available yet: use auto or import"
                  : " is unknown: use auto, import or load"));
    }
    RestoreRequest request;
    try {
      request =
          new RestoreRequest(
              location.cluster,
              name,
              Selection.parse(keyspaces),
              truncate,
              sourceNode,
              parallel,
              rateLimit,
              dryRun,
              stagingDir,
              ignoreTableIds);
      location.parsedLocation();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = location.open(parallel);
        NodeAccess nodeAccess = node.connect()) {
      RestoreSummary summary = new RestoreService(store, nodeAccess, node.cqlSchema()).run(request);
      if (json) {
        CliOutput.json(out, summary);
      } else {
        out.printf(
            "%s backup %s (node %s) into node %s: %d tables %s, %d files, %s%n",
            summary.dryRun() ? "would restore" : "restored",
            summary.backup(),
            summary.sourceHostId(),
            summary.targetHostId(),
            summary.tables().size(),
            summary.tables(),
            summary.files(),
            Sizes.bytes(summary.bytes()));
        summary
            .schemaCreated()
            .forEach(
                s ->
                    out.println(
                        (summary.dryRun() ? "would run: " : "created: ")
                            + s.lines().findFirst().orElse(s)));
        out.println(
            summary.truncated()
                ? "tables were truncated first: they hold exactly the backed-up rows"
                : "tables were not truncated: the backed-up rows were merged with the existing ones");
      }
      out.flush();
      return 0;
    }
  }
}
