package io.kassette.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.operator.ClusterLock;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupStatus;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.chart.ChartInstall;
import io.kassette.operator.chart.ChartRbac;
import io.kassette.operator.chart.KassetteChart;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cluster lock's contended paths, as the chart's ServiceAccount on the real API server: a
 * holder that still works keeps the lock (read by a get of the holder, of each kind), a finished or
 * deleted holder's lock is taken over (an update on the resourceVersion read). OperatorIT meets
 * contention only when timing makes it so; here it is staged, and the rules it needs are checked to
 * be both granted and used.
 */
public class ClusterLockIT extends StateMachines {

  /** The chart's rules that only a contended lock uses, as {@link ChartRbac#unused} names them. */
  public static final Set<String> CONTENTION_ONLY_RULES =
      Set.of(
          "get kassette.io/backupschedules in ClusterRole",
          "get kassette.io/cassandrabackups in ClusterRole",
          "get kassette.io/cassandrarestores in ClusterRole",
          "update coordination.k8s.io/leases in Role " + KassetteChart.NAMESPACE);

  static {
    startApiServer();
  }

  @Test
  void aWorkingHolderKeepsTheLockAndAFinishedOrDeletedOneLosesIt() {
    Fixture f = fixture(1, 1);
    try (ChartInstall chart =
        ChartInstall.install(kube, "kassette", KassetteChart.NAMESPACE, Map.of())) {
      KubernetesClient client = chart.operatorClient();
      ClusterLock lock = new ClusterLock(client, Clock.systemUTC(), KassetteChart.NAMESPACE);
      String cluster = f.cluster().name;
      CassandraBackup backup = f.backup("first", s -> {});
      CassandraRestore restore = RestoreStateMachineTest.restore(f, "second", s -> {});
      BackupSchedule schedule = ScheduleStateMachineTest.schedule(f, "third");

      assertThat(lock.acquire(backup, cluster)).isEmpty();
      assertThat(lock.acquire(restore, cluster))
          .as("a backup without a finished phase still works")
          .hasValueSatisfying(h -> assertThat(h.name()).isEqualTo("first"));

      CassandraBackupStatus done = new CassandraBackupStatus();
      done.setPhase(BackupPhase.Succeeded);
      backup.setStatus(done);
      kubernetes.resource(backup).updateStatus();
      assertThat(lock.acquire(restore, cluster)).as("a finished backup holds nothing").isEmpty();
      assertThat(lock.holds(restore, cluster)).isTrue();
      assertThat(lock.acquire(schedule, cluster))
          .hasValueSatisfying(h -> assertThat(h.name()).isEqualTo("second"));

      kubernetes.resource(restore).delete();
      assertThat(lock.acquire(schedule, cluster)).as("a deleted restore holds nothing").isEmpty();
      CassandraBackup next = f.backup("fourth", s -> {});
      assertThat(lock.acquire(next, cluster))
          .as("a schedule holds its lock only while its purge runs")
          .isEmpty();
      lock.release(next, cluster);
      assertThat(lock.holds(next, cluster)).isFalse();

      assertThat(chart.refusedRequests()).isEmpty();
      assertThat(ChartRbac.unused(KassetteChart.render(Map.of()), chart.operatorRequests()))
          .doesNotContainAnyElementsOf(CONTENTION_ONLY_RULES);
      chart.uninstall();
    } finally {
      // The API server is shared with the next IT, whose operator would otherwise take these up.
      for (Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind :
          List.of(CassandraBackup.class, CassandraRestore.class, BackupSchedule.class)) {
        kubernetes.resources(kind).inNamespace(f.ns()).delete();
      }
    }
  }
}
