package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The sidecar token and CA Secrets, read from informer caches instead of the API on every call. One
 * informer per Secret name, restricted to that name by a field selector: the chart's RBAC grants
 * get, list and watch on those names only ({@code sidecarSecretNames}), and the API server
 * authorizes a list or watch with {@code fieldSelector=metadata.name=<name>} against them. A
 * rotated token is in the cache within moments.
 */
public final class TokenSecrets implements AutoCloseable {
  /** A Secret or one of its keys that the operator cannot read; the message says which and why. */
  public static final class SecretUnavailableException extends RuntimeException {
    public SecretUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final KubernetesClient kubernetes;
  private final Map<String, SharedIndexInformer<Secret>> informers = new ConcurrentHashMap<>();

  public TokenSecrets(KubernetesClient kubernetes) {
    this.kubernetes = kubernetes;
  }

  /** The decoded value of {@code key} in Secret {@code namespace/name}; never logged. */
  public String value(String namespace, String name, String key) {
    Secret s = secret(namespace, name);
    if (s == null) {
      throw new SecretUnavailableException(
          "Secret " + name + " not found in namespace " + namespace, null);
    }
    String value = s.getData() == null ? null : s.getData().get(key);
    if (value != null) {
      return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }
    if (s.getStringData() != null && s.getStringData().get(key) != null) {
      return s.getStringData().get(key);
    }
    throw new SecretUnavailableException("Secret " + name + " has no key " + key, null);
  }

  /** Whether Secret {@code namespace/name} holds {@code key} (its value is not read). */
  public boolean holds(String namespace, String name, String key) {
    Secret s = secret(namespace, name);
    return s != null
        && ((s.getData() != null && s.getData().containsKey(key))
            || (s.getStringData() != null && s.getStringData().containsKey(key)));
  }

  private Secret secret(String namespace, String name) {
    SharedIndexInformer<Secret> informer;
    try {
      informer =
          informers.computeIfAbsent(
              namespace + "/" + name,
              k ->
                  kubernetes
                      .secrets()
                      .inNamespace(namespace)
                      .withField("metadata.name", name)
                      .inform());
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (KubernetesClientException e) {
      informers.remove(namespace + "/" + name);
      throw unavailable(namespace, name, e);
    } catch (Exception e) {
      SharedIndexInformer<Secret> failed = informers.remove(namespace + "/" + name);
      if (failed != null) {
        failed.close();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw unavailable(namespace, name, e.getCause() == null ? e : e.getCause());
    }
    return informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
  }

  private static SecretUnavailableException unavailable(
      String namespace, String name, Throwable cause) {
    String why =
        cause instanceof KubernetesClientException k && k.getCode() == 403
            ? "the operator may not read it: add " + name + " to the Helm value sidecarSecretNames"
            : cause.getMessage();
    return new SecretUnavailableException(
        "cannot read Secret " + name + " in namespace " + namespace + ": " + why, cause);
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
