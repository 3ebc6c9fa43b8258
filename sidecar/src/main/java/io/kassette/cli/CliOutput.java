package io.kassette.cli;

import io.kassette.backup.ManifestCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** What the commands share for output. */
final class CliOutput {
  private CliOutput() {}

  static void json(PrintWriter out, Object value) throws IOException {
    out.println(new String(ManifestCodec.json(value), StandardCharsets.UTF_8));
  }
}
