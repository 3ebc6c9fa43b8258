package io.kassette.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Azurite's Blob service on loopback: the Azure Blob Storage REST API over real HTTP (block
 * uploads, shared-key signatures checked, paged and hierarchical listings), as the Azure SDK speaks
 * it. Installed from the npm registry by {@code tools/test-servers/azurite.sh} and cached per
 * version outside the repository.
 */
public final class Azurite implements AutoCloseable {
  public static final String VERSION = "3.37.0";

  /** Azurite's well-known development account and key (public, in Azure's documentation). */
  public static final String ACCOUNT = "devstoreaccount1";

  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private final Process process;
  private final int port;

  private Azurite(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a Blob service on a free loopback port, storing under {@code dir}. */
  public static Azurite start(Path dir) throws IOException, InterruptedException {
    Path bin =
        CachedTools.ensure(
            CachedTools.cache().resolve("azurite/" + VERSION + "/node_modules/.bin/azurite-blob"),
            "azurite.sh",
            "Azurite " + VERSION);
    int port = CassandraNode.freePort();
    Files.createDirectories(dir);
    Path log = dir.resolve("azurite.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    bin.toString(),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    String.valueOf(port),
                    "--location",
                    dir.toString(),
                    "--skipApiVersionCheck",
                    "--silent"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    CachedTools.awaitReady(
        p,
        log,
        "Azurite",
        60,
        () -> {
          try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
          }
        });
    return new Azurite(p, port);
  }

  /** The account's blob endpoint. */
  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** The connection string of the development account, as Azure users configure one. */
  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + KEY
        + ";BlobEndpoint="
        + endpoint()
        + ";";
  }

  @Override
  public void close() {
    CachedTools.stop(process);
  }
}
