package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.Conditions;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.OperatorServices;
import io.kassette.operator.ResourceReconciliation;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.CassandraRestoreSpec;
import io.kassette.operator.api.CassandraRestoreStatus;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.NodeRestoreStatus;
import io.kassette.operator.api.RestorePhase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation of one CassandraRestore, and the one place where its phase changes ({@link
 * #moveTo}).
 */
final class RestoreReconciliation extends ResourceReconciliation<CassandraRestore> {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreReconciliation.class);

  /** The steps before the first truncation, which a deletion or a failure cancels. */
  private static final List<String> PREPARATION = List.of("validate", "schema", "download");

  final CassandraRestore restore;
  final CassandraRestoreStatus status;

  RestoreReconciliation(
      CassandraRestore restore,
      CassandraRestoreStatus status,
      OperatorServices services,
      ClusterPods pods) {
    super(restore, services, pods);
    this.restore = restore;
    this.status = status;
  }

  @Override
  protected ClusterRef clusterRef() {
    return restore.getSpec().getCluster();
  }

  @Override
  protected List<Condition> conditions() {
    return status.getConditions();
  }

  CassandraRestoreSpec spec() {
    return restore.getSpec();
  }

  int backoffLimit() {
    return spec().getBackoffLimit() == null ? 3 : spec().getBackoffLimit();
  }

  long nodeReadyTimeoutSeconds() {
    return spec().getNodeReadyTimeoutSeconds() == null ? 600 : spec().getNodeReadyTimeoutSeconds();
  }

  /** The one place the phase changes; every change is an Event, and only allowed ones happen. */
  void moveTo(RestorePhase phase, EventReason reason, String message) {
    RestorePhase from = status.getPhase();
    if (!from.canMoveTo(phase)) {
      throw new IllegalStateException("a restore cannot move from " + from + " to " + phase);
    }
    status.setPhase(phase);
    if (phase.finished()) {
      services.lock().release(restore, cluster());
      Conditions.clear(status.getConditions(), WAITING);
    }
    if (!phase.finished() && phase != RestorePhase.Paused) {
      condition(PROGRESSING, true, phase.name(), message);
    }
    if (phase == RestorePhase.Failed) {
      services.events().warning(restore, reason, message);
    } else {
      services.events().normal(restore, reason, message);
    }
    LOG.info(
        "[{}/{}] {} → {}: {}", namespace(), restore.getMetadata().getName(), from, phase, message);
  }

  void fail(String reason, String message) {
    RestorePhase at = status.getPhase();
    boolean touched = at == RestorePhase.Truncating || at == RestorePhase.Importing;
    String full =
        touched
            ? message + " (tables may be truncated or partly imported: run the restore again)"
            : message;
    status.setCompletionTime(now.toString());
    condition(FAILED, true, reason, full);
    condition(READY, false, reason, "not restored");
    moveTo(
        RestorePhase.Failed,
        "InvalidSpec".equals(reason) ? EventReason.InvalidSpec : EventReason.Failed,
        full);
    if (preparing(at)) {
      cancelPreparation();
    }
  }

  /**
   * Whether a restore in this phase may have validation, schema or downloads running. A status can
   * lag behind the agents, never run ahead of them: from Truncating on every download had ended,
   * and in Pending nothing has started but, at most, a read-only validation that ends by itself.
   */
  static boolean preparing(RestorePhase phase) {
    return phase == RestorePhase.Validating
        || phase == RestorePhase.RestoringSchema
        || phase == RestorePhase.Downloading
        || phase == RestorePhase.Paused;
  }

  /**
   * Stops what a restore prepares before it truncates (validation, schema, downloads; the sidecar
   * deletes their staging); best effort. Cancelled by name, not by what the status records: a
   * deletion can arrive between an operation's start and the status patch that records it, or the
   * start's answer can be lost, and nothing may outlive the restore. Asked of every node's running
   * pod with an IP, Ready or not (a pod that has ended may have handed its IP on); a pod that does
   * not answer is asked once, not once per step, so that a dead node costs one timeout; it, and one
   * that refused or failed a cancellation, is named in a Warning: its download may outlive the
   * restore.
   */
  void cancelPreparation() {
    cancelPreparation(Map.of());
  }

  /**
   * The same, not asking again the pods in {@code unanswered} (pod name → why), which the finalizer
   * has just found not answering; they are named in the Warning too.
   */
  void cancelPreparation(Map<String, String> unanswered) {
    Map<String, String> unreached = new LinkedHashMap<>(unanswered);
    cancelPreparationOn(
        nodePods().stream()
            .filter(p -> !unanswered.containsKey(p.getMetadata().getName()))
            .toList(),
        unreached);
    if (!unreached.isEmpty()) {
      services
          .events()
          .warning(
              restore,
              EventReason.Cleanup,
              "could not cancel this restore's preparation on "
                  + described(unreached)
                  + ": a download may still run or be paused there, its files under"
                  + " kassette-staging/ in the data directory; cancel it on that sidecar"
                  + " (POST /v1/restore-operations/"
                  + operationName("download")
                  + "/cancel) or delete that directory");
    }
  }

  /** Adds the pods that could not be asked to {@code unreached}, with why. */
  private void cancelPreparationOn(List<Pod> pods, Map<String, String> unreached) {
    for (Pod pod : pods) {
      if (ClusterPods.ip(pod) == null || ClusterPods.ended(pod)) {
        continue;
      }
      for (String step : PREPARATION) {
        String name = operationName(step);
        try {
          client(pod).cancel(OperationKind.RESTORE, name);
        } catch (SidecarException e) {
          if (e.notFound()) {
            continue; // never started there, or already gone
          }
          // Refused (401, 403) or failed (5xx): what it cancels may run on as surely as when no
          // answer came.
          unreached.put(pod.getMetadata().getName(), NodeOperations.message(e));
          if (e.unreachable()) {
            break;
          }
        } catch (RuntimeException e) {
          // No client for it (its token Secret or CA is gone), or an answer that could not be read.
          unreached.put(pod.getMetadata().getName(), NodeOperations.message(e));
          break;
        }
      }
    }
  }

  /** Pod name → why, as a message lists them: {@code name (why)}. */
  static List<String> described(Map<String, String> pods) {
    return pods.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
  }

  /**
   * The existing pods of the restore's nodes, in any state; before the nodes are planned, every pod
   * of the cluster.
   */
  List<Pod> nodePods() {
    if (status.getNodes().isEmpty()) {
      return List.copyOf(selected().values());
    }
    return status.getNodes().stream()
        .map(n -> n.getPod() == null ? null : selected().get(n.getPod()))
        .filter(Objects::nonNull)
        .toList();
  }

  /** Progress and the printer columns, derived from the nodes. */
  void summarize() {
    List<NodeRestoreStatus> nodes = status.getNodes();
    long total =
        nodes.stream().mapToLong(n -> n.getBytesTotal() == null ? 0 : n.getBytesTotal()).sum();
    long done =
        nodes.stream().mapToLong(n -> n.getBytesDone() == null ? 0 : n.getBytesDone()).sum();
    status.setProgressPercent(
        status.getPhase() == RestorePhase.Succeeded
            ? 100
            : total == 0 ? 0 : (int) (100 * done / total));
    long imported = nodes.stream().filter(n -> "Imported".equals(n.getState())).count();
    status.setNodesReady(imported + "/" + nodes.size());
  }
}
