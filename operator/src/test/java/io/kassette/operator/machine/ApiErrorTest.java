package io.kassette.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.chart.ChartInstall;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Problem 7: an API error in a reconciliation becomes a condition that says what failed and a short
 * requeue, not a throw that JOSDK retries a few times before the next look hours later. Staged for
 * real: the operator runs as the chart's ServiceAccount and loses its permission on Leases.
 */
class ApiErrorTest extends StateMachines {

  static {
    startApiServer();
  }

  @Test
  void aForbiddenCallIsAConditionAndTheBackupGoesOnSecondsAfterThePermissionIsBack()
      throws Exception {
    Fixture f = fixture(1, 1);
    try (ChartInstall chart =
        ChartInstall.install(kube, "kassette-apierr", "kassette-apierr", Map.of())) {
      KubernetesClient client = chart.operatorClient();
      // The cluster locks' Leases live in the operator's namespace, granted by a Role there.
      String role = "kassette-apierr-locks";
      var locks = kubernetes.rbac().roles().inNamespace("kassette-apierr");
      Role granted = locks.withName(role).get();
      locks
          .withName(role)
          .edit(
              r -> {
                r.getRules().removeIf(rule -> rule.getResources().contains("leases"));
                return r;
              });
      try (KassetteOperator operator =
          KassetteOperator.start(
              client,
              CONNECTOR,
              new KassetteOperator.Settings(Set.of(f.ns()), POLL, POLL, -1)
                  .withResourceSelector(SELECTOR)
                  .withLockNamespace("kassette-apierr"))) {
        f.backup("forbidden", s -> {});
        CassandraBackup waiting =
            f.awaitBackup(
                "forbidden",
                b ->
                    b.getStatus() != null
                        && conditionIs(b.getStatus().getConditions(), "Waiting", "ApiError"));
        assertThat(condition(waiting.getStatus().getConditions(), "Waiting").getMessage())
            .contains("the Kubernetes API failed")
            .contains("forbidden")
            .contains("leases");
        assertThat(waiting.getStatus().getPhase()).isEqualTo(BackupPhase.Pending);
        long before = System.nanoTime();
        locks
            .withName(role)
            .edit(
                r -> {
                  r.setRules(granted.getRules());
                  return r;
                });
        f.awaitBackupPhase("forbidden", BackupPhase.Succeeded);
        assertThat(Duration.ofNanos(System.nanoTime() - before))
            .as("looked at again within moments, not at JOSDK's 10-hour interval")
            .isLessThan(Duration.ofSeconds(30));
      }
      chart.uninstall();
    }
  }
}
