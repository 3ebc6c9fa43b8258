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
 * The finalizer. A restore deleted before any truncation stops what it prepares (validation,
 * schema, downloads) and goes. One deleted while it truncates or imports cannot be stopped there
 * without leaving tables half restored: the finalizer follows the running step on every node until
 * it has ended (no further step starts), then releases the cluster's lock and the resource.
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
      // Before its downloads a restore has started nothing that cannot be stopped, and a node
      // that does not answer then is no reason to keep it.
      if (phase == RestorePhase.Downloading
          || phase == RestorePhase.Truncating
          || phase == RestorePhase.Importing) {
        Unstoppable found = unstoppable(r);
        boolean unanswered = phase != RestorePhase.Downloading && !found.unanswered().isEmpty();
        if (!found.running().isEmpty() || (unanswered && !givenUp(r))) {
          List<String> waitingFor = new ArrayList<>(found.running());
          if (unanswered) {
            waitingFor.addAll(found.unanswered());
          }
          r.services
              .events()
              .normal(
                  r.restore,
                  EventReason.Waiting,
                  "deleted while it truncates or imports: waiting for "
                      + waitingFor
                      + " so that no table is left half restored");
          return DeleteControl.noFinalizerRemoval().rescheduleAfter(r.services.poll());
        }
      }
      r.cancelPreparation();
    }
    r.services.lock().release(r.restore, r.cluster());
    return DeleteControl.defaultDelete();
  }

  /**
   * Past {@code nodeReadyTimeoutSeconds} since the deletion, a node that still cannot be asked is
   * not waited for any longer: the resource goes, with a warning naming what may still run. A step
   * an agent reports running is always waited for.
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

  /** The truncates and imports agents report running, and the pods that could not be asked. */
  private record Unstoppable(List<String> running, List<String> unanswered) {}

  /**
   * Asks every node's pod that exists with an IP, even when not Ready (an import under load may
   * fail its readiness probe); a pod that is gone runs nothing.
   */
  private static Unstoppable unstoppable(RestoreReconciliation r) {
    List<String> running = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    for (Pod pod : r.nodePods()) {
      if (ClusterPods.ip(pod) == null) {
        continue;
      }
      String name = pod.getMetadata().getName();
      for (String step : UNSTOPPABLE) {
        try {
          Operation op = r.client(pod).get(OperationKind.RESTORE, r.operationName(step));
          if (op.state().active()) {
            running.add(step + " on " + name);
          }
        } catch (SidecarException e) {
          if (!e.notFound()) {
            unanswered.add(name + " (" + NodeOperations.message(e) + ")");
            break;
          }
        } catch (RuntimeException e) {
          // No client for it (its token Secret or CA is gone, as in a namespace being deleted).
          unanswered.add(name + " (" + NodeOperations.message(e) + ")");
          break;
        }
      }
    }
    return new Unstoppable(running, unanswered);
  }
}
