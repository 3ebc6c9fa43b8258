package io.kassette.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kassette.api.OperationState;
import io.kassette.api.SidecarException;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.CassandraRestoreSpec;
import io.kassette.operator.api.RestorePhase;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CassandraRestore state machine, fast, on the real API server with scripted sidecars (the
 * operator's unit boundary; OperatorIT restores with real ones). Each test covers transitions
 * listed on {@link RestorePhase} and one failure path.
 */
class RestoreStateMachineTest extends StateMachines {
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

  static CassandraRestore restore(Fixture f, String name, Consumer<CassandraRestoreSpec> tweak) {
    CassandraRestore r = new CassandraRestore();
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(f.ns());
    r.getMetadata().setLabels(Map.of("kassette.io/suite", "machines"));
    CassandraRestoreSpec spec = new CassandraRestoreSpec();
    spec.setCluster(f.clusterRef());
    spec.setBackup("nightly");
    spec.setLocation("s3://bucket/" + f.ns());
    tweak.accept(spec);
    r.setSpec(spec);
    return kubernetes.resource(r).create();
  }

  static void edit(Fixture f, String name, Consumer<CassandraRestoreSpec> change) {
    retryOnConflict(
        () ->
            kubernetes
                .resources(CassandraRestore.class)
                .inNamespace(f.ns())
                .withName(name)
                .edit(
                    r -> {
                      change.accept(r.getSpec());
                      return r;
                    }));
  }

  /**
   * Pending → Validating → RestoringSchema → Downloading → Truncating → Importing → Succeeded, the
   * schema and the truncation once, on the first node.
   */
  @Test
  void aRestoreWalksEveryPhaseAndTruncatesOnceOnOneNode() {
    Fixture f = fixture(3, 1);
    restore(f, "walk", s -> {});
    CassandraRestore done = f.awaitRestorePhase("walk", RestorePhase.Succeeded);
    assertThat(done.getStatus().getMode()).isEqualTo("import");
    assertThat(done.getStatus().getTruncated()).isTrue();
    assertThat(done.getStatus().getNodesReady()).isEqualTo("3/3");
    assertThat(f.cluster().node(0).starts("-truncate")).isEqualTo(1);
    assertThat(f.cluster().node(0).starts("-schema")).isEqualTo(1);
    assertThat(f.cluster().nodes.subList(1, 3))
        .allSatisfy(s -> assertThat(s.starts("-truncate")).isZero());
    assertThat(f.cluster().nodes)
        .allSatisfy(
            s -> {
              assertThat(s.starts("-validate")).isEqualTo(1);
              assertThat(s.starts("-download")).isEqualTo(1);
              assertThat(s.starts("-import")).isEqualTo(1);
            });
    assertThat(BackupStateMachineTest.lease(f)).isNull();
  }

  /** Downloading → Importing without truncate; load mode spreads the backed-up nodes. */
  @Test
  void withoutTruncateDownloadGoesStraightToImportAndLoadModeSpreadsTheSources() {
    Fixture f = fixture(2, 1);
    f.cluster().nodes.forEach(s -> s.restoreMode = "load");
    restore(f, "merge", s -> s.setTruncate(false));
    CassandraRestore done = f.awaitRestorePhase("merge", RestorePhase.Succeeded);
    assertThat(done.getStatus().getTruncated()).isNull();
    assertThat(done.getStatus().getMode()).isEqualTo("load");
    assertThat(done.getStatus().getNodes()).allSatisfy(n -> assertThat(n.getSources()).hasSize(1));
    assertThat(f.cluster().nodes).allSatisfy(s -> assertThat(s.starts("-truncate")).isZero());
  }

  /** Load mode with more target nodes than backed-up ones: the extra nodes stream nothing. */
  @Test
  void inLoadModeATargetNodeWithoutSourcesDownloadsAndStreamsNothing() {
    Fixture f = fixture(3, 1);
    f.cluster().nodes.forEach(s -> s.restoreMode = "load");
    f.cluster().backedUp = java.util.List.of(f.cluster().node(0).hostId);
    restore(f, "fewer-sources", s -> {});
    CassandraRestore done = f.awaitRestorePhase("fewer-sources", RestorePhase.Succeeded);
    assertThat(done.getStatus().getNodes().get(0).getSources())
        .containsExactly(f.cluster().node(0).hostId);
    assertThat(f.cluster().nodes.subList(1, 3))
        .allSatisfy(
            s -> {
              assertThat(s.starts("-download")).isZero();
              assertThat(s.starts("-import")).isZero();
            });
    assertThat(f.cluster().node(0).starts("-import")).isEqualTo(1);
  }

  /** Problem 3: a lowered rate limit reaches the running download live; nothing is re-sent. */
  @Test
  void loweringTheRateLimitOfARunningDownloadChangesItLiveAndFailsNothing() {
    Fixture f = fixture(2, 1);
    f.cluster().nodes.forEach(s -> s.hold("download"));
    restore(
        f,
        "throttled",
        s -> {
          s.setRateLimitMiBps(50.0);
          s.setBackoffLimit(0);
        });
    f.awaitRestore(
        "throttled",
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() == RestorePhase.Downloading
                && f.cluster().nodes.stream().allMatch(s -> s.op("-download") != null));
    edit(f, "throttled", s -> s.setRateLimitMiBps(5.0));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.cluster().nodes.stream().allMatch(s -> s.op("-download").rateLimit == 5.0));
    f.cluster().nodes.forEach(s -> s.finish("download", OperationState.SUCCEEDED));
    f.awaitRestorePhase("throttled", RestorePhase.Succeeded);
    assertThat(f.cluster().nameTaken).as("no start re-sent with a changed request").isEmpty();
    assertThat(f.cluster().nodes)
        .allSatisfy(
            s -> {
              assertThat(s.starts("-download")).isEqualTo(1);
              assertThat(s.calls).contains("rate " + s.op("-download").name + " 5.0");
            });
  }

  /**
   * Problem 2: a restore deleted while it imports keeps its finalizer until the import ends; past
   * nodeReadyTimeoutSeconds a Warning says how a step that hangs is ended.
   */
  @Test
  void aRestoreDeletedWhileImportingIsFollowedToTheEndOfTheImportThenGoes() {
    Fixture f = fixture(2, 1);
    f.cluster().nodes.forEach(s -> s.hold("import"));
    restore(f, "deleted-importing", s -> s.setNodeReadyTimeoutSeconds(1));
    f.awaitRestore(
        "deleted-importing",
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() == RestorePhase.Importing
                && f.cluster().nodes.stream().allMatch(s -> s.op("-import") != null));
    kubernetes
        .resources(CassandraRestore.class)
        .inNamespace(f.ns())
        .withName("deleted-importing")
        .delete();
    awaitWarning(f, "deleted-importing", "Waiting", "import on", "sidecar restarts");
    CassandraRestore held = f.getRestore("deleted-importing");
    assertThat(held).as("kept while the import runs").isNotNull();
    assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(f.cluster().nodes)
        .allSatisfy(s -> assertThat(s.op("-import").state).isEqualTo(OperationState.RUNNING));
    f.cluster().nodes.forEach(s -> s.finish("import", OperationState.SUCCEEDED));
    await().atMost(Duration.ofSeconds(20)).until(() -> f.getRestore("deleted-importing") == null);
    assertThat(BackupStateMachineTest.lease(f)).isNull();
  }

  /** A restore deleted before any truncation stops its downloads and goes at once. */
  @Test
  void aRestoreDeletedWhileDownloadingCancelsTheDownloads() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).hold("download");
    restore(f, "deleted-downloading", s -> {});
    f.awaitRestore(
        "deleted-downloading",
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() == RestorePhase.Downloading
                && f.cluster().node(0).op("-download") != null);
    kubernetes
        .resources(CassandraRestore.class)
        .inNamespace(f.ns())
        .withName("deleted-downloading")
        .delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> f.getRestore("deleted-downloading") == null);
    assertThat(f.cluster().node(0).op("-download").state).isEqualTo(OperationState.CANCELLED);
    assertThat(f.cluster().node(0).starts("-truncate")).isZero();
  }

  /**
   * The agent started the download but its answer was lost (a timeout), so the status never
   * recorded the operation, and then the restore is deleted: the finalizer still cancels the
   * download, by its name, rather than leave it running on the node.
   */
  @Test
  void aRestoreDeletedAfterADownloadStartWhoseAnswerWasLostCancelsThatDownload() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).hold("download");
    f.cluster().node(0).afterStart.put("download", deleteThenLoseTheAnswer(f, "deleted-starting"));
    restore(f, "deleted-starting", s -> {});
    await().atMost(Duration.ofSeconds(20)).until(() -> f.getRestore("deleted-starting") == null);
    assertThat(f.cluster().node(0).starts("-download")).isEqualTo(1);
    assertThat(f.cluster().node(0).op("-download").state).isEqualTo(OperationState.CANCELLED);
  }

  /**
   * The truncate's start answer is lost and the restore is deleted: the status records no truncate,
   * yet the finalizer finds it running by its name and waits for it; nothing after it starts.
   */
  @Test
  void aRestoreDeletedAsItsTruncateStartsWaitsForTheTruncate() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).hold("truncate");
    f.cluster().node(0).afterStart.put("truncate", deleteThenLoseTheAnswer(f, "truncating"));
    restore(f, "truncating", s -> {});
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              CassandraRestore r = f.getRestore("truncating");
              return r != null && r.getMetadata().getDeletionTimestamp() != null;
            });
    awaitFinalizerLooks(f.cluster().node(0), "-truncate", 2);
    assertThat(f.getRestore("truncating")).as("kept while the truncate runs").isNotNull();
    assertThat(f.cluster().node(0).op("-truncate").state).isEqualTo(OperationState.RUNNING);
    f.cluster().node(0).finish("truncate", OperationState.SUCCEEDED);
    await().atMost(Duration.ofSeconds(20)).until(() -> f.getRestore("truncating") == null);
    assertThat(f.cluster().node(0).starts("-import")).isZero();
    assertThat(BackupStateMachineTest.lease(f)).isNull();
  }

  /**
   * Deleted while it downloads and its only sidecar does not answer: nothing that cannot be stopped
   * has started, so it goes at once, not after nodeReadyTimeoutSeconds; the sidecar is asked once,
   * not once per step, and a Warning names it, since its download may still run.
   */
  @Test
  void aRestoreDeletedWhileDownloadingGoesAtOnceWhenItsSidecarDoesNotAnswer() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).hold("download");
    // Retries enough that the reconcile does not fail the restore (and cancel) before the deletion.
    restore(f, "unanswered", s -> s.setBackoffLimit(20));
    f.awaitRestore(
        "unanswered",
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() == RestorePhase.Downloading
                && f.cluster().node(0).op("-download") != null);
    ScriptedSidecar node = f.cluster().node(0);
    node.unreachable = true;
    int before = node.calls.size();
    kubernetes
        .resources(CassandraRestore.class)
        .inNamespace(f.ns())
        .withName("unanswered")
        .delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> f.getRestore("unanswered") == null);
    assertThat(BackupStateMachineTest.lease(f)).isNull();
    assertThat(node.calls.stream().skip(before))
        .as("asked once by the finalizer; the cancellation does not knock again")
        .noneMatch(c -> c.startsWith("cancel "));
    awaitWarning(f, "unanswered", "Cleanup", "unreachable (scripted)", "a download may still run");
  }

  /** Waits for a Warning Event on restore {@code name} with {@code reason} and every fragment. */
  private static void awaitWarning(Fixture f, String name, String reason, String... fragments) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                f.events(name).stream()
                    .anyMatch(
                        e ->
                            "Warning".equals(e.getType())
                                && reason.equals(e.getReason())
                                && Arrays.stream(fragments).allMatch(e.getMessage()::contains)));
  }

  /**
   * Waits until the finalizer has asked {@code node} about the step {@code suffix} {@code times}
   * more times from now: it has looked and kept the restore at least once in between.
   */
  private static void awaitFinalizerLooks(ScriptedSidecar node, String suffix, int times) {
    int from = node.calls.size();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                node.calls.stream()
                        .skip(from)
                        .filter(c -> c.startsWith("get ") && c.endsWith(suffix))
                        .count()
                    >= times);
  }

  /** Deletes the restore from inside the agent's start, then fails the start as a lost answer. */
  private Runnable deleteThenLoseTheAnswer(Fixture f, String name) {
    return () -> {
      kubernetes.resources(CassandraRestore.class).inNamespace(f.ns()).withName(name).delete();
      throw new SidecarException(0, null, "read timed out (scripted)", null);
    };
  }

  /** Downloading → Paused → Downloading. */
  @Test
  void suspendPausesTheDownloadsBeforeAnyTruncationAndResumes() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).hold("download");
    restore(f, "suspended", s -> {});
    f.awaitRestore(
        "suspended",
        r ->
            r.getStatus() != null
                && r.getStatus().getPhase() == RestorePhase.Downloading
                && f.cluster().node(0).op("-download") != null);
    edit(f, "suspended", s -> s.setSuspend(true));
    f.awaitRestorePhase("suspended", RestorePhase.Paused);
    assertThat(f.cluster().node(0).op("-download").state).isEqualTo(OperationState.PAUSED);
    assertThat(f.cluster().node(0).starts("-truncate")).isZero();
    edit(f, "suspended", s -> s.setSuspend(false));
    f.awaitRestorePhase("suspended", RestorePhase.Downloading);
    f.cluster().node(0).finish("download", OperationState.SUCCEEDED);
    f.awaitRestorePhase("suspended", RestorePhase.Succeeded);
  }

  /** Validating → Failed: what the agent refuses fails the restore with nothing changed. */
  @Test
  void aRefusedValidationFailsTheRestoreBeforeAnythingIsWritten() {
    Fixture f = fixture(2, 1);
    f.cluster().node(1).validateRefusal = "backup nightly is not complete";
    restore(f, "refused", s -> {});
    CassandraRestore failed = f.awaitRestorePhase("refused", RestorePhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("pod cass-1")
        .contains("not complete")
        .contains("nothing was changed");
    assertThat(f.cluster().nodes)
        .allSatisfy(
            s -> {
              assertThat(s.starts("-schema")).isZero();
              assertThat(s.starts("-download")).isZero();
            });
  }

  /** Pending → Failed: nothing is restored into a cluster with a node down. */
  @Test
  void aTargetNodeNotReadyIsWaitedForThenFailsTheRestoreNamingIt() {
    Fixture f = fixture(2, 1);
    f.podStatus(1, "Running", false);
    restore(f, "target-down", s -> s.setNodeReadyTimeoutSeconds(1));
    CassandraRestore failed = f.awaitRestorePhase("target-down", RestorePhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("pod cass-1")
        .contains("not Ready")
        .contains("nothing was changed");
    assertThat(f.cluster().nodes).allSatisfy(s -> assertThat(s.starts("-validate")).isZero());
  }

  /** Problem 4 for restores: a busy node waits; Importing → Failed past backoffLimit. */
  @Test
  void aBusyNodeWaitsAndAnImportFailingPastItsLimitFailsNamingWhatMayBeTouched() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).busyWith = "purge-of-something";
    f.cluster().node(0).failures.put("import", new AtomicInteger(10));
    restore(f, "broken-import", s -> s.setBackoffLimit(1));
    CassandraRestore waiting =
        f.awaitRestore(
            "broken-import",
            r ->
                r.getStatus() != null
                    && conditionIs(r.getStatus().getConditions(), "Waiting", "NodeBusy"));
    assertThat(waiting.getStatus().getNodes().get(0).getFailures()).isZero();
    f.cluster().node(0).busyWith = null;
    CassandraRestore failed = f.awaitRestorePhase("broken-import", RestorePhase.Failed);
    assertThat(condition(failed.getStatus().getConditions(), "Failed").getMessage())
        .contains("failed 2 times")
        .contains("tables may be truncated or partly imported");
  }

  /** RestoringSchema | Downloading | Truncating → Failed, past backoffLimit. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"schema", "download", "truncate"})
  void aStepThatKeepsFailingFailsTheRestoreNamingThePod(String step) {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).failures.put(step, new AtomicInteger(10));
    restore(f, "failing-" + step, s -> s.setBackoffLimit(1));
    CassandraRestore failed = f.awaitRestorePhase("failing-" + step, RestorePhase.Failed);
    String message = condition(failed.getStatus().getConditions(), "Failed").getMessage();
    assertThat(message)
        .contains("pod cass-0 failed 2 times")
        .contains("scripted failure of " + step);
    assertThat(f.cluster().node(0).op("-" + step).attempts)
        .as(
            "retried once: %s %s",
            f.cluster().node(0).calls,
            io.fabric8.kubernetes.client.utils.Serialization.asYaml(failed.getStatus()))
        .isEqualTo(2);
    if (step.equals("truncate")) {
      assertThat(message).contains("tables may be truncated");
    } else {
      assertThat(message).doesNotContain("truncated");
      assertThat(f.cluster().node(0).starts("-truncate")).isZero();
    }
  }

  /** Restore and backup of one cluster never overlap: the restore waits for the backup's lock. */
  @Test
  void aRestoreWaitsWhileABackupOfTheClusterRuns() {
    Fixture f = fixture(1, 1);
    f.cluster().node(0).hold("upload");
    f.backup("running", s -> {});
    f.awaitBackupPhase("running", BackupPhase.Uploading);
    restore(f, "later", s -> {});
    f.awaitRestore(
        "later",
        r ->
            r.getStatus() != null
                && conditionIs(r.getStatus().getConditions(), "Waiting", "ClusterBusy"));
    assertThat(f.cluster().node(0).starts("-validate")).isZero();
    f.cluster().node(0).finish("upload", OperationState.SUCCEEDED);
    f.awaitBackupPhase("running", BackupPhase.Succeeded);
    f.awaitRestorePhase("later", RestorePhase.Succeeded);
  }
}
