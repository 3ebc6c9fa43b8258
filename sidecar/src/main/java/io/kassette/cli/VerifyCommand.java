package io.kassette.cli;

import io.kassette.backup.BackupRequest;
import io.kassette.backup.VerifyService;
import io.kassette.storage.ObjectStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check that every object of a backup exists with its recorded size;",
      "--deep also re-reads each one and compares its checksum. Exits 1 on any defect."
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin LocationOptions location;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "BACKUP",
      description = "Backup to verify.")
  String name;

  @Option(names = "--deep", description = "Download every object and check its CRC32C.")
  boolean deep;

  @Option(
      names = "--parallel",
      defaultValue = "4",
      paramLabel = "N",
      description = "Objects read at once with --deep (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try {
      BackupRequest.requireTransferLimits(parallel, 0);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (ObjectStore store = location.open(parallel)) {
      VerifyService.Report report =
          new VerifyService(store, location.cluster).verify(name, deep, parallel);
      if (json) {
        CliOutput.json(out, report);
      } else if (report.ok()) {
        out.printf(
            "backup %s is good: %d objects, %s%s%n",
            name, report.objects(), Sizes.bytes(report.bytes()), deep ? ", checksums match" : "");
      }
      if (!report.ok()) {
        report.defects().forEach(d -> err.println("defect: " + d));
        err.printf("backup %s has %d defect(s)%n", name, report.defects().size());
      }
      out.flush();
      err.flush();
      return report.ok() ? 0 : 1;
    }
  }
}
