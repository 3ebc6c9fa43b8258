package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarException;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.NodeBackupState;
import io.kassette.operator.api.NodeBackupStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code spec.suspend}: every running node paused (snapshots kept), and resumed where it was. */
final class BackupSuspension {
  private static final Logger LOG = LoggerFactory.getLogger(BackupSuspension.class);

  private BackupSuspension() {}

  static void pause(BackupReconciliation r) {
    for (NodeBackupStatus node : r.status.getNodes()) {
      boolean working =
          node.getState() == NodeBackupState.Snapshotting
              || node.getState() == NodeBackupState.Uploading;
      Pod pod = r.readyPod(node);
      if (!working || pod == null) {
        continue;
      }
      try {
        Operation op = r.client(pod).pause(OperationKind.BACKUP, node.getOperation());
        BackupTransfers.progress(node, op);
        node.setState(NodeBackupState.Paused);
      } catch (SidecarException e) {
        if (e.conflict() || e.notFound()) {
          node.setState(NodeBackupState.Paused); // it ended meanwhile: looked at again on resume
        } else {
          node.setError("could not pause: " + NodeOperations.message(e));
          return; // try again at the next poll, before calling the backup paused
        }
      }
    }
    r.status.setPausedFrom(r.status.getPhase().name());
    r.condition(BackupReconciliation.PROGRESSING, false, "Suspended", "spec.suspend is true");
    r.moveTo(BackupPhase.Paused, EventReason.Paused, "suspended: every node paused");
  }

  static void resume(BackupReconciliation r) {
    for (NodeBackupStatus node : r.status.getNodes()) {
      if (node.getState() != NodeBackupState.Paused) {
        continue;
      }
      boolean snapshot = node.getOperation() != null && node.getOperation().endsWith("-snapshot");
      node.setState(snapshot ? NodeBackupState.Snapshotting : NodeBackupState.Uploading);
      Pod pod = r.readyPod(node);
      if (pod != null) {
        try {
          r.client(pod).resume(OperationKind.BACKUP, node.getOperation());
        } catch (RuntimeException e) {
          // followed (and retried) by the phase's own step
          LOG.debug("resume of {} on {}: {}", node.getOperation(), node.getPod(), e.getMessage());
        }
      }
    }
    BackupPhase from =
        r.status.getPausedFrom() == null
            ? BackupPhase.Pending
            : BackupPhase.valueOf(r.status.getPausedFrom());
    r.status.setPausedFrom(null);
    r.condition(BackupReconciliation.PROGRESSING, true, "Resumed", "");
    r.moveTo(from, EventReason.Resumed, "resumed");
  }
}
