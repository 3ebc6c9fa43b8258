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

  /**
   * Pauses or resumes the download by its name on every node's pod, not only those whose status
   * records it: a download whose start answer was lost runs all the same.
   */
  private static void call(RestoreReconciliation r, boolean pause) {
    String name = r.operationName("download");
    for (NodeRestoreStatus node : r.status.getNodes()) {
      Pod pod = r.readyPod(node);
      if (pod == null || "Downloaded".equals(node.getState())) {
        continue;
      }
      try {
        if (pause) {
          r.client(pod).pause(OperationKind.RESTORE, name);
        } else {
          r.client(pod).resume(OperationKind.RESTORE, name);
        }
      } catch (SidecarException e) {
        LOG.debug("{} of {}: {}", pause ? "pause" : "resume", name, e.getMessage());
      }
    }
  }
}
