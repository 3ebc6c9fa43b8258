package io.kassette.operator.restore;

import io.kassette.api.NodeDescription;
import io.kassette.api.Ring;
import io.kassette.operator.ClusterLock;
import io.kassette.operator.ClusterMembership;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraRestoreSpec;
import io.kassette.operator.api.NodeBackupStatus;
import io.kassette.operator.api.NodeRestoreStatus;
import io.kassette.operator.api.RestorePhase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Pending: which backup (a Succeeded CassandraBackup, from the informer's cache, or a name and a
 * location), the target cluster's lock, and every node of the target ring with a Ready pod whose
 * sidecar confirmed its host id. A node not Ready is waited for up to {@code
 * nodeReadyTimeoutSeconds}, then the restore fails naming it: nothing is restored into a cluster
 * with a node down.
 */
final class RestorePending {
  private RestorePending() {}

  static void run(RestoreReconciliation r, Function<String, CassandraBackup> backups) {
    if (r.status.getBackupName() == null && !source(r, backups)) {
      return;
    }
    Ring ring = r.ring(null);
    if (ring == null) {
      return;
    }
    ClusterMembership membership = ClusterMembership.of(ring, r.selected(), List.of());
    Set<String> members =
        membership.nodes().stream().map(n -> n.member().hostId()).collect(Collectors.toSet());
    r.status.getNodes().removeIf(n -> !members.contains(n.getHostId()));
    List<String> waiting = new ArrayList<>();
    for (ClusterMembership.Node n : membership.nodes()) {
      NodeRestoreStatus node = node(r, n);
      if (!n.ready()) {
        if (r.overdue(node, r.nodeReadyTimeoutSeconds())) {
          r.fail(
              "NodeNotReady",
              n.describe()
                  + " not Ready for "
                  + r.nodeReadyTimeoutSeconds()
                  + " s: a restore needs every node of the target cluster; nothing was changed");
          return;
        }
        waiting.add(n.describe());
        continue;
      }
      node.setNotReadySince(null);
      if (node.getDatacenter() == null && !confirm(r, n, node)) {
        return;
      }
    }
    if (!waiting.isEmpty()) {
      r.waiting(
          "NodeNotReady",
          EventReason.NodeNotReady,
          "waiting up to " + r.nodeReadyTimeoutSeconds() + " s for " + waiting);
      return;
    }
    if (r.status.getNodes().stream().anyMatch(n -> n.getDatacenter() == null)) {
      return;
    }
    // The lock last: a restore waiting for its nodes keeps no backup or purge of the cluster out.
    Optional<ClusterLock.Holder> holder = r.services.lock().acquire(r.restore, r.cluster());
    if (holder.isPresent()) {
      r.waiting("ClusterBusy", EventReason.ClusterBusy, holder.get().busy(r.cluster()));
      return;
    }
    r.notWaiting();
    r.status.setStartTime(r.now.toString());
    r.status.getNodes().forEach(n -> n.setFailures(0));
    r.moveTo(
        RestorePhase.Validating,
        EventReason.Started,
        "restoring backup "
            + r.status.getBackupName()
            + " from "
            + r.status.getLocation()
            + " into "
            + r.status.getNodes().size()
            + " nodes");
  }

  /** The backup to restore; false when the restore failed. */
  private static boolean source(
      RestoreReconciliation r, Function<String, CassandraBackup> backups) {
    CassandraRestoreSpec spec = r.spec();
    if (spec.getBackupRef() == null) {
      r.status.setBackupName(spec.getBackup());
      r.status.setLocation(spec.getLocation());
      r.status.setSourceCluster(
          spec.getSourceCluster() != null ? spec.getSourceCluster() : spec.getCluster().getName());
      return true;
    }
    CassandraBackup backup = backups.apply(spec.getBackupRef());
    if (backup == null) {
      r.fail(
          "BackupNotFound",
          "CassandraBackup "
              + spec.getBackupRef()
              + " does not exist here; to restore from the bucket alone, set spec.backup and"
              + " spec.location instead");
      return false;
    }
    BackupPhase phase = backup.getStatus() == null ? null : backup.getStatus().getPhase();
    if (phase != BackupPhase.Succeeded) {
      r.fail(
          "BackupNotComplete",
          "CassandraBackup "
              + spec.getBackupRef()
              + " is "
              + (phase == null ? "not started" : phase)
              + ": only a Succeeded backup can be restored; nothing was changed");
      return false;
    }
    Set<String> locations = new LinkedHashSet<>();
    backup.getStatus().getNodes().stream()
        .map(NodeBackupStatus::getLocation)
        .forEach(locations::add);
    if (locations.size() != 1) {
      r.fail(
          "SeveralLocations",
          "CassandraBackup "
              + spec.getBackupRef()
              + " spans the locations "
              + locations
              + ": restore one datacenter at a time with spec.backup and spec.location");
      return false;
    }
    r.status.setBackupName(backup.getStatus().getBackupName());
    r.status.setLocation(locations.iterator().next());
    r.status.setSourceCluster(backup.getSpec().getCluster().getName());
    return true;
  }

  /** Asks the node's sidecar who it is; false when the restore failed or must wait. */
  private static boolean confirm(
      RestoreReconciliation r, ClusterMembership.Node n, NodeRestoreStatus node) {
    if (!Reconciliations.due(node.getNextAttemptTime(), r.now)) {
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
                + " answers as host "
                + d.hostId()
                + ", not "
                + n.member().hostId());
        return false;
      }
      node.setDatacenter(d.datacenter());
      node.setError(null);
      return true;
    } catch (RuntimeException e) {
      NodeOperations.Result result =
          r.services
              .operations()
              .failed(node, NodeOperations.message(e), r.backoffLimit(), r.now, null);
      if (result.outcome() == NodeOperations.Outcome.FAILED) {
        r.fail("NodeFailed", result.message());
      } else {
        r.services.events().warning(r.restore, EventReason.NodeRetrying, result.message());
      }
      return false;
    }
  }

  private static NodeRestoreStatus node(RestoreReconciliation r, ClusterMembership.Node n) {
    for (NodeRestoreStatus x : r.status.getNodes()) {
      if (n.member().hostId().equals(x.getHostId())) {
        if (n.pod() != null) {
          x.setPod(n.podName());
        }
        x.setAddress(n.member().address());
        return x;
      }
    }
    NodeRestoreStatus x = new NodeRestoreStatus();
    x.setHostId(n.member().hostId());
    x.setAddress(n.member().address());
    x.setPod(n.podName());
    x.setState("Pending");
    x.setFailures(0);
    r.status.getNodes().add(x);
    r.status
        .getNodes()
        .sort(
            Comparator.comparing(
                    NodeRestoreStatus::getPod, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(NodeRestoreStatus::getHostId));
    return x;
  }
}
