package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.BackupOperationRequest;
import io.kassette.api.BackupResult;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.Ring;
import io.kassette.api.SidecarClient;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.NodeBackupState;
import io.kassette.operator.api.NodeBackupStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshotting and Uploading: one sidecar operation per node, {@code snapshotParallel} or {@code
 * uploadParallel} nodes at once. A node whose pod is not Ready is waited for (past the deadline:
 * left out with {@code allowDownNodes} and full coverage, else the backup fails naming it); a busy
 * sidecar is waited for; a failing one is retried, then fails the backup.
 */
final class BackupTransfers {
  private BackupTransfers() {}

  static void snapshot(BackupReconciliation r) {
    step(r, true);
  }

  static void upload(BackupReconciliation r) {
    step(r, false);
  }

  private static void step(BackupReconciliation r, boolean snapshot) {
    NodeBackupState working = snapshot ? NodeBackupState.Snapshotting : NodeBackupState.Uploading;
    NodeBackupState done = snapshot ? NodeBackupState.Snapshotted : NodeBackupState.Uploaded;
    CassandraBackupSpec spec = r.spec();
    int limit =
        snapshot ? intOr(spec.getSnapshotParallel(), 8) : intOr(spec.getUploadParallel(), 2);
    String name = r.operationName(snapshot ? "snapshot" : "upload");
    List<NodeBackupStatus> notReady = new ArrayList<>();
    List<NodeBackupStatus> overdue = new ArrayList<>();
    List<String> busy = new ArrayList<>();
    for (NodeBackupStatus node : new ArrayList<>(r.status.getNodes())) {
      if (node.getState() == done) {
        continue;
      }
      Pod pod = r.readyPod(node);
      if (pod == null) {
        (r.overdue(node, r.nodeReadyTimeoutSeconds()) ? overdue : notReady).add(node);
        continue;
      }
      node.setNotReadySince(null);
      long inFlight = r.status.getNodes().stream().filter(n -> n.getState() == working).count();
      if (node.getState() != working && inFlight >= limit) {
        continue; // queued behind the nodes at work
      }
      SidecarClient client = r.client(pod);
      NodeOperations.Result result =
          r.services
              .operations()
              .drive(
                  node,
                  client,
                  OperationKind.BACKUP,
                  name,
                  () -> client.startBackup(request(r, node, name, snapshot)),
                  snapshot ? null : rateLimit(spec),
                  r.backoffLimit(),
                  r.now);
      if (result.operation() != null) {
        node.setState(working);
        progress(node, result.operation());
      }
      switch (result.outcome()) {
        case SUCCEEDED -> {
          node.setState(done);
          if (!snapshot) {
            totals(node, result.operation().backupResult());
            r.services
                .events()
                .normal(
                    r.backup,
                    EventReason.NodeUploaded,
                    "pod "
                        + node.getPod()
                        + ": "
                        + ClusterPods.human(orZero(node.getBytesTotal()))
                        + " stored");
          }
        }
        case RETRYING -> {
          node.setState(working);
          r.services.events().warning(r.backup, EventReason.NodeRetrying, result.message());
        }
        case FAILED -> {
          node.setState(NodeBackupState.Failed);
          r.fail("NodeFailed", result.message());
          return;
        }
        case WAITING -> {
          if (result.message() != null && result.message().startsWith("the sidecar is busy")) {
            busy.add("pod " + node.getPod() + ": " + result.message());
          }
        }
        default -> {
          // RUNNING: look again at the next poll
        }
      }
    }
    if (!overdue.isEmpty() && !leaveOut(r, overdue)) {
      return;
    }
    if (!notReady.isEmpty()) {
      r.waiting(
          "NodeNotReady",
          EventReason.NodeNotReady,
          "waiting up to "
              + r.nodeReadyTimeoutSeconds()
              + " s for "
              + notReady.stream().map(r::describe).toList());
    } else if (!busy.isEmpty()) {
      r.waiting("NodeBusy", EventReason.NodeBusy, String.join("; ", busy));
    } else {
      r.notWaiting();
    }
    if (!r.status.getNodes().isEmpty()
        && r.status.getNodes().stream().allMatch(n -> n.getState() == done)) {
      if (snapshot) {
        r.moveTo(
            BackupPhase.Uploading,
            EventReason.Snapshotted,
            "snapshot kassette-" + r.status.getBackupName() + " taken on every node");
      } else {
        r.moveTo(
            BackupPhase.Committing,
            EventReason.NodeUploaded,
            "every node's files and manifest are stored");
      }
    }
  }

  /**
   * Nodes down past the deadline during the transfers: the same rule as in Pending, also for a node
   * the ring no longer lists (replaced meanwhile).
   */
  private static boolean leaveOut(BackupReconciliation r, List<NodeBackupStatus> overdue) {
    Ring ring = r.ring(BackupPending.blankToNull(r.spec().getKeyspaces()));
    if (ring == null) {
      return false;
    }
    java.util.Map<NodeBackupStatus, String> down = new java.util.LinkedHashMap<>();
    overdue.forEach(n -> down.put(n, r.describe(n)));
    return BackupPending.leaveOut(r, ring, down);
  }

  static BackupOperationRequest request(
      BackupReconciliation r, NodeBackupStatus node, String name, boolean snapshot) {
    CassandraBackupSpec spec = r.spec();
    return BackupOperationRequest.of(name, node.getLocation(), r.cluster())
        .withBackup(r.status.getBackupName())
        .withKeyspaces(BackupPending.blankToNull(spec.getKeyspaces()))
        .withMode(spec.getMode() == null ? "differential" : spec.getMode().wire())
        .withParallel(intOr(spec.getFilesParallel(), 4))
        .withRateLimit(snapshot ? 0 : rateLimit(spec))
        .withSnapshotOnly(snapshot)
        .withOwner(r.backup.getMetadata().getUid());
  }

  static double rateLimit(CassandraBackupSpec spec) {
    return spec.getRateLimitMiBps() == null ? 0 : spec.getRateLimitMiBps();
  }

  static void progress(NodeBackupStatus node, Operation op) {
    if (op.backupResult() != null && op.backupResult().snapshotOnly()) {
      return; // a snapshot moves no bytes
    }
    if (node.getState() == NodeBackupState.Snapshotting) {
      return;
    }
    var p = op.progress();
    node.setFilesTotal(p.filesTotal());
    node.setFilesDone(p.filesDone());
    node.setBytesTotal(p.bytesTotal());
    node.setBytesDone(p.bytesDone());
    node.setBytesSkipped(p.bytesSkipped());
    node.setBytesUploaded(Math.max(0, p.bytesDone() - p.bytesSkipped()));
  }

  /** A succeeded node's totals, exactly as its manifest records them. */
  private static void totals(NodeBackupStatus node, BackupResult result) {
    if (result == null || result.totals() == null) {
      return;
    }
    BackupResult.Totals t = result.totals();
    node.setFilesTotal(t.files());
    node.setFilesDone(t.files());
    node.setBytesTotal(t.bytes());
    node.setBytesDone(t.bytes());
    node.setBytesUploaded(t.uploadedBytes());
    node.setBytesSkipped(t.skippedBytes());
  }

  static int intOr(Integer v, int fallback) {
    return v == null ? fallback : v;
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}
