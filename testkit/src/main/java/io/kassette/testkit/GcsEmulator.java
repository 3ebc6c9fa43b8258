package io.kassette.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * gcp-storage-emulator (PyPI) on loopback: the Google Cloud Storage JSON API over real HTTP, whose
 * resumable sessions answer a status query (an empty PUT that names the total size) with the bytes
 * they hold and refuse a chunk that does not start there, as GCS does. fake-gcs-server completes
 * the object on such a query and appends a chunk sent again, so an upload continued by another
 * process is tested here. Objects live on disk under a directory of the test's; each chunk rewrites
 * the session's file, so keep uploads to tens of MiB. Installed into a virtualenv by {@code
 * tools/test-servers/gcs-emulator.sh} and cached per version outside the repository.
 */
public final class GcsEmulator implements AutoCloseable {
  public static final String VERSION = "2026.7.19";

  private final Process process;
  private final int port;

  private GcsEmulator(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the emulator on a free loopback port with {@code bucket} created, its objects under
   * {@code dir} and its log in {@code dir/server.log}.
   */
  public static GcsEmulator start(Path dir, String bucket)
      throws IOException, InterruptedException {
    int port = CassandraNode.freePort();
    Files.createDirectories(dir);
    Path log = dir.resolve("server.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    executable().toString(),
                    "--data-dir",
                    dir.resolve("data").toString(),
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(port),
                    "--default-bucket",
                    bucket,
                    "--quiet"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    GcsEmulator server = new GcsEmulator(p, port);
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(server.endpoint() + "/storage/v1/b/" + bucket))
            .timeout(Duration.ofSeconds(5))
            .build();
    CachedTools.awaitReady(
        p,
        log,
        "gcp-storage-emulator",
        30,
        () -> http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    return server;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The cached console script, installed first when missing. */
  static Path executable() {
    return CachedTools.ensure(
        CachedTools.cache()
            .resolve("gcp-storage-emulator/" + VERSION + "/bin/gcp-storage-emulator"),
        "gcs-emulator.sh",
        "gcp-storage-emulator " + VERSION);
  }

  @Override
  public void close() {
    CachedTools.stop(process);
  }
}
