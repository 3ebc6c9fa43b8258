package io.kassette.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kassette.operator.EventRecorder;
import io.kassette.operator.TestClock;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleSpec;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.CassandraBackupStatus;
import io.kassette.operator.api.ConcurrencyPolicy;
import io.kassette.operator.backup.BackupSpecValidatorTest;
import io.kassette.operator.chart.ChartInstall;
import io.kassette.testkit.KubeControlPlane;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule controller against a real API server with a clock the test moves: every
 * reconciliation reads the schedule from the server and its status goes back the way the operator
 * patches it. Its backups are driven by hand (no backup controller runs here): succeeded, failed or
 * left running, as each test needs.
 */
class BackupScheduleReconcilerTest {
  private static final java.util.concurrent.atomic.AtomicInteger TESTS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Each test in a namespace of its own on the shared control plane. */
  String NS;

  KubernetesClient kubernetes;
  TestClock clock;
  BackupScheduleReconciler reconciler;

  @BeforeEach
  void start() throws Exception {
    KubeControlPlane kube = KubeControlPlane.shared();
    ChartInstall.installCrds(kube);
    NS = "sched-" + TESTS.incrementAndGet();
    kube.ensureNamespace(NS);
    kubernetes = kube.admin();
    clock = new TestClock(Instant.parse("2026-03-27T12:00:00Z"));
    reconciler = newReconciler();
  }

  BackupScheduleReconciler newReconciler() {
    return new BackupScheduleReconciler(
        kubernetes,
        new io.kassette.operator.OperatorServices(
            (ns, pod, cluster) -> {
              throw new IllegalStateException("no sidecar in this test");
            },
            new EventRecorder(kubernetes, clock),
            new io.kassette.operator.ClusterLock(kubernetes, clock),
            new io.kassette.operator.NodeOperations(Duration.ofSeconds(1)),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
            clock,
            Duration.ofSeconds(5),
            Duration.ofSeconds(1)),
        Duration.ofMinutes(1));
  }

  @AfterEach
  void stop() {
    kubernetes.namespaces().withName(NS).delete();
  }

  BackupSchedule schedule(String name, String cron, String zone) {
    BackupSchedule s = new BackupSchedule();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace(NS);
    BackupScheduleSpec spec = new BackupScheduleSpec();
    spec.setSchedule(cron);
    spec.setTimeZone(zone);
    CassandraBackupSpec template = BackupSpecValidatorTest.valid();
    template.setLocation("s3://backups/prod");
    template.setKeyspaces("app*");
    spec.setBackupTemplate(template);
    s.setSpec(spec);
    return s;
  }

  BackupSchedule apply(BackupSchedule s) {
    return kubernetes.resource(s).create();
  }

  BackupSchedule get(String name) {
    return kubernetes.resources(BackupSchedule.class).inNamespace(NS).withName(name).get();
  }

  void edit(String name, Consumer<BackupScheduleSpec> change) {
    kubernetes
        .resources(BackupSchedule.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            s -> {
              change.accept(s.getSpec());
              return s;
            });
  }

  /** One reconciliation at {@code at}, its status patched as JOSDK patches it. */
  UpdateControl<BackupSchedule> reconcileAt(String name, Instant at) {
    clock.set(at);
    BackupSchedule original = get(name);
    UpdateControl<BackupSchedule> control =
        reconciler.reconcile(Serialization.clone(original), null);
    if (control.isPatchStatus()) {
      BackupSchedule patched = control.getResource().orElseThrow();
      kubernetes
          .resource(original)
          .editStatus(
              r -> {
                r.setStatus(patched.getStatus());
                return r;
              });
    }
    return control;
  }

  /** Reconciles every {@code step} from now to {@code until}; backups that appear succeed. */
  void runUntil(String name, Instant until, Duration step) {
    for (Instant t = clock.instant(); !t.isAfter(until); t = t.plus(step)) {
      reconcileAt(name, t);
      backups().stream()
          .filter(b -> b.getStatus() == null)
          .forEach(b -> finish(b.getMetadata().getName(), BackupPhase.Succeeded));
    }
  }

  List<CassandraBackup> backups() {
    return kubernetes.resources(CassandraBackup.class).inNamespace(NS).list().getItems();
  }

  List<Instant> runs() {
    return backups().stream()
        .map(
            b -> Instant.parse(b.getMetadata().getAnnotations().get(BackupSchedule.SCHEDULED_TIME)))
        .sorted()
        .toList();
  }

  void finish(String backup, BackupPhase phase) {
    CassandraBackup b =
        kubernetes.resources(CassandraBackup.class).inNamespace(NS).withName(backup).get();
    CassandraBackupStatus status = new CassandraBackupStatus();
    status.setPhase(phase);
    status.setBackupName(backup);
    status.setCompletionTime(clock.instant().toString());
    b.setStatus(status);
    kubernetes.resource(b).patchStatus();
  }

  void running(String backup) {
    CassandraBackup b =
        kubernetes.resources(CassandraBackup.class).inNamespace(NS).withName(backup).get();
    CassandraBackupStatus status = new CassandraBackupStatus();
    status.setPhase(BackupPhase.Uploading);
    b.setStatus(status);
    kubernetes.resource(b).patchStatus();
  }

  List<String> events(String reason) {
    return kubernetes.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void aLocalTimeThatSpringForwardSkipsRunsRightAfterTheChange() {
    apply(schedule("spring", "30 2 * * *", "Europe/Berlin"));
    runUntil("spring", at("2026-03-31T12:00:00Z"), Duration.ofMinutes(20));
    // 02:30 does not exist in Berlin on 29 March 2026 (02:00 CET jumps to 03:00 CEST): that run
    // is at 03:30 CEST, not dropped; the others at 02:30 local on either side of the change.
    assertThat(runs())
        .containsExactly(
            at("2026-03-28T01:30:00Z"),
            at("2026-03-29T01:30:00Z"),
            at("2026-03-30T00:30:00Z"),
            at("2026-03-31T00:30:00Z"));
    assertThat(backups())
        .extracting(b -> b.getMetadata().getName())
        .contains("spring-20260328-0130", "spring-20260329-0130");
  }

  @Test
  void aLocalTimeThatFallBackRepeatsRunsOnce() {
    clock.set(at("2026-10-23T12:00:00Z"));
    apply(schedule("autumn", "30 2 * * *", "Europe/Berlin"));
    runUntil("autumn", at("2026-10-27T12:00:00Z"), Duration.ofMinutes(20));
    // 02:30 happens twice in Berlin on 25 October 2026 (03:00 CEST falls back to 02:00 CET):
    // one run, at the first.
    assertThat(runs())
        .containsExactly(
            at("2026-10-24T00:30:00Z"),
            at("2026-10-25T00:30:00Z"),
            at("2026-10-26T01:30:00Z"),
            at("2026-10-27T01:30:00Z"));
    assertThat(get("autumn").getStatus().getSkippedRuns()).isNull();
  }

  @Test
  void eachRunIsACassandraBackupOwnedByTheScheduleWithTheTemplatesSpec() {
    BackupSchedule s = apply(schedule("hourly", "0 * * * *", "UTC"));
    reconcileAt("hourly", at("2026-03-27T12:00:00Z"));
    assertThat(backups()).isEmpty();
    assertThat(get("hourly").getStatus().getNextScheduleTime()).isEqualTo("2026-03-27T13:00:00Z");
    UpdateControl<BackupSchedule> control = reconcileAt("hourly", at("2026-03-27T13:00:05Z"));
    assertThat(control.getScheduleDelay()).hasValueSatisfying(d -> assertThat(d).isPositive());
    CassandraBackup b = backups().get(0);
    assertThat(b.getMetadata().getName()).isEqualTo("hourly-20260327-1300");
    assertThat(b.getMetadata().getLabels()).containsEntry(BackupSchedule.LABEL, "hourly");
    assertThat(b.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo(s.getMetadata().getUid());
              assertThat(o.getKind()).isEqualTo("BackupSchedule");
              assertThat(o.getController()).isTrue();
            });
    assertThat(Serialization.asJson(b.getSpec()))
        .isEqualTo(Serialization.asJson(s.getSpec().getBackupTemplate()));
    BackupSchedule after = get("hourly");
    assertThat(after.getStatus().getLastScheduleTime()).isEqualTo("2026-03-27T13:00:00Z");
    assertThat(after.getStatus().getActive()).containsExactly("hourly-20260327-1300");
    assertThat(after.getStatus().getNextScheduleTime()).isEqualTo("2026-03-27T14:00:00Z");
    assertThat(events("Scheduled")).singleElement().asString().contains("hourly-20260327-1300");

    finish("hourly-20260327-1300", BackupPhase.Succeeded);
    reconcileAt("hourly", at("2026-03-27T13:30:00Z"));
    assertThat(get("hourly").getStatus().getLastSuccessfulBackup())
        .isEqualTo("hourly-20260327-1300");
    assertThat(get("hourly").getStatus().getActive()).isEmpty();
  }

  @Test
  void forbidSkipsARunWhileTheLastBackupStillRuns() {
    apply(schedule("forbid", "0 * * * *", "UTC"));
    reconcileAt("forbid", at("2026-03-27T12:00:00Z"));
    reconcileAt("forbid", at("2026-03-27T13:00:01Z"));
    running("forbid-20260327-1300");
    reconcileAt("forbid", at("2026-03-27T14:00:01Z"));
    assertThat(runs()).containsExactly(at("2026-03-27T13:00:00Z"));
    BackupSchedule s = get("forbid");
    assertThat(s.getStatus().getLastSkippedTime()).isEqualTo("2026-03-27T14:00:00Z");
    assertThat(s.getStatus().getSkippedRuns()).isEqualTo(1);
    assertThat(events("SkippedRun"))
        .singleElement()
        .asString()
        .contains("forbid-20260327-1300 still runs")
        .contains("Forbid");

    finish("forbid-20260327-1300", BackupPhase.Succeeded);
    reconcileAt("forbid", at("2026-03-27T15:00:01Z"));
    assertThat(runs()).containsExactly(at("2026-03-27T13:00:00Z"), at("2026-03-27T15:00:00Z"));
  }

  @Test
  void replaceDeletesTheRunningBackupAndStartsTheNewRunOnceItIsGone() {
    BackupSchedule s = schedule("replace", "0 * * * *", "UTC");
    s.getSpec().setConcurrencyPolicy(ConcurrencyPolicy.Replace);
    apply(s);
    reconcileAt("replace", at("2026-03-27T12:00:00Z"));
    reconcileAt("replace", at("2026-03-27T13:00:01Z"));
    running("replace-20260327-1300");
    // As the backup controller's finalizer does while it stops the work and clears snapshots.
    kubernetes
        .resources(CassandraBackup.class)
        .inNamespace(NS)
        .withName("replace-20260327-1300")
        .edit(
            b -> {
              b.getMetadata().setFinalizers(List.of("cassandrabackups.kassette.io/finalizer"));
              return b;
            });

    reconcileAt("replace", at("2026-03-27T14:00:01Z"));
    CassandraBackup old =
        kubernetes
            .resources(CassandraBackup.class)
            .inNamespace(NS)
            .withName("replace-20260327-1300")
            .get();
    assertThat(old.getMetadata().getDeletionTimestamp())
        .as("the running one is deleted")
        .isNotNull();
    assertThat(events("Replaced")).singleElement().asString().contains("replace-20260327-1300");
    reconcileAt("replace", at("2026-03-27T14:00:06Z"));
    assertThat(runs()).as("not while the old one still stops").hasSize(1);

    kubernetes
        .resources(CassandraBackup.class)
        .inNamespace(NS)
        .withName("replace-20260327-1300")
        .edit(
            b -> {
              b.getMetadata().setFinalizers(List.of());
              return b;
            });
    reconcileAt("replace", at("2026-03-27T14:00:11Z"));
    assertThat(runs()).containsExactly(at("2026-03-27T14:00:00Z"));
    assertThat(get("replace").getStatus().getLastScheduleTime()).isEqualTo("2026-03-27T14:00:00Z");
  }

  @Test
  void suspendStopsRunsAndResumingDoesNotCatchUp() {
    BackupSchedule s = schedule("paused", "0 * * * *", "UTC");
    s.getSpec().setSuspend(true);
    apply(s);
    runUntil("paused", at("2026-03-27T15:30:00Z"), Duration.ofMinutes(10));
    assertThat(backups()).isEmpty();
    BackupSchedule suspended = get("paused");
    assertThat(suspended.getStatus().getSkippedRuns()).isEqualTo(3);
    assertThat(suspended.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("Suspended"));

    edit("paused", spec -> spec.setSuspend(false));
    reconcileAt("paused", at("2026-03-27T15:40:00Z"));
    assertThat(backups()).as("runs missed while suspended are not started late").isEmpty();
    reconcileAt("paused", at("2026-03-27T16:00:01Z"));
    assertThat(runs()).containsExactly(at("2026-03-27T16:00:00Z"));
  }

  @Test
  void aRestartedOperatorNeverCreatesTheSameRunTwice() {
    apply(schedule("restart", "0 * * * *", "UTC"));
    reconcileAt("restart", at("2026-03-27T12:00:00Z"));
    BackupSchedule beforeRun = get("restart");
    // The run is created, then the operator dies before its status is written.
    clock.set(at("2026-03-27T13:00:02Z"));
    reconciler.reconcile(get("restart"), null);
    assertThat(backups()).hasSize(1);
    assertThat(get("restart").getStatus().getLastScheduleTime())
        .as("status not written")
        .isEqualTo(beforeRun.getStatus().getLastScheduleTime());

    reconciler = newReconciler();
    reconcileAt("restart", at("2026-03-27T13:00:10Z"));
    reconcileAt("restart", at("2026-03-27T13:00:20Z"));
    assertThat(runs()).containsExactly(at("2026-03-27T13:00:00Z"));
    assertThat(get("restart").getStatus().getLastScheduleTime()).isEqualTo("2026-03-27T13:00:00Z");
  }

  @Test
  void missedRunsBeyondTheStartingDeadlineAreSkippedAndReported() {
    BackupSchedule s = schedule("late", "0 * * * *", "UTC");
    s.getSpec().setStartingDeadlineSeconds(600L);
    apply(s);
    reconcileAt("late", at("2026-03-27T12:00:00Z"));
    // The operator was down from 12:00 to 17:30: runs at 13, 14, 15, 16 and 17 o'clock are due.
    reconcileAt("late", at("2026-03-27T17:30:00Z"));
    assertThat(backups()).as("17:00 is 30 min late, beyond the 10 min deadline").isEmpty();
    assertThat(get("late").getStatus().getSkippedRuns()).isEqualTo(5);
    assertThat(events("SkippedRun"))
        .anySatisfy(m -> assertThat(m).contains("4 runs").contains("missed"))
        .anySatisfy(m -> assertThat(m).contains("startingDeadlineSeconds (600)"));

    edit("late", spec -> spec.setStartingDeadlineSeconds(3600L));
    reconcileAt("late", at("2026-03-27T20:20:00Z"));
    assertThat(runs())
        .as("within the deadline the latest missed run starts, once")
        .containsExactly(at("2026-03-27T20:00:00Z"));
    reconcileAt("late", at("2026-03-27T20:25:00Z"));
    assertThat(runs()).hasSize(1);
  }

  @Test
  void failedBackupsBeyondTheHistoryLimitAreDeletedNewestKept() {
    BackupSchedule s = schedule("history", "0 * * * *", "UTC");
    s.getSpec().setFailedBackupsHistoryLimit(1);
    s.getSpec().setSuccessfulBackupsHistoryLimit(2);
    apply(s);
    reconcileAt("history", at("2026-03-27T12:00:00Z"));
    for (int h = 13; h <= 17; h++) {
      reconcileAt("history", at("2026-03-27T" + h + ":00:01Z"));
      String name = "history-20260327-" + h + "00";
      finish(name, h % 2 == 0 ? BackupPhase.Failed : BackupPhase.Succeeded);
    }
    reconcileAt("history", at("2026-03-27T17:30:00Z"));
    assertThat(backups())
        .extracting(b -> b.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "history-20260327-1600", "history-20260327-1500", "history-20260327-1700");
    assertThat(events("HistoryTrimmed")).isNotEmpty();
  }

  @Test
  void anInvalidScheduleIsNotReadyNamingTheFieldAndCreatesNothing() {
    // Both pass the CRD schema (5 fields, a zone-shaped name); only the operator can tell.
    apply(schedule("bad-cron", "99 99 * * *", "UTC"));
    apply(schedule("bad-zone", "0 2 * * *", "Mars/Olympus"));
    for (var expected :
        Map.of(
                "bad-cron", "spec.schedule '99 99 * * *'",
                "bad-zone", "spec.timeZone 'Mars/Olympus'")
            .entrySet()) {
      reconcileAt(expected.getKey(), at("2026-03-28T12:00:00Z"));
      assertThat(get(expected.getKey()).getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("InvalidSpec");
                assertThat(c.getMessage()).contains(expected.getValue());
              });
    }
    // What the schema can tell, the API server refuses before the operator sees it.
    BackupSchedule badTemplate = schedule("bad-template", "0 2 * * *", "UTC");
    badTemplate.getSpec().getBackupTemplate().setLocation("ftp://nowhere");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> apply(badTemplate))
        .hasMessageContaining("spec.backupTemplate.location");
    assertThat(backups()).isEmpty();
    assertThat(events("InvalidSpec")).hasSize(2);
  }

  @Test
  void nicknamesAndTheNextRunAcrossAYear() {
    CronSchedule daily = CronSchedule.parse("@daily", "UTC");
    assertThat(daily.next(at("2026-12-31T23:59:00Z"))).hasValue(at("2027-01-01T00:00:00Z"));
    CronSchedule yearly = CronSchedule.parse("@yearly", "Asia/Tokyo");
    assertThat(yearly.next(at("2026-06-01T00:00:00Z"))).hasValue(at("2026-12-31T15:00:00Z"));
    CronSchedule.Runs many =
        CronSchedule.parse("* * * * *", "UTC")
            .runs(at("2026-01-01T00:00:00Z"), at("2026-03-01T00:00:00Z"));
    assertThat(many.more()).isTrue();
    assertThat(many.last()).hasValue(at("2026-03-01T00:00:00Z"));
  }
}
