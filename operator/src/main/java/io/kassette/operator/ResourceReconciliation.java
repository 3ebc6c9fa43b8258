package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.Ring;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.TrackedNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one reconciliation of a backup or a restore shares: the resource, the time (the operator's
 * clock), its cluster's pods, its sidecars, its conditions and its waits.
 */
public abstract class ResourceReconciliation<R extends HasMetadata> {
  public static final String READY = "Ready";
  public static final String FAILED = "Failed";
  public static final String WAITING = "Waiting";
  public static final String PROGRESSING = "Progressing";

  public final R resource;
  public final OperatorServices services;
  public final Instant now;
  private final ClusterPods pods;
  private Map<String, Pod> selected;

  protected ResourceReconciliation(R resource, OperatorServices services, ClusterPods pods) {
    this.resource = resource;
    this.services = services;
    this.now = services.clock().instant();
    this.pods = pods;
  }

  /** The cluster whose pods and sidecars this resource works with. */
  protected abstract ClusterRef clusterRef();

  protected abstract List<Condition> conditions();

  public String cluster() {
    return clusterRef().getName();
  }

  public String namespace() {
    return resource.getMetadata().getNamespace();
  }

  public Long generation() {
    return resource.getMetadata().getGeneration();
  }

  /** Every pod the selector matches, any phase, by name. */
  public Map<String, Pod> selected() {
    if (selected == null) {
      selected = pods.selected(namespace(), clusterRef());
    }
    return selected;
  }

  /** The node's pod when it is Ready, else null. */
  public Pod readyPod(TrackedNode node) {
    Pod pod = node.getPod() == null ? null : selected().get(node.getPod());
    return ClusterPods.ready(pod) ? pod : null;
  }

  public SidecarClient client(Pod pod) {
    return services.sidecars().connect(namespace(), pod, clusterRef());
  }

  public void condition(String type, boolean value, String reason, String message) {
    Conditions.set(conditions(), type, value, reason, message, generation(), now);
  }

  /** Waiting, and why; one aggregated Event per distinct reason and message. */
  public void waiting(String reason, EventReason event, String message) {
    condition(WAITING, true, reason, message);
    services.events().normal(resource, event, message);
  }

  public void notWaiting() {
    condition(WAITING, false, "Ready", "");
  }

  /**
   * Whether the node's pod has been not Ready for {@code timeoutSeconds} or longer; the first look
   * at a not-Ready pod starts its clock.
   */
  public boolean overdue(TrackedNode node, long timeoutSeconds) {
    if (node.getNotReadySince() == null) {
      node.setNotReadySince(now.toString());
    }
    return Duration.between(Instant.parse(node.getNotReadySince()), now).toSeconds()
        >= timeoutSeconds;
  }

  /** For messages: {@code pod cass-1 (10.0.0.8, host 6f1c…) is not Ready}. */
  public String describe(TrackedNode node) {
    Pod pod = node.getPod() == null ? null : selected().get(node.getPod());
    String why = pod == null ? "is gone" : ClusterPods.notReady(pod);
    return "pod "
        + node.getPod()
        + " ("
        + node.getAddress()
        + ", host "
        + node.getHostId()
        + ")"
        + (why == null ? "" : " " + why);
  }

  /**
   * The ring from the first Ready pod whose sidecar answers, with the replica sets of the keyspaces
   * {@code keyspaces} selects; null, and Waiting saying why, when no sidecar answers.
   */
  public Ring ring(String keyspaces) {
    List<Pod> ready = selected().values().stream().filter(ClusterPods::ready).toList();
    if (ready.isEmpty()) {
      waiting(
          "NoPods",
          EventReason.Waiting,
          selected().isEmpty()
              ? "no pod matches podSelector " + clusterRef().getPodSelector()
              : "no selected pod is Ready: "
                  + selected().values().stream()
                      .map(p -> p.getMetadata().getName() + " " + ClusterPods.notReady(p))
                      .toList());
      return null;
    }
    String last = null;
    for (Pod pod : ready) {
      try {
        return client(pod).ring(keyspaces);
      } catch (SidecarException e) {
        last = pod.getMetadata().getName() + ": " + NodeOperations.message(e);
      }
    }
    waiting("NoSidecar", EventReason.Waiting, "no sidecar answered with the ring: " + last);
    return null;
  }

  public String operationName(String suffix) {
    return ClusterPods.operationName(resource, suffix);
  }
}
