package io.kassette.operator;

import static java.nio.charset.StandardCharsets.UTF_8;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sidecars over HTTPS at the pod's IP (HTTP when a resource opts out), with the bearer token from
 * the Secret the resource names (read from {@link TokenSecrets}' cache on every call, so a rotated
 * token is used at once).
 *
 * <p>The sidecar's certificate must chain to the CA the resource names ({@code caSecret}) or else
 * to the operator's own ({@code KASSETTE_SIDECAR_CA}, mounted by the chart), and carry the DNS name
 * {@code <serverName>.<pod namespace>}; the pod IP is not checked, since no certificate issued once
 * can name the IPs pods get on every restart. The namespace in the name keeps one namespace's
 * sidecar certificate (and whoever can read its key) from passing for the sidecars of another when
 * one CA serves them all.
 *
 * <p>One java.net.http client serves every pod that shares a trust setting (one selector thread,
 * one connection pool), so a pod's own client is a few fields. It is kept per pod UID and dropped
 * when the pod's IP, port, scheme or trust changes (a restarted pod, a renewed CA) or when the pod
 * has not been talked to for ten minutes (a pod that is gone).
 */
public final class HttpSidecarConnector implements SidecarConnector {
  private static final Duration IDLE = Duration.ofMinutes(10);

  private final TokenSecrets secrets;
  private final Duration requestTimeout;
  private final Path defaultCa;
  private final Map<String, HttpClient> transports = new ConcurrentHashMap<>();
  private final Map<String, Cached> clients = new ConcurrentHashMap<>();

  private record Cached(String address, SidecarClient client, long lastUsedNanos) {}

  /** The CA a resource's sidecars are checked against, and what to call it in an error. */
  private record Trust(String key, byte[] pem, String what, String serverName) {}

  /**
   * @param defaultCa the CA (PEM) trusted for resources that name no {@code caSecret}; null when
   *     the operator has none
   */
  public HttpSidecarConnector(TokenSecrets secrets, Duration requestTimeout, Path defaultCa) {
    this.secrets = secrets;
    this.requestTimeout = requestTimeout;
    this.defaultCa = defaultCa;
  }

  /** With a Secret cache of its own. */
  public HttpSidecarConnector(
      KubernetesClient kubernetes, Duration requestTimeout, Path defaultCa) {
    this(new TokenSecrets(kubernetes), requestTimeout, defaultCa);
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
    String scheme = sidecar.getScheme() == null ? "https" : sidecar.getScheme();
    int port = sidecar.getPort() == null ? 8090 : sidecar.getPort();
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    URI base = URI.create(scheme + "://" + host + ":" + port);
    String podNamespace =
        pod.getMetadata().getNamespace() == null ? namespace : pod.getMetadata().getNamespace();
    Trust trust = "http".equals(scheme) ? null : trust(namespace, podNamespace, sidecar);
    String transportKey = trust == null ? "plain" : trust.key();
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
                          .httpClient(transport(transportKey, trust))
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

  private HttpClient transport(String key, Trust trust) {
    return transports.computeIfAbsent(
        key,
        k -> {
          if (trust == null) {
            return HttpSidecarClient.httpClient(Duration.ofSeconds(5), null);
          }
          try {
            return HttpSidecarClient.httpClient(
                Duration.ofSeconds(5),
                PemFiles.trusting(
                    trust.pem(),
                    trust.what(),
                    trust.serverName(),
                    "spec.cluster.sidecar.serverName, then a dot and the pod's namespace"));
          } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
          }
        });
  }

  /**
   * The resource's CA Secret, else the operator's CA file, keyed by content and server name: a
   * renewed CA gets a new transport.
   */
  private Trust trust(String namespace, String podNamespace, SidecarRef sidecar) {
    String serverName =
        (sidecar.getServerName() == null || sidecar.getServerName().isBlank()
                ? "kassette-sidecar"
                : sidecar.getServerName())
            + "."
            + podNamespace;
    SecretKeyRef ca = sidecar.getCaSecret();
    String what;
    byte[] pem;
    if (ca != null) {
      what =
          "Secret "
              + namespace
              + "/"
              + ca.getName()
              + " key "
              + keyOf(ca, "ca.crt")
              + " (spec.cluster.sidecar.caSecret)";
      if (secrets.holds(namespace, ca.getName(), "tls.key")) {
        // The operator only needs the CA certificate; a Secret with a key is a sidecar's or the
        // CA's own, and reading it would let the operator (or whoever takes it over) mint
        // certificates or impersonate sidecars.
        throw new IllegalStateException(
            what
                + " also holds a private key (tls.key): name a Secret that holds only the CA"
                + " certificate (ca.crt), e.g. a trust-manager Bundle or a copy of ca.crt, and"
                + " remove the key's Secret from the Helm value sidecarSecretNames");
      }
      pem = secrets.value(namespace, ca.getName(), keyOf(ca, "ca.crt")).getBytes(UTF_8);
      if (new String(pem, UTF_8).contains("PRIVATE KEY")) {
        throw new IllegalStateException(
            what
                + " holds a private key: name a Secret key that holds only the CA certificate"
                + " (ca.crt)");
      }
    } else if (defaultCa != null) {
      what = "the operator's sidecar CA " + defaultCa + " (KASSETTE_SIDECAR_CA)";
      try {
        pem = Files.readAllBytes(defaultCa);
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read the operator's sidecar CA " + defaultCa + ": " + e.getMessage(), e);
      }
    } else {
      throw new IllegalStateException(
          "spec.cluster.sidecar.caSecret is not set and the operator has no sidecar CA"
              + " (KASSETTE_SIDECAR_CA): name the Secret holding the CA of the sidecars'"
              + " certificates, install the chart with sidecarTls.enabled=true, or set"
              + " spec.cluster.sidecar.scheme: http for sidecars started with --plain-http");
    }
    String key =
        "ca:"
            + (ca == null ? "operator" : namespace + "/" + ca.getName())
            + "#"
            + sha256(pem)
            + "#"
            + serverName;
    return new Trust(key, pem, what, serverName);
  }

  private static String sha256(byte[] pem) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(pem));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
