package io.kassette.operator.backup;

import io.kassette.api.NodeDescription;
import io.kassette.api.Ring;
import io.kassette.operator.ClusterLock;
import io.kassette.operator.ClusterMembership;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.MissingNodeStatus;
import io.kassette.operator.api.NodeBackupState;
import io.kassette.operator.api.NodeBackupStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Pending: the backup takes its cluster's lock, learns the ring from any sidecar, and waits until
 * every member (in the selected datacenters) has a Ready pod whose sidecar confirms its host id. A
 * member that stays not Ready past the deadline fails the backup, naming it; with {@code
 * allowDownNodes} it is left out instead when every token range keeps a backed-up replica.
 */
final class BackupPending {
  private BackupPending() {}

  static void run(BackupReconciliation r) {
    Ring ring = r.ring(blankToNull(r.spec().getKeyspaces()));
    if (ring == null) {
      return;
    }
    ClusterMembership membership =
        ClusterMembership.of(ring, r.selected(), listOrEmpty(r.spec().getDatacenters()));
    if (membership.nodes().isEmpty()) {
      r.fail(
          "NoNodes",
          "the ring of cluster "
              + ring.cluster()
              + " has no node in datacenters "
              + r.spec().getDatacenters());
      return;
    }
    track(r, membership);
    Map<NodeBackupStatus, String> expired = new LinkedHashMap<>();
    List<String> waiting = new ArrayList<>();
    for (ClusterMembership.Node n : membership.nodes()) {
      if (missing(r, n.member().hostId())) {
        continue; // left out already: the decision stands
      }
      NodeBackupStatus node = node(r, n.member().hostId());
      if (!n.ready()) {
        if (r.overdue(node, r.nodeReadyTimeoutSeconds())) {
          expired.put(node, n.describe());
        } else {
          waiting.add(n.describe());
        }
        continue;
      }
      node.setNotReadySince(null);
      if (node.getLocation() == null && !confirm(r, n, node)) {
        return;
      }
    }
    if (!expired.isEmpty() && !leaveOut(r, ring, expired)) {
      return;
    }
    if (!waiting.isEmpty()) {
      r.waiting(
          "NodeNotReady",
          EventReason.NodeNotReady,
          "waiting up to " + r.nodeReadyTimeoutSeconds() + " s for " + waiting);
      return;
    }
    if (r.status.getNodes().stream().anyMatch(n -> n.getLocation() == null)) {
      return; // a sidecar has not confirmed its node yet: next poll
    }
    // The lock last: a backup waiting for its nodes keeps no purge or restore of the cluster out.
    Optional<ClusterLock.Holder> holder = r.services.lock().acquire(r.backup, r.cluster());
    if (holder.isPresent()) {
      r.waiting("ClusterBusy", EventReason.ClusterBusy, holder.get().busy(r.cluster()));
      return;
    }
    r.notWaiting();
    r.status.setBackupName(r.backup.getMetadata().getName());
    r.status.setStartTime(r.now.toString());
    r.status.getNodes().forEach(n -> n.setFailures(0));
    r.moveTo(
        BackupPhase.Snapshotting,
        EventReason.Started,
        "backing up "
            + r.status.getNodes().size()
            + " nodes: "
            + r.status.getNodes().stream().map(NodeBackupStatus::getPod).toList()
            + (r.status.getMissingNodes().isEmpty()
                ? ""
                : "; left out (down): "
                    + r.status.getMissingNodes().stream()
                        .map(MissingNodeStatus::getHostId)
                        .toList()));
  }

  static boolean missing(BackupReconciliation r, String hostId) {
    return r.status.getMissingNodes().stream().anyMatch(m -> hostId.equals(m.getHostId()));
  }

  /** One status entry per member, keyed by host id; members that left are dropped. */
  private static void track(BackupReconciliation r, ClusterMembership membership) {
    Set<String> members =
        membership.nodes().stream().map(n -> n.member().hostId()).collect(Collectors.toSet());
    r.status.getNodes().removeIf(n -> !members.contains(n.getHostId()));
    for (ClusterMembership.Node n : membership.nodes()) {
      if (missing(r, n.member().hostId())) {
        continue;
      }
      NodeBackupStatus node = node(r, n.member().hostId());
      node.setAddress(n.member().address());
      node.setDatacenter(n.member().datacenter());
      node.setRack(n.member().rack());
      if (n.pod() != null) {
        node.setPod(n.podName());
      }
    }
    r.status
        .getNodes()
        .sort(
            Comparator.comparing(
                    NodeBackupStatus::getPod, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(NodeBackupStatus::getHostId));
  }

  /** Asks the node's sidecar who it is; false when the backup failed or must wait. */
  private static boolean confirm(
      BackupReconciliation r, ClusterMembership.Node n, NodeBackupStatus node) {
    if (!io.kassette.operator.Reconciliations.due(node.getNextAttemptTime(), r.now)) {
      return true;
    }
    try {
      NodeDescription d = r.client(n.pod()).node();
      if (!n.member().hostId().equals(d.hostId())) {
        r.waiting(
            "NodeNotReady",
            EventReason.NodeNotReady,
            "pod "
                + n.podName()
                + " has the address of host "
                + n.member().hostId()
                + " in the ring but its node is "
                + d.hostId()
                + ": waiting for the ring to settle");
        return false;
      }
      String location = BackupReconciliation.locationFor(r.spec(), d.datacenter());
      if (location == null) {
        r.fail(
            "NoLocation",
            "datacenter "
                + d.datacenter()
                + " of pod "
                + n.podName()
                + " has no location: add it to spec.datacenterLocations or set spec.location");
        return false;
      }
      node.setLocation(location);
      node.setError(null);
      node.setNextAttemptTime(null);
      return true;
    } catch (RuntimeException e) {
      NodeOperations.Result result =
          r.services
              .operations()
              .failed(node, NodeOperations.message(e), r.backoffLimit(), r.now, null);
      if (result.outcome() == NodeOperations.Outcome.FAILED) {
        r.fail("NodeFailed", result.message());
      } else {
        r.services.events().warning(r.backup, EventReason.NodeRetrying, result.message());
      }
      return false;
    }
  }

  /**
   * Nodes past the deadline (with what to call them): left out when allowDownNodes lets it and
   * every token range keeps a backed-up replica without them and without the nodes left out before
   * (true), else the backup fails naming them (false).
   */
  static boolean leaveOut(BackupReconciliation r, Ring ring, Map<NodeBackupStatus, String> down) {
    String names = down.values().toString();
    if (!Boolean.TRUE.equals(r.spec().getAllowDownNodes())) {
      r.fail(
          "NodeNotReady",
          names
              + " not Ready for "
              + r.nodeReadyTimeoutSeconds()
              + " s: a backup without them would silently lack their data (set"
              + " spec.allowDownNodes to back up without nodes whose ranges have other replicas)");
      return false;
    }
    Set<String> out = new java.util.HashSet<>();
    down.keySet().forEach(n -> out.add(n.getHostId()));
    r.status.getMissingNodes().forEach(m -> out.add(m.getHostId()));
    List<String> datacenters = listOrEmpty(r.spec().getDatacenters());
    List<String> covered =
        ring.members().stream()
            .filter(m -> datacenters.isEmpty() || datacenters.contains(m.datacenter()))
            .map(Ring.Member::hostId)
            .filter(h -> !out.contains(h))
            .toList();
    List<String> uncovered = ring.uncovered(covered);
    if (!uncovered.isEmpty()) {
      r.fail(
          "NodeNotReady",
          names
              + " not Ready, and without "
              + (out.size() > down.size() ? "them and the nodes left out before" : "them")
              + " these replica sets have no backed-up node: "
              + uncovered.subList(0, Math.min(5, uncovered.size()))
              + (uncovered.size() > 5 ? " and " + (uncovered.size() - 5) + " more" : ""));
      return false;
    }
    down.forEach((node, why) -> missing(r, node, why));
    return true;
  }

  /** Moves a node from the backup's nodes to its missing nodes. */
  private static void missing(BackupReconciliation r, NodeBackupStatus node, String why) {
    r.status.getNodes().remove(node);
    if (r.status.getMissingNodes().stream()
        .noneMatch(m -> m.getHostId().equals(node.getHostId()))) {
      r.status
          .getMissingNodes()
          .add(
              new MissingNodeStatus(
                  node.getHostId(),
                  node.getAddress(),
                  node.getDatacenter(),
                  node.getRack(),
                  node.getPod(),
                  why + " (allowDownNodes: every token range keeps a backed-up replica)"));
    }
    r.services
        .events()
        .warning(
            r.backup,
            EventReason.NodesMissing,
            "leaving out " + why + ": every token range keeps a backed-up replica");
  }

  static NodeBackupStatus node(BackupReconciliation r, String hostId) {
    for (NodeBackupStatus n : r.status.getNodes()) {
      if (hostId.equals(n.getHostId())) {
        return n;
      }
    }
    NodeBackupStatus n = new NodeBackupStatus();
    n.setHostId(hostId);
    n.setState(NodeBackupState.Pending);
    n.setFailures(0);
    r.status.getNodes().add(n);
    return n;
  }

  private static List<String> listOrEmpty(List<String> l) {
    return l == null ? List.of() : l;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
