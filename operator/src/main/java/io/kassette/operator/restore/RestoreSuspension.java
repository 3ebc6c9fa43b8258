package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarException;
import io.kassette.operator.EventReason;
import io.kassette.operator.api.NodeRestoreStatus;
import io.kassette.operator.api.RestorePhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code spec.suspend}: the downloads paused (nothing truncated yet), and resumed. */
final class RestoreSuspension {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreSuspension.class);

  private RestoreSuspension() {}

  static void pause(RestoreReconciliation r) {
    call(r, true);
    r.status.setPausedFrom(r.status.getPhase().name());
    r.moveTo(RestorePhase.Paused, EventReason.Paused, "suspended before any truncation");
  }

  static void resume(RestoreReconciliation r) {
    call(r, false);
    RestorePhase from = RestorePhase.valueOf(r.status.getPausedFrom());
    r.status.setPausedFrom(null);
    r.moveTo(from, EventReason.Resumed, "resumed");
  }

  private static void call(RestoreReconciliation r, boolean pause) {
    for (NodeRestoreStatus node : r.status.getNodes()) {
      Pod pod = r.readyPod(node);
      if ("Downloading".equals(node.getState()) && pod != null) {
        try {
          if (pause) {
            r.client(pod).pause(OperationKind.RESTORE, node.getOperation());
          } else {
            r.client(pod).resume(OperationKind.RESTORE, node.getOperation());
          }
        } catch (SidecarException e) {
          LOG.debug(
              "{} of {}: {}", pause ? "pause" : "resume", node.getOperation(), e.getMessage());
        }
      }
    }
  }
}
