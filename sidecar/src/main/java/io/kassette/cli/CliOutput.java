package io.kassette.cli;

import io.kassette.backup.ManifestCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** What the commands share: JSON output and the checks of shared flags. */
final class CliOutput {
  private CliOutput() {}

  static void json(PrintWriter out, Object value) throws IOException {
    out.println(new String(ManifestCodec.json(value), StandardCharsets.UTF_8));
  }

  static void requireParallel(CommandLine.Model.CommandSpec spec, int parallel) {
    if (parallel < 1 || parallel > 256) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--parallel must be between 1 and 256, got " + parallel);
    }
  }
}
