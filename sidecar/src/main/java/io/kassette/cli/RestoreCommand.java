package io.kassette.cli;

import io.kassette.backup.Selection;
import io.kassette.node.NodeAccess;
import io.kassette.restore.BulkLoader;
import io.kassette.restore.RestoreProgress;
import io.kassette.restore.RestoreRequest;
import io.kassette.restore.RestoreService;
import io.kassette.restore.RestoreSummary;
import io.kassette.storage.ObjectStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a complete backup into this live node or its cluster, online: download and verify",
      "every file, truncate (with --truncate), then import (same topology) or stream (load mode).",
      "Without --truncate the backed-up rows are merged with the current rows (newer writes win)."
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
      description = {
        "import: this node's own files into its live tables (same host id or tokens);",
        "load: every backed-up node's files streamed to the replicas that own them (another",
        "topology or cluster); auto (default): import when this node is in the backup, else load."
      })
  String mode;

  @Option(
      names = "--rename",
      paramLabel = "KS.T=KS2.T2",
      description = "Restore a backed-up table into another keyspace and/or table (repeatable).")
  java.util.List<String> renames = new java.util.ArrayList<>();

  @Option(
      names = "--source-node",
      paramLabel = "HOSTID",
      description = "Restore only this backed-up node's files.")
  String sourceNode;

  @Option(
      names = "--loader-lib",
      paramLabel = "DIR",
      description =
          "Cassandra's lib/ directory, for the bulk loader in load mode (or KASSETTE_CASSANDRA_LIB).")
  Path loaderLib;

  @Option(
      names = "--storage-port",
      defaultValue = "7000",
      paramLabel = "PORT",
      description =
          "The target cluster's internode port, for load mode (default: ${DEFAULT-VALUE}).")
  int storagePort;

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
      description = "Download (and bulk load) rate limit in MiB/s (default: none).")
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
      description = "Print what would be created, downloaded and restored; change nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress lines.")
  boolean quiet;

  @Option(
      names = "--replication",
      paramLabel = "KS={...}",
      description =
          "Replication for a keyspace the restore creates, instead of the backed-up one, e.g."
              + " app={'class':'NetworkTopologyStrategy','dc2':3} (repeatable).")
  java.util.List<String> replication = new java.util.ArrayList<>();

  @Option(
      names = "--keep-free-mib",
      defaultValue = "0",
      paramLabel = "MiB",
      description = "Disk to leave free on the data volume after staging (room for compaction).")
  long keepFreeMib;

  @Override
  public Integer call() throws Exception {
    RestoreRequest.Mode m;
    try {
      m = RestoreRequest.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--mode must be auto, import or load, got '" + mode + "'");
    }
    Path lib = loaderLib;
    if (lib == null && System.getenv("KASSETTE_CASSANDRA_LIB") != null) {
      lib = Path.of(System.getenv("KASSETTE_CASSANDRA_LIB"));
    }
    RestoreRequest request;
    try {
      java.util.Map<io.kassette.node.TableRef, io.kassette.node.TableRef> renameMap =
          new java.util.LinkedHashMap<>();
      java.util.Map<String, String> replicationMap = new java.util.LinkedHashMap<>();
      for (String r : replication) {
        var e = RestoreRequest.replication(r);
        replicationMap.put(e.getKey(), e.getValue());
      }
      for (String r : renames) {
        var e = RestoreRequest.rename(r);
        renameMap.put(e.getKey(), e.getValue());
      }
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
              ignoreTableIds,
              m,
              lib == null ? null : new BulkLoader(lib, node.cqlEndpoint(), storagePort),
              renameMap,
              replicationMap,
              RestoreRequest.Step.ALL,
              keepFreeMib << 20);
      location.parsedLocation();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    RestoreProgress progress = new RestoreProgress();
    try (ObjectStore store = location.open(parallel);
        NodeAccess nodeAccess = node.connect();
        ProgressReporter reporter =
            new ProgressReporter(
                () -> ProgressReporter.restoreLine(progress),
                spec.commandLine().getErr(),
                quiet || json || dryRun)) {
      RestoreSummary summary =
          new RestoreService(store, nodeAccess, node.cqlSchema()).run(request, progress);
      reporter.close();
      if (json) {
        CliOutput.json(out, summary);
      } else {
        out.printf(
            "%s backup %s (%s, from nodes %s) into node %s: %d tables %s, %d files, %s%n",
            summary.dryRun() ? "would restore" : "restored",
            summary.backup(),
            summary.mode(),
            summary.sourceHostIds(),
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
