package io.kassette.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kassette.api.OperationState;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.RestorePhase;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An operator stopped in every phase and another started in its place: the work continues from the
 * status and the cluster's Lease, and no sidecar operation is started twice (no second snapshot, no
 * second truncation).
 */
class OperatorRestartTest extends StateMachines {

  static {
    startApiServer();
  }

  @ParameterizedTest
  @EnumSource(
      value = BackupPhase.class,
      names = {"Pending", "Snapshotting", "Uploading", "Committing", "Paused"})
  void aBackupContinuesAfterTheOperatorRestartedIn(BackupPhase phase) throws Exception {
    Fixture f = fixture(2, 1);
    switch (phase) {
      case Pending -> f.podStatus(1, "Running", false);
      case Snapshotting -> f.cluster().nodes.forEach(s -> s.hold("snapshot"));
      case Uploading, Paused -> f.cluster().nodes.forEach(s -> s.hold("upload"));
      case Committing -> f.cluster().node(0).commitFailures.set(1);
      default -> throw new IllegalArgumentException(phase.name());
    }
    KassetteOperator first = startOperator(Set.of(f.ns()));
    try {
      f.backup("restarted", s -> s.setBackoffLimit(3));
      if (phase == BackupPhase.Paused) {
        f.awaitBackupPhase("restarted", BackupPhase.Uploading);
        BackupStateMachineTest.edit(f, "restarted", b -> b.getSpec().setSuspend(true));
      }
      f.awaitBackup(
          "restarted",
          b ->
              b.getStatus() != null
                  && b.getStatus().getPhase() == phase
                  && (phase != BackupPhase.Committing
                      || b.getStatus().getCommitAttempts() != null));
    } finally {
      first.close();
    }
    switch (phase) {
      case Pending -> f.podStatus(1, "Running", true);
      case Snapshotting ->
          f.cluster().nodes.forEach(s -> s.finish("snapshot", OperationState.SUCCEEDED));
      case Uploading ->
          f.cluster().nodes.forEach(s -> s.finish("upload", OperationState.SUCCEEDED));
      case Paused -> {
        BackupStateMachineTest.edit(f, "restarted", b -> b.getSpec().setSuspend(false));
        f.cluster().nodes.forEach(s -> s.held.clear());
      }
      default -> {
        // Committing: the next attempt succeeds
      }
    }
    KassetteOperator second = startOperator(Set.of(f.ns()));
    try {
      CassandraBackup done = f.awaitBackupPhase("restarted", BackupPhase.Succeeded);
      assertThat(done.getStatus().getNodes()).hasSize(2);
    } finally {
      second.close();
    }
    // A start re-sent by the new operator (its predecessor died before recording it) finds the
    // same operation: each ran once.
    assertThat(f.cluster().nodes)
        .allSatisfy(
            s -> {
              assertThat(s.op("-snapshot").attempts).as("one snapshot").isEqualTo(1);
              assertThat(s.op("-upload").attempts).as("one upload").isEqualTo(1);
            });
    assertThat(f.cluster().nodes.stream().mapToLong(s -> s.commits.size()).sum()).isEqualTo(1);
    assertThat(f.cluster().nameTaken).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = RestorePhase.class,
      names = {"Validating", "RestoringSchema", "Downloading", "Truncating", "Importing"})
  void aRestoreContinuesAfterTheOperatorRestartedIn(RestorePhase phase) throws Exception {
    Fixture f = fixture(2, 1);
    String step =
        switch (phase) {
          case Validating -> "validate";
          case RestoringSchema -> "schema";
          case Downloading -> "download";
          case Truncating -> "truncate";
          case Importing -> "import";
          default -> throw new IllegalArgumentException(phase.name());
        };
    f.cluster().nodes.forEach(s -> s.hold(step));
    KassetteOperator first = startOperator(Set.of(f.ns()));
    try {
      RestoreStateMachineTest.restore(f, "restarted", s -> {});
      f.awaitRestore(
          "restarted",
          r ->
              r.getStatus() != null
                  && r.getStatus().getPhase() == phase
                  && f.cluster().node(0).op("-" + step) != null);
    } finally {
      first.close();
    }
    f.cluster().nodes.forEach(s -> s.finish(step, OperationState.SUCCEEDED));
    KassetteOperator second = startOperator(Set.of(f.ns()));
    try {
      f.awaitRestorePhase("restarted", RestorePhase.Succeeded);
    } finally {
      second.close();
    }
    assertThat(f.cluster().node(0).op("-truncate").attempts).as("truncated once").isEqualTo(1);
    assertThat(f.cluster().node(1).op("-truncate")).as("on one node").isNull();
    assertThat(f.cluster().node(0).op("-schema").attempts).isEqualTo(1);
    assertThat(f.cluster().nodes)
        .allSatisfy(
            s -> {
              assertThat(s.op("-validate").attempts).isEqualTo(1);
              assertThat(s.op("-download").attempts).isEqualTo(1);
              assertThat(s.op("-import").attempts).isEqualTo(1);
            });
    assertThat(f.cluster().nameTaken).isEmpty();
  }
}
