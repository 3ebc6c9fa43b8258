package io.kassette.cli;

import io.kassette.backup.BackupCatalog;
import io.kassette.storage.ObjectStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the complete backups of a cluster in a location, newest first.")
final class ListCommand implements Callable<Integer> {
  @Mixin LocationOptions location;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--all",
      description = "Also show incomplete backups (no commit marker), marked as such.")
  boolean all;

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ObjectStore store = location.open(4)) {
      List<BackupCatalog.Listing> backups = new BackupCatalog(store, location.cluster).list(all);
      if (json) {
        CliOutput.json(out, backups);
      } else {
        out.printf(
            "%-32s %-10s %-12s %-24s %5s %8s %10s%n",
            "NAME", "STATUS", "MODE", "STARTED", "NODES", "FILES", "SIZE");
        for (BackupCatalog.Listing b : backups) {
          out.printf(
              "%-32s %-10s %-12s %-24s %5d %8d %10s%n",
              b.name(),
              b.defect() != null ? "UNREADABLE" : b.complete() ? "complete" : "INCOMPLETE",
              b.mode() == null ? "-" : b.mode(),
              b.startedAt() == null ? "-" : b.startedAt().toString(),
              b.nodes(),
              b.files(),
              Sizes.bytes(b.bytes()));
        }
        for (BackupCatalog.Listing b : backups) {
          if (b.defect() != null) {
            out.printf("%s: %s%n", b.name(), b.defect());
          }
        }
      }
      out.flush();
      return 0;
    }
  }
}
