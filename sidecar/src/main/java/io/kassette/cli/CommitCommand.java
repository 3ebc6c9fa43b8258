package io.kassette.cli;

import io.kassette.backup.BackupCatalog;
import io.kassette.backup.ClusterManifest;
import io.kassette.storage.ObjectStore;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "commit",
    mixinStandardHelpOptions = true,
    description = {
      "Write the cluster manifest (the commit marker) from the node manifests present,",
      "after backing up several nodes one by one with --no-commit."
    })
final class CommitCommand implements Callable<Integer> {
  @Mixin LocationOptions location;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "BACKUP",
      description = "Backup to commit.")
  String name;

  @Override
  public Integer call() throws Exception {
    try (ObjectStore store = location.open(4)) {
      ClusterManifest m = new BackupCatalog(store, location.cluster).commit(name);
      spec.commandLine()
          .getOut()
          .printf(
              "backup %s committed: %d nodes, %d files, %s%n",
              name, m.nodes().size(), m.files(), Sizes.bytes(m.bytes()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
