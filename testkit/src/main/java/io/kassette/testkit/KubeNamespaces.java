package io.kassette.testkit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Removing a namespace that holds resources with finalizers and pods that no kubelet runs, so that
 * it really goes: on a real API server such a namespace otherwise hangs in Terminating.
 */
public final class KubeNamespaces {
  private KubeNamespaces() {}

  /**
   * Deletes the resources of these types while their operator still runs, so its finalizers do
   * their work and release them (waiting up to {@code wait}; what is still there then has its
   * finalizers removed); force-deletes the pods; deletes the namespace and waits until it is gone.
   */
  public static void deleteReleasing(
      KubernetesClient kubernetes,
      String namespace,
      List<Class<? extends HasMetadata>> types,
      Duration wait,
      Consumer<String> log) {
    if (kubernetes.namespaces().withName(namespace).get() == null) {
      return;
    }
    for (Class<? extends HasMetadata> type : types) {
      kubernetes.resources(type).inNamespace(namespace).delete();
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline && remaining(kubernetes, namespace, types) > 0) {
      sleep(250);
    }
    if (remaining(kubernetes, namespace, types) > 0) {
      log.accept(
          "finalizers in namespace "
              + namespace
              + " not released in "
              + wait.toSeconds()
              + " s; removing them");
    }
    deleteStripping(kubernetes, namespace, types, log);
  }

  /**
   * Deletes the namespace without waiting for an operator: the finalizers of the resources of these
   * types are removed first (their operator is gone), and the pods are force-deleted.
   */
  public static void deleteStripping(
      KubernetesClient kubernetes,
      String namespace,
      List<Class<? extends HasMetadata>> types,
      Consumer<String> log) {
    if (kubernetes.namespaces().withName(namespace).get() == null) {
      return;
    }
    for (Class<? extends HasMetadata> type : types) {
      for (HasMetadata r : kubernetes.resources(type).inNamespace(namespace).list().getItems()) {
        if (r.getMetadata().getFinalizers() == null || r.getMetadata().getFinalizers().isEmpty()) {
          continue;
        }
        try {
          kubernetes
              .resources(type)
              .inNamespace(namespace)
              .withName(r.getMetadata().getName())
              .edit(
                  x -> {
                    x.getMetadata().setFinalizers(List.of());
                    return x;
                  });
        } catch (RuntimeException e) {
          // gone meanwhile
        }
      }
    }
    LocalPods.deleteAll(kubernetes, namespace);
    kubernetes.namespaces().withName(namespace).delete();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (kubernetes.namespaces().withName(namespace).get() == null) {
        log.accept("namespace " + namespace + " deleted");
        return;
      }
      sleep(500);
    }
    log.accept(
        "namespace "
            + namespace
            + " is still terminating after 3 minutes (does the cluster run a namespace"
            + " controller?)");
  }

  private static int remaining(
      KubernetesClient kubernetes, String namespace, List<Class<? extends HasMetadata>> types) {
    return types.stream()
        .mapToInt(t -> kubernetes.resources(t).inNamespace(namespace).list().getItems().size())
        .sum();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
