package io.kassette.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * {@link SidecarClient} over {@code java.net.http}: bearer token on every call, a timeout on every
 * request, and retries when the agent cannot be reached (a pod restarting). Retrying is safe
 * because every call is idempotent on the agent's side.
 */
public final class HttpSidecarClient implements SidecarClient {
  private final URI base;
  private final Supplier<String> token;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int connectAttempts;
  private final Duration retryBackoff;
  private final ObjectMapper json = ApiJson.tolerant();

  private HttpSidecarClient(Builder b) {
    this.base = b.base;
    this.token = b.token;
    this.requestTimeout = b.requestTimeout;
    this.connectAttempts = b.connectAttempts;
    this.retryBackoff = b.retryBackoff;
    this.http = b.httpClient != null ? b.httpClient : httpClient(b.connectTimeout, b.sslContext);
  }

  /**
   * A java.net.http client as the sidecar clients use it. One can serve the sidecars of many pods
   * (each pod's {@code HttpSidecarClient} is then a few fields): build it once per trust setting
   * and pass it to {@link Builder#httpClient}.
   *
   * @param sslContext trust for {@code https} agents; null for the JDK's default
   */
  public static HttpClient httpClient(Duration connectTimeout, SSLContext sslContext) {
    HttpClient.Builder hb =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (sslContext != null) {
      hb.sslContext(sslContext);
    }
    return hb.build();
  }

  /**
   * @param base e.g. {@code https://10.0.0.7:8090}
   * @param token read on every call, so a rotated Secret is picked up
   */
  public static Builder builder(URI base, Supplier<String> token) {
    return new Builder(base, token);
  }

  /** Options with the defaults an operator wants. */
  public static final class Builder {
    private final URI base;
    private final Supplier<String> token;
    private SSLContext sslContext;
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int connectAttempts = 3;
    private Duration retryBackoff = Duration.ofMillis(250);

    private Builder(URI base, Supplier<String> token) {
      String s = base.toString();
      this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      this.token = token;
    }

    /** Trust for {@code https} agents, e.g. {@link PemFiles#trusting(java.nio.file.Path)}. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    /** A shared client (see {@link HttpSidecarClient#httpClient}); its TLS trust wins. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = client;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    /** Attempts when the agent cannot be reached (at least 1), with doubling backoff. */
    public Builder connectAttempts(int attempts, Duration backoff) {
      this.connectAttempts = Math.max(1, attempts);
      this.retryBackoff = backoff;
      return this;
    }

    public HttpSidecarClient build() {
      return new HttpSidecarClient(this);
    }
  }

  @Override
  public NodeDescription node() {
    return call("GET", "/v1/node", null, type(NodeDescription.class));
  }

  @Override
  public Ring ring(String keyspaces) {
    return call(
        "GET",
        "/v1/ring" + (keyspaces == null ? "" : "?keyspaces=" + encode(keyspaces)),
        null,
        type(Ring.class));
  }

  @Override
  public Operation startBackup(BackupOperationRequest request) {
    return call("POST", "/v1/" + OperationKind.BACKUP.path(), request, type(Operation.class));
  }

  @Override
  public Operation startRestore(RestoreOperationRequest request) {
    return call("POST", "/v1/" + OperationKind.RESTORE.path(), request, type(Operation.class));
  }

  @Override
  public Operation startPurge(PurgeRequest request) {
    return call("POST", "/v1/" + OperationKind.PURGE.path(), request, type(Operation.class));
  }

  @Override
  public Operation get(OperationKind kind, String name) {
    return call("GET", operationPath(kind, name), null, type(Operation.class));
  }

  @Override
  public Operation pause(OperationKind kind, String name) {
    return call("POST", operationPath(kind, name) + "/pause", null, type(Operation.class));
  }

  @Override
  public Operation resume(OperationKind kind, String name) {
    return call("POST", operationPath(kind, name) + "/resume", null, type(Operation.class));
  }

  @Override
  public Operation cancel(OperationKind kind, String name) {
    return call("POST", operationPath(kind, name) + "/cancel", null, type(Operation.class));
  }

  @Override
  public Operation setRateLimit(OperationKind kind, String name, double mibPerSecond) {
    return call(
        "PATCH",
        operationPath(kind, name),
        new OperationUpdate(mibPerSecond),
        type(Operation.class));
  }

  @Override
  public List<Operation> operations() {
    return call(
        "GET",
        "/v1/operations",
        null,
        json.getTypeFactory().constructType(new TypeReference<List<Operation>>() {}));
  }

  @Override
  public BackupListing backups(String location, String cluster, boolean includeIncomplete) {
    return call(
        "GET",
        "/v1/backups?location="
            + encode(location)
            + "&cluster="
            + encode(cluster)
            + "&incomplete="
            + includeIncomplete,
        null,
        type(BackupListing.class));
  }

  @Override
  public CommitResult commit(String backup, CommitRequest request) {
    return call(
        "POST", "/v1/backups/" + encode(backup) + "/commit", request, type(CommitResult.class));
  }

  @Override
  public DeletionResult deleteBackup(String backup, String location, String cluster, String owner) {
    return call(
        "DELETE",
        "/v1/backups/"
            + encode(backup)
            + "?location="
            + encode(location)
            + "&cluster="
            + encode(cluster)
            + (owner == null ? "" : "&owner=" + encode(owner)),
        null,
        type(DeletionResult.class));
  }

  @Override
  public PurgeResult purge(PurgeRequest request) {
    return call("POST", "/v1/purge", request, type(PurgeResult.class));
  }

  @Override
  public void clearSnapshot(String tag) {
    call("DELETE", "/v1/snapshots/" + encode(tag), null, type(Map.class));
  }

  private static String operationPath(OperationKind kind, String name) {
    return "/v1/" + kind.path() + "/" + encode(name);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JavaType type(Class<?> c) {
    return json.getTypeFactory().constructType(c);
  }

  private <T> T call(String method, String path, Object body, JavaType answer) {
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(requestTimeout)
              .header("Authorization", "Bearer " + token.get())
              .header("Accept", "application/json")
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
              .build();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode the request to " + path, e);
    }
    IOException last = null;
    long backoff = retryBackoff.toMillis();
    for (int attempt = 1; attempt <= connectAttempts; attempt++) {
      HttpResponse<byte[]> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (ConnectException | HttpConnectTimeoutException e) {
        last = e;
        if (attempt < connectAttempts) {
          sleep(backoff);
          backoff *= 2;
        }
        continue;
      } catch (IOException e) {
        throw new SidecarException(0, null, method + " " + base + path + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SidecarException(0, null, method + " " + base + path + " was interrupted", e);
      }
      return decode(method, path, response, answer);
    }
    throw new SidecarException(
        0,
        null,
        "agent at " + base + " unreachable after " + connectAttempts + " attempts: " + last,
        last);
  }

  private <T> T decode(String method, String path, HttpResponse<byte[]> response, JavaType answer) {
    int status = response.statusCode();
    try {
      if (status / 100 == 2) {
        return json.readValue(response.body(), answer);
      }
      ApiError error = null;
      try {
        error = json.readValue(response.body(), ApiError.class);
      } catch (IOException notJson) {
        // a proxy or a crash page: the status alone says enough
      }
      String message =
          error != null && error.message() != null
              ? error.message()
              : untrusted(new String(response.body(), StandardCharsets.UTF_8));
      throw new SidecarException(
          status, error, method + " " + path + " → " + status + ": " + message, null);
    } catch (IOException e) {
      throw new SidecarException(
          status, null, method + " " + path + ": unreadable answer: " + e.getMessage(), e);
    }
  }

  /**
   * A body that did not come from the agent (a proxy, another service on the port) goes into
   * messages that reach statuses and Events: at most 200 characters, and never a bearer token it
   * may echo back.
   */
  static String untrusted(String body) {
    String s = body.replaceAll("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+", "Bearer <redacted>");
    s = s.replaceAll("[\\p{Cntrl}&&[^\\n]]", "?");
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SidecarException(0, null, "interrupted while waiting to retry", e);
    }
  }
}
