package io.kassette.operator.schedule;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.Conditions;
import io.kassette.operator.EventRecorder;
import io.kassette.operator.OperatorServices;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleStatus;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.ClusterRef;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** One reconciliation of one BackupSchedule: the resource, its status, what it owns, the time. */
final class ScheduleReconciliation {
  static final String READY = "Ready";
  static final String RETENTION_FAILED = "RetentionFailed";

  final BackupSchedule schedule;
  final BackupScheduleStatus status;
  final Observed seen;
  final Instant now;
  final OperatorServices services;
  final KubernetesClient kubernetes;
  final ClusterPods pods;

  ScheduleReconciliation(
      BackupSchedule schedule,
      BackupScheduleStatus status,
      Observed seen,
      OperatorServices services,
      KubernetesClient kubernetes,
      ClusterPods pods) {
    this.schedule = schedule;
    this.status = status;
    this.seen = seen;
    this.now = services.clock().instant();
    this.services = services;
    this.kubernetes = kubernetes;
    this.pods = pods;
  }

  /** What the schedule's own CassandraBackups are doing; observing never changes anything. */
  record Observed(
      List<CassandraBackup> active,
      List<CassandraBackup> deleting,
      List<CassandraBackup> succeeded,
      List<CassandraBackup> failed) {
    boolean has(String name) {
      return Stream.of(active, deleting, succeeded, failed)
          .flatMap(List::stream)
          .anyMatch(b -> name.equals(b.getMetadata().getName()));
    }

    CassandraBackup newestSucceeded() {
      return succeeded.isEmpty() ? null : succeeded.get(0);
    }
  }

  EventRecorder events() {
    return services.events();
  }

  ClusterRef cluster() {
    return schedule.getSpec().getBackupTemplate().getCluster();
  }

  String namespace() {
    return schedule.getMetadata().getNamespace();
  }

  Long generation() {
    return schedule.getMetadata().getGeneration();
  }

  void condition(String type, boolean value, String reason, String message) {
    Conditions.set(status.getConditions(), type, value, reason, message, generation(), now);
  }

  List<Condition> conditions() {
    return status.getConditions();
  }
}
