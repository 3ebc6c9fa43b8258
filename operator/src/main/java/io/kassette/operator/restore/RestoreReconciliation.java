package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.OperationKind;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.Conditions;
import io.kassette.operator.EventReason;
import io.kassette.operator.OperatorServices;
import io.kassette.operator.ResourceReconciliation;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.CassandraRestoreSpec;
import io.kassette.operator.api.CassandraRestoreStatus;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.NodeRestoreStatus;
import io.kassette.operator.api.RestorePhase;
import java.util.List;
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
    cancelPreparation();
  }

  /**
   * Stops what a restore prepares before it truncates (validation, schema, downloads; the sidecar
   * deletes their staging); best effort. Cancelled by name, not by what the status records: a
   * deletion can arrive between an operation's start and the status patch that records it, or the
   * start's answer can be lost, and nothing may outlive the restore. Asked of every node's pod with
   * an IP, Ready or not.
   */
  void cancelPreparation() {
    for (Pod pod : nodePods()) {
      if (ClusterPods.ip(pod) == null) {
        continue;
      }
      for (String step : PREPARATION) {
        String name = operationName(step);
        try {
          client(pod).cancel(OperationKind.RESTORE, name);
        } catch (RuntimeException e) {
          LOG.debug("cancel of {}: {}", name, e.getMessage());
        }
      }
    }
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
        .filter(java.util.Objects::nonNull)
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
