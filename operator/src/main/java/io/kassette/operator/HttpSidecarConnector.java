package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.api.HttpSidecarClient;
import io.kassette.api.PemFiles;
import io.kassette.api.SidecarClient;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * Sidecars over HTTP(S) at the pod's IP, with the bearer token read from the Secret the resource
 * names. Clients are kept per address and token, so a rotated Secret gets a new client.
 */
public final class HttpSidecarConnector implements SidecarConnector {
  private final KubernetesClient kubernetes;
  private final Duration requestTimeout;
  private final Map<String, SidecarClient> clients = new ConcurrentHashMap<>();

  public HttpSidecarConnector(KubernetesClient kubernetes, Duration requestTimeout) {
    this.kubernetes = kubernetes;
    this.requestTimeout = requestTimeout;
  }

  @Override
  public SidecarClient connect(String namespace, Pod pod, ClusterRef cluster) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    if (ip == null || ip.isBlank()) {
      throw new IllegalStateException("pod " + pod.getMetadata().getName() + " has no IP yet");
    }
    SidecarRef sidecar = cluster.getSidecar();
    String token = secret(namespace, sidecar.getTokenSecret()).strip();
    String scheme = sidecar.getScheme() == null ? "http" : sidecar.getScheme();
    int port = sidecar.getPort() == null ? 8090 : sidecar.getPort();
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    URI base = URI.create(scheme + "://" + host + ":" + port);
    String key = base + "#" + Integer.toHexString(token.hashCode());
    return clients.computeIfAbsent(
        key,
        k -> {
          HttpSidecarClient.Builder b =
              HttpSidecarClient.builder(base, () -> token)
                  .requestTimeout(requestTimeout)
                  .connectAttempts(2, Duration.ofMillis(200));
          if ("https".equals(scheme) && sidecar.getCaSecret() != null) {
            b.sslContext(trust(namespace, sidecar.getCaSecret()));
          }
          return b.build();
        });
  }

  private SSLContext trust(String namespace, SecretKeyRef ref) {
    try {
      return PemFiles.trusting(
          secret(namespace, ref).getBytes(StandardCharsets.UTF_8),
          "Secret " + ref.getName() + "/" + ref.getKey());
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The decoded value; the message names the Secret and key, never the value. */
  private String secret(String namespace, SecretKeyRef ref) {
    Secret s = kubernetes.secrets().inNamespace(namespace).withName(ref.getName()).get();
    String key = ref.getKey() == null ? "token" : ref.getKey();
    if (s == null) {
      throw new IllegalStateException(
          "Secret " + ref.getName() + " not found in namespace " + namespace);
    }
    String value = s.getData() == null ? null : s.getData().get(key);
    if (value != null) {
      return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }
    if (s.getStringData() != null && s.getStringData().get(key) != null) {
      return s.getStringData().get(key);
    }
    throw new IllegalStateException("Secret " + ref.getName() + " has no key " + key);
  }
}
