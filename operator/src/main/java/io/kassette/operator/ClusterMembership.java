package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.Ring;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The nodes a backup or restore must cover: the ring as the nodes themselves see it, within the
 * selected datacenters, each matched to the pod that has its address. A member whose pod is missing
 * or not Ready is still a member: it is waited for, never silently left out.
 *
 * @param nodes every member in the selected datacenters, in host id order
 */
public record ClusterMembership(Ring ring, List<Node> nodes) {

  /** A member of the ring and its pod (null when no selected pod has its address). */
  public record Node(Ring.Member member, Pod pod) {
    public boolean ready() {
      return ClusterPods.ready(pod);
    }

    public String podName() {
      return pod == null ? null : pod.getMetadata().getName();
    }

    /** For messages: {@code pod cass-1 (10.0.0.8, host 6f1c…) is not Ready}. */
    public String describe() {
      String who =
          (pod == null ? "node" : "pod " + podName())
              + " ("
              + member.address()
              + ", host "
              + member.hostId()
              + ", "
              + member.datacenter()
              + ")";
      String why = pod == null ? "has no pod with its address" : ClusterPods.notReady(pod);
      return why == null ? who : who + " " + why;
    }
  }

  /**
   * Matches the ring's members to the selected pods by address.
   *
   * @param datacenters the datacenters to cover; empty for all
   */
  public static ClusterMembership of(
      Ring ring, Map<String, Pod> selectedPods, Collection<String> datacenters) {
    List<Node> nodes = new ArrayList<>();
    for (Ring.Member m : ring.members()) {
      if (datacenters != null && !datacenters.isEmpty() && !datacenters.contains(m.datacenter())) {
        continue;
      }
      Pod pod =
          selectedPods.values().stream()
              .filter(p -> m.address().equals(ClusterPods.ip(p)))
              .findFirst()
              .orElse(null);
      nodes.add(new Node(m, pod));
    }
    nodes.sort(java.util.Comparator.comparing(n -> n.member().hostId()));
    return new ClusterMembership(ring, nodes);
  }

  public List<Node> notReady() {
    return nodes.stream().filter(n -> !n.ready()).toList();
  }
}
