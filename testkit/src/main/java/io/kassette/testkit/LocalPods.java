package io.kassette.testkit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;

/**
 * Pods whose processes run on this machine (a Cassandra node and its sidecar on a loopback address)
 * as a real API server sees them: bound to a node that does not exist, so that no kubelet ever
 * starts or stops them, with a status that says what the test wants (Running and Ready at the
 * node's IP, or not).
 */
public final class LocalPods {
  /** The node every such pod is bound to. No kubelet runs it. */
  public static final String NODE = "kassette-local-machine";

  private LocalPods() {}

  /** Creates (or replaces) the pod and marks it Running and Ready at {@code ip}. */
  public static Pod running(
      KubernetesClient kubernetes,
      String namespace,
      String name,
      String ip,
      Map<String, String> labels) {
    delete(kubernetes, namespace, name);
    Pod pod =
        kubernetes
            .pods()
            .inNamespace(namespace)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(NODE)
                    .addNewContainer()
                    .withName("cassandra")
                    .withImage("cassandra:5.0.9")
                    .endContainer()
                    .addNewContainer()
                    .withName("kassette")
                    .withImage("ghcr.io/kassette/kassette-sidecar:local")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    return setStatus(kubernetes, pod, ip, "Running", true);
  }

  /** Sets the pod's phase, IP and Ready condition, as a kubelet would report them. */
  public static Pod setStatus(
      KubernetesClient kubernetes, Pod pod, String ip, String phase, boolean ready) {
    String now = Instant.now().toString();
    PodStatus status =
        new PodStatusBuilder()
            .withPhase(phase)
            .withPodIP(ip)
            .addNewPodIP(ip)
            .withHostIP("127.0.0.1")
            .withStartTime(now)
            .withConditions(
                new PodConditionBuilder()
                    .withType("Ready")
                    .withStatus(ready ? "True" : "False")
                    .withLastTransitionTime(now)
                    .build())
            .build();
    Pod current =
        kubernetes
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .get();
    current.setStatus(status);
    return kubernetes.pods().resource(current).updateStatus();
  }

  /**
   * Deletes the pod at once. With no kubelet to confirm, a graceful delete would leave it
   * Terminating forever; grace period 0 removes it from the API server immediately.
   */
  public static void delete(KubernetesClient kubernetes, String namespace, String name) {
    kubernetes.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
  }

  /** Force-deletes every pod of the namespace, so that the namespace itself can go. */
  public static void deleteAll(KubernetesClient kubernetes, String namespace) {
    kubernetes.pods().inNamespace(namespace).withGracePeriod(0).delete();
  }
}
