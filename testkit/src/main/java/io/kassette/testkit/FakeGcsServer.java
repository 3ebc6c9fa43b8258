package io.kassette.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * fake-gcs-server on loopback: the Google Cloud Storage JSON API over real HTTP (resumable uploads,
 * preconditions, paged listings), as the real client speaks it. Built from the Go module proxy by
 * {@code tools/test-servers/fake-gcs.sh} and cached per version outside the repository.
 */
public final class FakeGcsServer implements AutoCloseable {
  public static final String VERSION = "v1.56.1";

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private FakeGcsServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts an in-memory server on a free loopback port; its log goes to {@code log}. */
  public static FakeGcsServer start(Path log) throws IOException, InterruptedException {
    int port = CassandraNode.freePort();
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(
                List.of(
                    binary().toString(),
                    "-scheme",
                    "http",
                    "-host",
                    "127.0.0.1",
                    "-port",
                    String.valueOf(port),
                    "-backend",
                    "memory",
                    "-external-url",
                    "http://127.0.0.1:" + port,
                    "-log-level",
                    "warn"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    FakeGcsServer server = new FakeGcsServer(p, port);
    CachedTools.awaitReady(
        p,
        log,
        "fake-gcs-server",
        30,
        () -> server.send("GET", "/storage/v1/b?project=test", null).statusCode() == 200);
    return server;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public FakeGcsServer createBucket(String bucket) {
    try {
      HttpResponse<String> r =
          send("POST", "/storage/v1/b?project=test", "{\"name\":\"" + bucket + "\"}");
      if (r.statusCode() != 200) {
        throw new IllegalStateException("cannot create bucket " + bucket + ": " + r.body());
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** The cached binary, built first when missing. */
  static Path binary() {
    return CachedTools.ensure(
        CachedTools.cache().resolve("fake-gcs-server/" + VERSION + "/bin/fake-gcs-server"),
        "fake-gcs.sh",
        "fake-gcs-server " + VERSION);
  }

  @Override
  public void close() {
    CachedTools.stop(process);
  }
}
