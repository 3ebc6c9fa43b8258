package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.api.SidecarClient;
import io.kassette.operator.api.ClusterRef;
import java.util.Map;
import java.util.TreeMap;

/** The database pods a resource selects, and their sidecars. */
public final class ClusterPods {
  private final KubernetesClient kubernetes;
  private final SidecarConnector sidecars;

  public ClusterPods(KubernetesClient kubernetes, SidecarConnector sidecars) {
    this.kubernetes = kubernetes;
    this.sidecars = sidecars;
  }

  /** Running pods with an IP that the selector matches, by name. */
  public Map<String, Pod> running(String namespace, ClusterRef cluster) {
    Map<String, Pod> pods = new TreeMap<>();
    for (Pod p :
        kubernetes
            .pods()
            .inNamespace(namespace)
            .withLabels(cluster.getPodSelector())
            .list()
            .getItems()) {
      boolean running = p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
      boolean deleting = p.getMetadata().getDeletionTimestamp() != null;
      if (running && !deleting && p.getStatus().getPodIP() != null) {
        pods.put(p.getMetadata().getName(), p);
      }
    }
    return pods;
  }

  public SidecarClient sidecar(String namespace, Pod pod, ClusterRef cluster) {
    return sidecars.connect(namespace, pod, cluster);
  }

  /** Bytes for people: 3.0 GiB. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String units = "KMGTPE";
    int exp = (int) (Math.log(bytes) / Math.log(1024));
    return String.format(
        java.util.Locale.ROOT, "%.1f %siB", bytes / Math.pow(1024, exp), units.charAt(exp - 1));
  }

  /** The sidecar operation's name: the resource's name and UID, so a re-sent call finds it. */
  public static String operationName(
      io.fabric8.kubernetes.api.model.HasMetadata owner, String suffix) {
    String name = owner.getMetadata().getName();
    if (name.length() > 160) {
      name = name.substring(0, 160);
    }
    return name
        + "-"
        + owner.getMetadata().getUid().replace("-", "").substring(0, 8)
        + "-"
        + suffix;
  }

  public static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
