package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.TokenSecrets.SecretUnavailableException;
import io.kassette.operator.api.RestorePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
      Map<String, String> unanswered = Map.of();
      // From the downloads on, the status may be a step behind the agents (a truncate started, its
      // status patch overtaken by the deletion): ask them.
      if (phase == RestorePhase.Downloading
          || phase == RestorePhase.Truncating
          || phase == RestorePhase.Importing) {
        Unstoppable found = unstoppable(r);
        unanswered = found.unanswered();
        // A node that does not answer while the restore downloads is not waited for: what it may
        // run is its download, which the cancellation's Warning names, and a crash-looping sidecar
        // must not hold the deletion. One that may be truncating or importing is, for a while.
        boolean waitForUnanswered = phase != RestorePhase.Downloading && !unanswered.isEmpty();
        if (!found.running().isEmpty() || (waitForUnanswered && !givenUp(r))) {
          List<String> waitingFor = new ArrayList<>(found.running());
          if (waitForUnanswered) {
            waitingFor.addAll(RestoreReconciliation.described(unanswered));
          }
          waiting(r, waitingFor);
          return DeleteControl.noFinalizerRemoval().rescheduleAfter(r.services.poll());
        }
      }
      if (RestoreReconciliation.preparing(phase)) {
        r.cancelPreparation(unanswered);
      }
    }
    r.services.lock().release(r.restore, r.cluster());
    return DeleteControl.defaultDelete();
  }

  /**
   * A Normal Event while the wait is young; past {@code nodeReadyTimeoutSeconds} a Warning that
   * says how to end a step that hangs, since nothing here will.
   */
  private static void waiting(RestoreReconciliation r, List<String> waitingFor) {
    String message =
        "deleted while it truncates or imports: waiting for "
            + waitingFor
            + " so that no table is left half restored";
    if (sinceDeletion(r) < r.nodeReadyTimeoutSeconds()) {
      r.services.events().normal(r.restore, EventReason.Waiting, message);
    } else {
      r.services
          .events()
          .warning(
              r.restore,
              EventReason.Waiting,
              message
                  + "; still waiting past nodeReadyTimeoutSeconds ("
                  + r.nodeReadyTimeoutSeconds()
                  + " s): a step that hangs ends when its pod's sidecar restarts (the tables of"
                  + " backup "
                  + r.status.getBackupName()
                  + " may then be half restored; run a restore again)");
    }
  }

  private static long sinceDeletion(RestoreReconciliation r) {
    String deleted = r.restore.getMetadata().getDeletionTimestamp();
    return deleted == null ? 0 : Duration.between(Instant.parse(deleted), r.now).toSeconds();
  }

  /**
   * Past {@code nodeReadyTimeoutSeconds} since the deletion, a node that still cannot be asked is
   * not waited for any longer: the resource goes, with a warning naming what may still run. A step
   * an agent reports running is always waited for.
   */
  private static boolean givenUp(RestoreReconciliation r) {
    if (sinceDeletion(r) < r.nodeReadyTimeoutSeconds()) {
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
   * The truncates and imports agents report running, and the pods that could not be asked (why).
   */
  private record Unstoppable(List<String> running, Map<String, String> unanswered) {}

  /**
   * Asks every node's pod that exists with an IP, even when not Ready (an import under load may
   * fail its readiness probe); a pod that is gone or has ended runs nothing.
   */
  private static Unstoppable unstoppable(RestoreReconciliation r) {
    List<String> running = new ArrayList<>();
    Map<String, String> unanswered = new LinkedHashMap<>();
    for (Pod pod : r.nodePods()) {
      if (ClusterPods.ip(pod) == null || ClusterPods.ended(pod)) {
        continue;
      }
      String name = pod.getMetadata().getName();
      SidecarClient client;
      try {
        client = r.client(pod);
      } catch (SecretUnavailableException | IllegalStateException e) {
        // No client for it (its token Secret or CA is gone, as in a namespace being deleted).
        unanswered.put(name, NodeOperations.message(e));
        continue;
      }
      for (String step : UNSTOPPABLE) {
        try {
          Operation op = client.get(OperationKind.RESTORE, r.operationName(step));
          if (op.state().active()) {
            running.add(step + " on " + name);
          }
        } catch (SidecarException e) {
          if (!e.notFound()) {
            unanswered.put(name, NodeOperations.message(e));
            break;
          }
        }
      }
    }
    return new Unstoppable(running, unanswered);
  }
}
