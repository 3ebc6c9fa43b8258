package io.kassette.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Certificates made with the {@code openssl} command, as the test servers and sidecars use. */
public final class OpenSsl {
  private OpenSsl() {}

  /** A self-signed CA: {@code <name>.crt} and {@code <name>.key} in {@code dir}. */
  public static void ca(Path dir, String name, String subject) throws IOException {
    Files.createDirectories(dir);
    run(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt",
        "-days",
        "3650",
        "-subj",
        subject);
  }

  /**
   * {@code <name>.crt} and {@code <name>.key} signed by the CA {@code <ca>.crt}/{@code <ca>.key} of
   * the same directory, with these extensions (openssl x509 -extfile lines).
   */
  public static void signed(Path dir, String ca, String name, String subject, String extensions)
      throws IOException {
    Files.writeString(dir.resolve(name + ".ext"), extensions);
    run(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr",
        "-subj",
        subject);
    run(
        dir,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        ca + ".crt",
        "-CAkey",
        ca + ".key",
        "-CAcreateserial",
        "-out",
        name + ".crt",
        "-days",
        "3650",
        "-extfile",
        name + ".ext");
  }

  public static void run(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
