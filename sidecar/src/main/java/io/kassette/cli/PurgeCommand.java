package io.kassette.cli;

import io.kassette.backup.BackupPurge;
import io.kassette.backup.Durations;
import io.kassette.storage.ObjectStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kassette purge}: retention for one cluster in one location. */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = {
      "Delete expired backups: keep the last N complete ones (and those younger than",
      "--keep-within); the newest complete backup is never deleted and failed or incomplete",
      "backups never count. Pooled SSTables no remaining backup references are swept once",
      "older than --grace, so a backup running meanwhile is safe. Re-running finishes an",
      "interrupted purge."
    })
final class PurgeCommand implements Callable<Integer> {
  @Mixin LocationOptions location;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--keep-last",
      required = true,
      paramLabel = "N",
      description = "Complete backups to keep, newest first (at least 1).")
  int keepLast;

  @Option(
      names = "--keep-within",
      paramLabel = "DURATION",
      description = "Also keep complete backups younger than this, e.g. 7d, 12h, P14D.")
  String keepWithin;

  @Option(
      names = "--grace",
      defaultValue = "6h",
      paramLabel = "DURATION",
      description =
          "Leave incomplete backups and unreferenced SSTables younger than this (default: ${DEFAULT-VALUE}).")
  String grace;

  @Option(
      names = "--prefix",
      paramLabel = "NAME-PREFIX",
      description =
          "Only backups whose names start with this are expired or cleaned up (one schedule's"
              + " backups); what other backups reference is always kept.")
  String prefix;

  @Option(names = "--dry-run", description = "Show what would be deleted; delete nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    BackupPurge.Policy policy;
    try {
      policy =
          new BackupPurge.Policy(
              keepLast,
              keepWithin == null ? null : Durations.parse("--keep-within", keepWithin),
              Durations.parse("--grace", grace),
              prefix);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = location.open(8)) {
      BackupPurge.Result r =
          new BackupPurge(store, location.cluster).purge(policy, dryRun, Instant.now());
      if (json) {
        CliOutput.json(out, r);
      } else {
        out.printf(
            "%s %d expired backups %s and %d incomplete %s: %d objects, %s; kept %s%n",
            dryRun ? "would delete" : "deleted",
            r.expired().size(),
            r.expired(),
            r.incomplete().size(),
            r.incomplete(),
            r.objects(),
            Sizes.bytes(r.bytes()),
            r.kept());
      }
      out.flush();
      return 0;
    }
  }
}
