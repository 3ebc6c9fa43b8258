package io.kassette.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kassette.api.OperationState;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.TestClock;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleSpec;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.PurgeState;
import io.kassette.operator.api.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A schedule's retention purge holds its cluster's lock; when the purge loses its reason (the
 * retention removed, the schedule deleted) its operations are cancelled and the lock released,
 * never held forever. Fast: scripted sidecars, a clock that jumps to the next run.
 */
class ScheduleStateMachineTest extends StateMachines {
  static final TestClock CLOCK = new TestClock();
  static KassetteOperator operator;

  @BeforeAll
  static void start() throws Exception {
    startApiServer();
    operator =
        KassetteOperator.start(
            kubernetes,
            CONNECTOR,
            new KassetteOperator.Settings(Set.of(), POLL, POLL, -1)
                .withClock(CLOCK, POLL)
                .withResourceSelector(SELECTOR));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  static BackupSchedule schedule(Fixture f, String name) {
    BackupSchedule s = new BackupSchedule();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace(f.ns());
    s.getMetadata().setLabels(Map.of("kassette.io/suite", "machines"));
    BackupScheduleSpec spec = new BackupScheduleSpec();
    spec.setSchedule("0 * * * *");
    CassandraBackupSpec template = new CassandraBackupSpec();
    template.setCluster(f.clusterRef());
    template.setLocation("s3://bucket/" + f.ns());
    spec.setBackupTemplate(template);
    RetentionPolicy retention = new RetentionPolicy();
    retention.setKeepLast(1);
    spec.setRetention(retention);
    s.setSpec(spec);
    return kubernetes.resource(s).create();
  }

  static BackupSchedule get(Fixture f, String name) {
    return kubernetes.resources(BackupSchedule.class).inNamespace(f.ns()).withName(name).get();
  }

  /** Creates the schedule, lets its first run succeed and waits until its purge runs, held. */
  static void purging(Fixture f, String name) {
    f.cluster().node(0).hold("purge");
    schedule(f, name);
    BackupSchedule s =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> get(f, name),
                x -> x.getStatus() != null && x.getStatus().getNextScheduleTime() != null);
    CLOCK.set(Instant.parse(s.getStatus().getNextScheduleTime()).plusSeconds(5));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> get(f, name).getStatus().getRetention(),
            r ->
                r != null
                    && r.getState() == PurgeState.Running
                    && f.cluster().node(0).op("purge") != null);
    assertThat(BackupStateMachineTest.lease(f)).as("the purge holds the lock").isNotNull();
  }

  @Test
  void retentionRemovedWhileItsPurgeRunsCancelsThePurgeAndReleasesTheLock() {
    Fixture f = fixture(1, 1);
    purging(f, "dropped-retention");
    retryOnConflict(
        () ->
            kubernetes
                .resources(BackupSchedule.class)
                .inNamespace(f.ns())
                .withName("dropped-retention")
                .edit(
                    x -> {
                      x.getSpec().setRetention(null);
                      return x;
                    }));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                get(f, "dropped-retention").getStatus().getRetention().getState()
                    == PurgeState.Failed);
    assertThat(f.cluster().node(0).op("purge").state).isEqualTo(OperationState.CANCELLED);
    assertThat(BackupStateMachineTest.lease(f)).as("the lock is released").isNull();
  }

  @Test
  void aScheduleDeletedWhileItsPurgeRunsCancelsThePurgeBeforeItGoes() {
    Fixture f = fixture(1, 1);
    purging(f, "deleted-schedule");
    kubernetes
        .resources(BackupSchedule.class)
        .inNamespace(f.ns())
        .withName("deleted-schedule")
        .delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(f, "deleted-schedule") == null);
    assertThat(f.cluster().node(0).op("purge").state).isEqualTo(OperationState.CANCELLED);
    assertThat(BackupStateMachineTest.lease(f)).isNull();
  }
}
