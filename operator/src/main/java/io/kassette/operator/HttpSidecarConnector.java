package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.api.HttpSidecarClient;
import io.kassette.api.PemFiles;
import io.kassette.api.SidecarClient;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sidecars over HTTP(S) at the pod's IP, with the bearer token from the Secret the resource names
 * (read from {@link TokenSecrets}' cache on every call, so a rotated token is used at once).
 *
 * <p>One java.net.http client serves every pod that shares a trust setting (one selector thread,
 * one connection pool), so a pod's own client is a few fields. It is kept per pod UID and dropped
 * when the pod's IP, port or scheme changes (a restarted pod) or when the pod has not been talked
 * to for ten minutes (a pod that is gone).
 */
public final class HttpSidecarConnector implements SidecarConnector {
  private static final Duration IDLE = Duration.ofMinutes(10);

  private final TokenSecrets secrets;
  private final Duration requestTimeout;
  private final Map<String, HttpClient> transports = new ConcurrentHashMap<>();
  private final Map<String, Cached> clients = new ConcurrentHashMap<>();

  private record Cached(String address, SidecarClient client, long lastUsedNanos) {}

  public HttpSidecarConnector(TokenSecrets secrets, Duration requestTimeout) {
    this.secrets = secrets;
    this.requestTimeout = requestTimeout;
  }

  /** With a Secret cache of its own. */
  public HttpSidecarConnector(KubernetesClient kubernetes, Duration requestTimeout) {
    this(new TokenSecrets(kubernetes), requestTimeout);
  }

  @Override
  public SidecarClient connect(String namespace, Pod pod, ClusterRef cluster) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank()) {
      throw new IllegalStateException("pod " + pod.getMetadata().getName() + " has no IP yet");
    }
    SidecarRef sidecar = cluster.getSidecar();
    SecretKeyRef tokenRef = sidecar.getTokenSecret();
    // Read now, so that a missing Secret is reported before any call; read again on every call.
    token(namespace, tokenRef);
    String scheme = sidecar.getScheme() == null ? "http" : sidecar.getScheme();
    int port = sidecar.getPort() == null ? 8090 : sidecar.getPort();
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    URI base = URI.create(scheme + "://" + host + ":" + port);
    String transportKey =
        "https".equals(scheme) && sidecar.getCaSecret() != null
            ? caKey(namespace, sidecar.getCaSecret())
            : "default";
    String address = base + "#" + transportKey + "#" + tokenRef.getName();
    long now = System.nanoTime();
    prune(now);
    String podKey = pod.getMetadata().getUid() != null ? pod.getMetadata().getUid() : address;
    Cached cached =
        clients.compute(
            podKey,
            (k, old) -> {
              SidecarClient client =
                  old != null && old.address().equals(address)
                      ? old.client()
                      : HttpSidecarClient.builder(base, () -> token(namespace, tokenRef))
                          .httpClient(transport(transportKey, namespace, sidecar))
                          .requestTimeout(requestTimeout)
                          .connectAttempts(2, Duration.ofMillis(200))
                          .build();
              return new Cached(address, client, now);
            });
    return cached.client();
  }

  /** The HTTP clients kept, one per trust setting. */
  int transportsKept() {
    return transports.size();
  }

  /** The clients kept, one per pod talked to in the last ten minutes. */
  int clientsKept() {
    return clients.size();
  }

  private void prune(long now) {
    clients.values().removeIf(c -> now - c.lastUsedNanos() > IDLE.toNanos());
  }

  private HttpClient transport(String key, String namespace, SidecarRef sidecar) {
    return transports.computeIfAbsent(
        key,
        k -> {
          if (k.equals("default")) {
            return HttpSidecarClient.httpClient(Duration.ofSeconds(5), null);
          }
          SecretKeyRef ca = sidecar.getCaSecret();
          try {
            return HttpSidecarClient.httpClient(
                Duration.ofSeconds(5),
                PemFiles.trusting(
                    secrets
                        .value(namespace, ca.getName(), keyOf(ca, "ca.crt"))
                        .getBytes(StandardCharsets.UTF_8),
                    "Secret " + ca.getName() + "/" + keyOf(ca, "ca.crt")));
          } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        });
  }

  /** One transport per CA content: a rotated CA gets a new one. */
  private String caKey(String namespace, SecretKeyRef ca) {
    String pem = secrets.value(namespace, ca.getName(), keyOf(ca, "ca.crt"));
    return "ca:" + namespace + "/" + ca.getName() + "#" + Integer.toHexString(pem.hashCode());
  }

  private String token(String namespace, SecretKeyRef ref) {
    return secrets.value(namespace, ref.getName(), keyOf(ref, "token")).strip();
  }

  /**
   * The Secret key: as given, else {@code token} for the token and {@code ca.crt} for a CA (what
   * cert-manager writes), so a CA Secret needs no key.
   */
  private static String keyOf(SecretKeyRef ref, String fallback) {
    return ref.getKey() == null
            || ref.getKey().isBlank()
            || ("ca.crt".equals(fallback) && "token".equals(ref.getKey()))
        ? fallback
        : ref.getKey();
  }
}
