package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.api.RestorePhase;
import java.util.ArrayList;
import java.util.List;

/**
 * The finalizer. A restore deleted before any truncation stops its downloads and goes. One deleted
 * while it truncates or imports cannot be stopped there without leaving tables half restored: the
 * finalizer follows the running step on every node until it has ended (no further step starts),
 * then releases the cluster's lock and the resource.
 *
 * <p>What runs is asked of the agents by the operations' names, not read from the status: the
 * status the finalizer is handed can be older than the last step started (a deletion between a
 * start and the status patch recording it, or a start whose answer was lost).
 */
final class RestoreFinalizer {
  private RestoreFinalizer() {}

  private static final List<String> UNSTOPPABLE = List.of("truncate", "import");

  static DeleteControl cleanup(RestoreReconciliation r) {
    RestorePhase phase = r.status.getPhase();
    if (phase != null && !phase.finished()) {
      List<String> running = running(r);
      if (!running.isEmpty() && !givenUp(r)) {
        r.services
            .events()
            .normal(
                r.restore,
                EventReason.Waiting,
                "deleted while it truncates or imports: waiting for that to end on "
                    + running
                    + " so that no table is left half restored");
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(r.services.poll());
      }
      r.cancelDownloads();
    }
    r.services.lock().release(r.restore, r.cluster());
    return DeleteControl.defaultDelete();
  }

  /**
   * Past {@code nodeReadyTimeoutSeconds} since the deletion, a node that still cannot be asked is
   * not waited for any longer: the resource goes, with a warning naming what may still run.
   */
  private static boolean givenUp(RestoreReconciliation r) {
    String deleted = r.restore.getMetadata().getDeletionTimestamp();
    if (deleted == null
        || java.time.Duration.between(java.time.Instant.parse(deleted), r.now).toSeconds()
            < r.nodeReadyTimeoutSeconds()) {
      return false;
    }
    r.services
        .events()
        .warning(
            r.restore,
            EventReason.Cleanup,
            "gave up waiting for the truncate or import to end after "
                + r.nodeReadyTimeoutSeconds()
                + " s; check the tables of backup "
                + r.status.getBackupName());
    return true;
  }

  /**
   * The pods where a truncate or an import of this restore still runs, or that cannot be asked: a
   * pod that exists with an IP is asked even when not Ready (an import under load may fail its
   * readiness probe).
   */
  private static List<String> running(RestoreReconciliation r) {
    List<String> running = new ArrayList<>();
    for (Pod pod : r.nodePods()) {
      if (ClusterPods.ip(pod) == null) {
        continue; // the pod is gone: nothing of it runs
      }
      String name = pod.getMetadata().getName();
      for (String step : UNSTOPPABLE) {
        try {
          Operation op = r.client(pod).get(OperationKind.RESTORE, r.operationName(step));
          if (op.state().active()) {
            running.add(name + " (" + step + ")");
          }
        } catch (SidecarException e) {
          if (!e.notFound()) {
            running.add(name + " (" + NodeOperations.message(e) + ")");
            break;
          }
        }
      }
    }
    return running;
  }
}
