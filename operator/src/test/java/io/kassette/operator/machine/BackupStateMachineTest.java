package io.kassette.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.kassette.api.OperationState;
import io.kassette.operator.ClusterLock;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.NodeBackupState;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CassandraBackup state machine, fast: the real API server, the real controllers, and scripted
 * sidecars (the operator's unit boundary; OperatorIT drives real ones). Each test covers
 * transitions listed on {@link BackupPhase} and one failure path a user can hit.
 */
class BackupStateMachineTest extends StateMachines {
  static KassetteOperator operator;

  @BeforeAll
  static void start() throws Exception {
    startApiServer();
    operator = startOperator(Set.of());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  /** Pending → Snapshotting → Uploading → Committing → Succeeded. */
  @Test
  void aBackupWalksEveryPhaseSnapshotsEveryNodeBeforeAnyUploadAndReleasesTheLock() {
    Fixture f = fixture(3, 1);
    CassandraBackup created = f.backup("walk", s -> {});
    CassandraBackup done = f.awaitBackupPhase("walk", BackupPhase.Succeeded);
    assertThat(done.getStatus().getNodes())
        .hasSize(3)
        .allSatisfy(n -> assertThat(n.getState()).isEqualTo(NodeBackupState.Uploaded));
    assertThat(done.getStatus().getNodesReady()).isEqualTo("3/3");
    assertThat(done.getStatus().getMissingNodes()).isEmpty();
    for (ScriptedSidecar s : f.cluster().nodes) {
      assertThat(s.starts("-snapshot")).isEqualTo(1);
      assertThat(s.starts("-upload")).isEqualTo(1);
    }
    // Every snapshot was started before the first upload.
    long lastSnapshot =
        f.cluster().nodes.stream()
            .mapToLong(s -> s.op("-snapshot").createdAt.toEpochMilli())
            .max()
            .orElseThrow();
    long firstUpload =
        f.cluster().nodes.stream()
            .mapToLong(s -> s.op("-upload").createdAt.toEpochMilli())
            .min()
            .orElseThrow();
    assertThat(firstUpload).isGreaterThanOrEqualTo(lastSnapshot);
    assertThat(f.cluster().node(0).commits)
        .singleElement()
        .satisfies(c -> assertThat(c.owner()).isEqualTo(created.getMetadata().getUid()));
    assertThat(f.cluster().owners).containsOnly(created.getMetadata().getUid());
    assertThat(lease(f)).as("the cluster's lock is released").isNull();
    assertThat(reasons(f, "walk")).contains("Started", "Snapshotted", "Committed", "Succeeded");
  }

  /** Problem 1: a node not Running never lets a backup succeed without it. */
  @Test
  void aNodeWhosePodIsNotReadyIsWaitedForThenFailsTheBackupNamingIt() {
    Fixture f = fixture(3, 2);
    f.podStatus(1, "Pending", false);
    f.backup("half", s -> s.setNodeReadyTimeoutSeconds(2));
    CassandraBackup waiting =
        f.awaitBackup(
            "half",
            b ->
                b.getStatus() != null
                    && conditionIs(b.getStatus().getConditions(), "Waiting", "NodeNotReady"));
    assertThat(condition(waiting.getStatus().getConditions(), "Waiting").getMessage())
        .contains("pod cass-1")
        .contains("is Pending");
    assertThat(waiting.getStatus().getPhase()).isEqualTo(BackupPhase.Pending);
    CassandraBackup failed = f.awaitBackupPhase("half", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("pod cass-1")
        .contains("not Ready")
        .contains("allowDownNodes");
    assertThat(f.cluster().nodes).allSatisfy(s -> assertThat(s.commits).isEmpty());
    assertThat(lease(f)).isNull();
  }

  /** Problem 1, a member with no pod at all (its StatefulSet pod deleted). */
  @Test
  void aRingMemberWithoutAnyPodIsNotSilentlyDropped() {
    Fixture f = fixture(2, 1);
    f.deletePod(1);
    f.backup("no-pod", s -> s.setNodeReadyTimeoutSeconds(1));
    CassandraBackup failed = f.awaitBackupPhase("no-pod", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains(f.cluster().node(1).hostId)
        .contains("has no pod with its address");
  }

  /** allowDownNodes: left out only when every token range keeps a backed-up replica. */
  @Test
  void withAllowDownNodesADownNodeIsLeftOutWhenItsRangesHaveOtherReplicasAndRecorded() {
    Fixture f = fixture(3, 2);
    f.podStatus(2, "Running", false);
    f.backup(
        "without-one",
        s -> {
          s.setAllowDownNodes(true);
          s.setNodeReadyTimeoutSeconds(1);
        });
    CassandraBackup done = f.awaitBackupPhase("without-one", BackupPhase.Succeeded);
    assertThat(done.getStatus().getNodes()).hasSize(2);
    assertThat(done.getStatus().getNodesReady()).isEqualTo("2/3");
    assertThat(done.getStatus().getMissingNodes())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getHostId()).isEqualTo(f.cluster().node(2).hostId);
              assertThat(m.getPod()).isEqualTo("cass-2");
              assertThat(m.getReason()).contains("is not Ready");
            });
    var commit =
        f.cluster().nodes.stream().flatMap(s -> s.commits.stream()).findFirst().orElseThrow();
    assertThat(commit.missingNodes())
        .singleElement()
        .satisfies(m -> assertThat(m.hostId()).isEqualTo(f.cluster().node(2).hostId));
    assertThat(commit.hostIds()).doesNotContain(f.cluster().node(2).hostId).hasSize(2);
    assertThat(f.cluster().node(2).starts("-snapshot")).isZero();
    assertThat(reasons(f, "without-one")).contains("NodesMissing");
  }

  /**
   * Two nodes left out at different times whose ranges only they replicate together: the second is
   * judged with the first already out, and the backup fails.
   */
  @Test
  void aSecondNodeDownIsJudgedWithTheNodesAlreadyLeftOut() {
    Fixture f = fixture(3, 2);
    f.podStatus(0, "Running", false);
    f.cluster().node(1).hold("upload");
    f.backup(
        "two-down",
        s -> {
          s.setAllowDownNodes(true);
          s.setNodeReadyTimeoutSeconds(1);
        });
    f.awaitBackup(
        "two-down",
        b ->
            b.getStatus() != null
                && b.getStatus().getPhase() == BackupPhase.Uploading
                && b.getStatus().getMissingNodes().size() == 1);
    // Node 1 replicates with node 0 the ranges (0,1): without both, nobody holds them.
    f.podStatus(1, "Running", false);
    CassandraBackup failed = f.awaitBackupPhase("two-down", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("nodes left out before")
        .contains("no backed-up node");
  }

  /** The error-status handler: what escapes a reconciliation is a condition and a short requeue. */
  @Test
  void anExceptionEscapingTheReconciliationIsAConditionAndTheBackupGoesOn() {
    Fixture f = fixture(1, 1);
    ScriptedCluster cluster = CLUSTERS.remove(f.ns());
    f.backup("escaped", s -> {});
    CassandraBackup waiting =
        f.awaitBackup(
            "escaped",
            b ->
                b.getStatus() != null
                    && conditionIs(b.getStatus().getConditions(), "Waiting", "ReconcileError"));
    assertThat(condition(waiting.getStatus().getConditions(), "Waiting").getMessage())
        .contains("no scripted cluster");
    CLUSTERS.put(f.ns(), cluster);
    f.awaitBackupPhase("escaped", BackupPhase.Succeeded);
  }

  @Test
  void withAllowDownNodesButOneReplicaPerRangeTheBackupFailsNamingTheUncoveredRanges() {
    Fixture f = fixture(3, 1);
    f.podStatus(0, "Running", false);
    f.backup(
        "uncovered",
        s -> {
          s.setAllowDownNodes(true);
          s.setNodeReadyTimeoutSeconds(1);
        });
    CassandraBackup failed = f.awaitBackupPhase("uncovered", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("no backed-up node")
        .contains(f.cluster().node(0).hostId);
  }

  /** Pod churn: a node restarted mid-upload (not Ready, then back with a new IP) is waited for. */
  @Test
  void aPodRestartedWithANewIpDuringTheUploadIsWaitedForAndTheBackupCompletes() {
    Fixture f = fixture(2, 1);
    f.cluster().node(1).hold("upload");
    f.backup("churn", s -> s.setNodeReadyTimeoutSeconds(30));
    f.awaitBackup(
        "churn",
        b ->
            b.getStatus() != null
                && b.getStatus().getPhase() == BackupPhase.Uploading
                && f.cluster().node(1).op("-upload") != null);
    f.podStatus(1, "Running", false);
    f.awaitBackup(
        "churn", b -> conditionIs(b.getStatus().getConditions(), "Waiting", "NodeNotReady"));
    // The pod comes back at another IP; the ring follows.
    f.cluster().move(f.cluster().node(1), "10.99.0.1");
    f.deletePod(1);
    f.pod(1);
    f.cluster().node(1).finish("upload", OperationState.SUCCEEDED);
    CassandraBackup done = f.awaitBackupPhase("churn", BackupPhase.Succeeded);
    assertThat(done.getStatus().getNodes()).hasSize(2);
    assertThat(f.cluster().node(1).starts("-upload")).isEqualTo(1);
  }

  /** Problem 4: a sidecar busy with another operation is Waiting, never a failure. */
  @Test
  void aBusySidecarIsWaitedForWithoutCountingAFailure() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).busyWith = "restore-of-something";
    f.backup("patient", s -> s.setBackoffLimit(0));
    CassandraBackup waiting =
        f.awaitBackup(
            "patient",
            b ->
                b.getStatus() != null
                    && conditionIs(b.getStatus().getConditions(), "Waiting", "NodeBusy"));
    assertThat(condition(waiting.getStatus().getConditions(), "Waiting").getMessage())
        .contains("busy");
    assertThat(waiting.getStatus().getNodes())
        .allSatisfy(n -> assertThat(n.getFailures()).isZero());
    f.cluster().node(0).busyWith = null;
    f.awaitBackupPhase("patient", BackupPhase.Succeeded);
  }

  /** A node's failures are counted once per attempt, with backoff, then fail the backup. */
  @Test
  void aFailingUploadIsRetriedWithBackoffThenFailsTheBackupAndClearsTheSnapshots() {
    Fixture f = fixture(2, 1);
    f.cluster().node(1).failures.put("upload", new AtomicInteger(10));
    f.backup("flaky", s -> s.setBackoffLimit(2));
    CassandraBackup failed = f.awaitBackupPhase("flaky", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("pod cass-1 failed 3 times")
        .contains("scripted failure of upload");
    assertThat(f.cluster().node(1).op("-upload").attempts).isEqualTo(3);
    assertThat(f.cluster().node(1).starts("-upload")).isEqualTo(1);
    assertThat(f.cluster().nodes)
        .allSatisfy(s -> assertThat(s.calls).contains("clear kassette-flaky"));
    assertThat(reasons(f, "flaky")).contains("NodeRetrying", "Failed");
  }

  @Test
  void anUnreachableSidecarIsRetriedThenFailsTheBackupNamingThePod() {
    Fixture f = fixture(2, 1);
    f.cluster().node(1).unreachable = true;
    f.backup("unreachable", s -> s.setBackoffLimit(1));
    CassandraBackup failed = f.awaitBackupPhase("unreachable", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("pod cass-1 failed 2 times")
        .contains("unreachable");
    assertThat(reasons(f, "unreachable")).contains("NodeRetrying");
  }

  @Test
  void anUploadThatFailsTwiceWithinTheLimitSucceedsAndTheFailuresShow() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).failures.put("upload", new AtomicInteger(2));
    f.backup("recovers", s -> s.setBackoffLimit(3));
    CassandraBackup done = f.awaitBackupPhase("recovers", BackupPhase.Succeeded);
    assertThat(done.getStatus().getNodes().get(0).getFailures()).isEqualTo(2);
    assertThat(f.cluster().node(0).op("-upload").attempts).isEqualTo(3);
  }

  /** Problem 5: the commit has attempts of its own, with backoff; node retries do not count. */
  @Test
  void theCommitCountsItsOwnAttemptsNotTheNodesRetries() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).failures.put("upload", new AtomicInteger(2));
    f.cluster().node(0).commitFailures.set(2);
    f.backup("commit-retried", s -> s.setBackoffLimit(2));
    CassandraBackup done = f.awaitBackupPhase("commit-retried", BackupPhase.Succeeded);
    assertThat(done.getStatus().getNodes().get(0).getFailures()).isEqualTo(2);
    assertThat(done.getStatus().getCommitAttempts()).isEqualTo(2);

    Fixture g = fixture(1, 1);
    g.cluster().node(0).commitFailures.set(10);
    g.backup("commit-fails", s -> s.setBackoffLimit(1));
    CassandraBackup failed = g.awaitBackupPhase("commit-fails", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getReason())
        .isEqualTo("CommitFailed");
    assertThat(failed.getStatus().getCommitAttempts()).isEqualTo(2);
  }

  /** Snapshotting | Uploading → Paused → back. */
  @Test
  void suspendPausesEveryRunningNodeAndResumeContinuesTheSameOperations() {
    Fixture f = fixture(2, 1);
    f.cluster().nodes.forEach(s -> s.hold("upload"));
    f.backup("suspended", s -> {});
    f.awaitBackup(
        "suspended",
        b ->
            b.getStatus() != null
                && b.getStatus().getPhase() == BackupPhase.Uploading
                && f.cluster().nodes.stream().allMatch(s -> s.op("-upload") != null));
    edit(f, "suspended", b -> b.getSpec().setSuspend(true));
    CassandraBackup paused = f.awaitBackupPhase("suspended", BackupPhase.Paused);
    assertThat(paused.getStatus().getPausedFrom()).isEqualTo("Uploading");
    assertThat(f.cluster().nodes)
        .allSatisfy(s -> assertThat(s.op("-upload").state).isEqualTo(OperationState.PAUSED));
    edit(f, "suspended", b -> b.getSpec().setSuspend(false));
    f.awaitBackupPhase("suspended", BackupPhase.Uploading);
    f.cluster().nodes.forEach(s -> s.finish("upload", OperationState.SUCCEEDED));
    f.awaitBackupPhase("suspended", BackupPhase.Succeeded);
    assertThat(f.cluster().nodes).allSatisfy(s -> assertThat(s.starts("-upload")).isEqualTo(1));
    assertThat(reasons(f, "suspended")).contains("Paused", "Resumed");
  }

  /** Pending → Paused → Pending, and Snapshotting → Paused → Snapshotting. */
  @Test
  void aBackupSuspendedBeforeItStartsOrWhileItSnapshotsResumesWhereItWas() {
    Fixture f = fixture(1, 1);
    f.backup("born-suspended", s -> s.setSuspend(true));
    CassandraBackup paused = f.awaitBackupPhase("born-suspended", BackupPhase.Paused);
    assertThat(paused.getStatus().getPausedFrom()).isEqualTo("Pending");
    assertThat(f.cluster().node(0).starts("-snapshot")).isZero();
    edit(f, "born-suspended", b -> b.getSpec().setSuspend(false));
    f.awaitBackupPhase("born-suspended", BackupPhase.Succeeded);

    Fixture g = fixture(1, 1);
    g.cluster().node(0).hold("snapshot");
    g.backup("mid-snapshot", s -> {});
    g.awaitBackup(
        "mid-snapshot",
        b ->
            b.getStatus() != null
                && b.getStatus().getPhase() == BackupPhase.Snapshotting
                && g.cluster().node(0).op("-snapshot") != null);
    edit(g, "mid-snapshot", b -> b.getSpec().setSuspend(true));
    assertThat(g.awaitBackupPhase("mid-snapshot", BackupPhase.Paused).getStatus().getPausedFrom())
        .isEqualTo("Snapshotting");
    edit(g, "mid-snapshot", b -> b.getSpec().setSuspend(false));
    g.awaitBackupPhase("mid-snapshot", BackupPhase.Snapshotting);
    g.cluster().node(0).finish("snapshot", OperationState.SUCCEEDED);
    g.awaitBackupPhase("mid-snapshot", BackupPhase.Succeeded);
  }

  /** Snapshotting → Failed. */
  @Test
  void aSnapshotThatKeepsFailingFailsTheBackupBeforeAnyUpload() {
    Fixture f = fixture(2, 1);
    f.cluster().node(0).failures.put("snapshot", new AtomicInteger(10));
    f.backup("no-snapshot", s -> s.setBackoffLimit(1));
    CassandraBackup failed = f.awaitBackupPhase("no-snapshot", BackupPhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("pod cass-0 failed 2 times")
        .contains("snapshot");
    assertThat(f.cluster().node(0).op("-snapshot").attempts).isEqualTo(2);
    assertThat(f.cluster().nodes).allSatisfy(s -> assertThat(s.starts("-upload")).isZero());
  }

  /** Problem 8: one backup, restore or purge per cluster at a time, by the cluster's Lease. */
  @Test
  void aSecondBackupOfTheClusterWaitsForTheLockAndRunsAfterTheFirst() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).hold("upload");
    f.backup("first", s -> {});
    f.awaitBackupPhase("first", BackupPhase.Uploading);
    f.backup("second", s -> {});
    CassandraBackup waiting =
        f.awaitBackup(
            "second",
            b ->
                b.getStatus() != null
                    && conditionIs(b.getStatus().getConditions(), "Waiting", "ClusterBusy"));
    assertThat(condition(waiting.getStatus().getConditions(), "Waiting").getMessage())
        .contains("CassandraBackup first");
    assertThat(lease(f).getSpec().getHolderIdentity()).startsWith("CassandraBackup/first/");
    f.cluster().node(0).finish("upload", OperationState.SUCCEEDED);
    f.awaitBackupPhase("first", BackupPhase.Succeeded);
    f.awaitBackupPhase("second", BackupPhase.Succeeded);
  }

  /** Problem 8: a Waiting Event per poll becomes one Event whose count grows. */
  @Test
  void aLongWaitIsOneAggregatedEventNotOnePerPoll() {
    Fixture f = fixture(2, 1);
    f.podStatus(1, "Pending", false);
    f.backup("aggregated", s -> s.setNodeReadyTimeoutSeconds(60));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                f.events("aggregated").stream()
                    .filter(e -> "NodeNotReady".equals(e.getReason()))
                    .mapToInt(e -> e.getCount() == null ? 1 : e.getCount())
                    .max()
                    .orElse(0),
            count -> count >= 5);
    assertThat(f.events("aggregated").stream().filter(e -> "NodeNotReady".equals(e.getReason())))
        .as("one Event, its count growing")
        .hasSize(1);
    delete(f, "aggregated");
  }

  /** A deleted backup stops its operations, clears its snapshots and releases the lock. */
  @Test
  void aBackupDeletedWhileUploadingStopsClearsAndReleasesTheCluster() {
    Fixture f = fixture(2, 1);
    f.cluster().nodes.forEach(s -> s.hold("upload"));
    f.backup("deleted", s -> {});
    f.awaitBackup(
        "deleted",
        b ->
            b.getStatus() != null
                && b.getStatus().getPhase() == BackupPhase.Uploading
                && f.cluster().nodes.stream().allMatch(s -> s.op("-upload") != null));
    delete(f, "deleted");
    await().atMost(Duration.ofSeconds(20)).until(() -> f.getBackup("deleted") == null);
    assertThat(f.cluster().nodes)
        .allSatisfy(
            s -> {
              assertThat(s.calls).contains("clear kassette-deleted");
              assertThat(s.op("-upload").state).isEqualTo(OperationState.CANCELLED);
            });
    assertThat(lease(f)).isNull();
  }

  // ---- helpers -----------------------------------------------------------------------------

  static Lease lease(Fixture f) {
    return kubernetes
        .leases()
        .inNamespace(f.ns())
        .withName(ClusterLock.leaseName(f.ns(), f.cluster().name))
        .get();
  }

  static java.util.List<String> reasons(Fixture f, String name) {
    return f.events(name).stream().map(Event::getReason).toList();
  }

  static void edit(Fixture f, String name, java.util.function.Consumer<CassandraBackup> change) {
    retryOnConflict(
        () ->
            kubernetes
                .resources(CassandraBackup.class)
                .inNamespace(f.ns())
                .withName(name)
                .edit(
                    b -> {
                      change.accept(b);
                      return b;
                    }));
  }

  static void delete(Fixture f, String name) {
    kubernetes.resources(CassandraBackup.class).inNamespace(f.ns()).withName(name).delete();
  }
}
