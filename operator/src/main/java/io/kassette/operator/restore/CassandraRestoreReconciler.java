package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kassette.api.NodeDescription;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.Conditions;
import io.kassette.operator.EventReason;
import io.kassette.operator.EventRecorder;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.SidecarConnector;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.CassandraRestoreSpec;
import io.kassette.operator.api.CassandraRestoreStatus;
import io.kassette.operator.api.NodeBackupStatus;
import io.kassette.operator.api.NodeRestoreStatus;
import io.kassette.operator.api.RestorePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup into a cluster, online, from one CassandraRestore: observe → validate → act,
 * one step of the phase per reconciliation, everything needed to continue in the status. The steps
 * run through the sidecars as separate operations named from the resource's name and UID: validate
 * on every node, schema once, download on every node, truncate once (only after every node holds
 * its verified files), import on every node. A re-sent step returns its operation, so a restarted
 * operator never truncates twice, and a finished restore is never run again.
 */
@ControllerConfiguration(name = "cassandrarestore")
public final class CassandraRestoreReconciler
    implements Reconciler<CassandraRestore>, Cleaner<CassandraRestore> {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraRestoreReconciler.class);
  private static final Pattern LOCATION =
      Pattern.compile("((s3|gs)://[a-z0-9][a-z0-9._-]{1,220}(/\\S*)?|file:///\\S+)");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private final KubernetesClient kubernetes;
  private final ClusterPods pods;
  private final EventRecorder events;
  private final Duration poll;
  private final Duration retryBase;

  public CassandraRestoreReconciler(
      KubernetesClient kubernetes,
      SidecarConnector sidecars,
      EventRecorder events,
      Duration poll,
      Duration retryBase) {
    this.kubernetes = kubernetes;
    this.pods = new ClusterPods(kubernetes, sidecars);
    this.events = events;
    this.poll = poll;
    this.retryBase = retryBase;
  }

  @Override
  public UpdateControl<CassandraRestore> reconcile(
      CassandraRestore restore, Context<CassandraRestore> context) {
    CassandraRestoreStatus status =
        restore.getStatus() == null ? new CassandraRestoreStatus() : restore.getStatus();
    restore.setStatus(status);
    String before = Reconciliations.fingerprint(status);
    if (status.getPhase() == null) {
      status.setPhase(RestorePhase.Pending);
    }
    boolean again = false;
    if (!status.getPhase().finished()) {
      List<String> problems = problems(restore.getSpec());
      if (!problems.isEmpty()) {
        fail(restore, status, "InvalidSpec", String.join("; ", problems));
      } else {
        act(restore, status);
        again = !status.getPhase().finished();
      }
    }
    status.setObservedGeneration(restore.getMetadata().getGeneration());
    summarize(status);
    return Reconciliations.patchIfChanged(restore, before, status, again, poll);
  }

  static List<String> problems(CassandraRestoreSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is required");
    }
    if (spec.getBackupRef() == null && (spec.getBackup() == null || spec.getLocation() == null)) {
      problems.add("set spec.backupRef, or spec.backup and spec.location");
    }
    if (spec.getLocation() != null && !LOCATION.matcher(spec.getLocation()).matches()) {
      problems.add(
          "spec.location '"
              + spec.getLocation()
              + "' is invalid: use s3://bucket/prefix, gs://bucket/prefix or file:///path");
    }
    if (spec.getBackup() != null && !NAME.matcher(spec.getBackup()).matches()) {
      problems.add("spec.backup '" + spec.getBackup() + "' is not a backup name");
    }
    if (spec.getCluster() == null
        || spec.getCluster().getName() == null
        || spec.getCluster().getPodSelector() == null
        || spec.getCluster().getPodSelector().isEmpty()
        || spec.getCluster().getSidecar() == null
        || spec.getCluster().getSidecar().getTokenSecret() == null) {
      problems.add("spec.cluster needs name, podSelector and sidecar.tokenSecret");
    }
    if (spec.getMode() != null && !spec.getMode().matches("auto|import|load")) {
      problems.add("spec.mode must be auto, import or load, got '" + spec.getMode() + "'");
    }
    if (spec.getParallel() != null && spec.getParallel() < 1) {
      problems.add("spec.parallel must be at least 1, got " + spec.getParallel());
    }
    if (spec.getFilesParallel() != null
        && (spec.getFilesParallel() < 1 || spec.getFilesParallel() > 256)) {
      problems.add("spec.filesParallel must be 1 to 256, got " + spec.getFilesParallel());
    }
    return problems;
  }

  private void act(CassandraRestore restore, CassandraRestoreStatus status) {
    boolean suspend = Boolean.TRUE.equals(restore.getSpec().getSuspend());
    switch (status.getPhase()) {
      case Pending -> pending(restore, status);
      case Validating -> validating(restore, status);
      case RestoringSchema -> once(restore, status, "schema", RestorePhase.Downloading);
      case Downloading -> {
        if (suspend) {
          pause(restore, status);
        } else {
          perNode(restore, status, "download", "Downloading", "Downloaded");
        }
      }
      case Truncating -> once(restore, status, "truncate", RestorePhase.Importing);
      case Importing -> perNode(restore, status, "import", "Importing", "Imported");
      case Paused -> {
        if (!suspend) {
          resume(restore, status);
        }
      }
      default -> {
        // Succeeded and Failed are final
      }
    }
  }

  // ---- Pending: which backup, which nodes ------------------------------------------------

  private void pending(CassandraRestore restore, CassandraRestoreStatus status) {
    CassandraRestoreSpec spec = restore.getSpec();
    if (spec.getBackupRef() != null) {
      CassandraBackup backup =
          kubernetes
              .resources(CassandraBackup.class)
              .inNamespace(restore.getMetadata().getNamespace())
              .withName(spec.getBackupRef())
              .get();
      if (backup == null) {
        fail(
            restore,
            status,
            "BackupNotFound",
            "CassandraBackup "
                + spec.getBackupRef()
                + " does not exist here; to restore from the bucket alone, set spec.backup and"
                + " spec.location instead");
        return;
      }
      BackupPhase phase = backup.getStatus() == null ? null : backup.getStatus().getPhase();
      if (phase != BackupPhase.Succeeded) {
        fail(
            restore,
            status,
            "BackupNotComplete",
            "CassandraBackup "
                + spec.getBackupRef()
                + " is "
                + (phase == null ? "not started" : phase)
                + ": only a Succeeded backup can be restored; nothing was changed");
        return;
      }
      Set<String> locations = new LinkedHashSet<>();
      backup.getStatus().getNodes().stream()
          .map(NodeBackupStatus::getLocation)
          .forEach(locations::add);
      if (locations.size() != 1) {
        fail(
            restore,
            status,
            "SeveralLocations",
            "CassandraBackup "
                + spec.getBackupRef()
                + " spans the locations "
                + locations
                + ": restore one datacenter at a time with spec.backup and spec.location");
        return;
      }
      status.setBackupName(backup.getStatus().getBackupName());
      status.setLocation(locations.iterator().next());
      status.setSourceCluster(backup.getSpec().getCluster().getName());
    } else {
      status.setBackupName(spec.getBackup());
      status.setLocation(spec.getLocation());
      status.setSourceCluster(
          spec.getSourceCluster() != null ? spec.getSourceCluster() : spec.getCluster().getName());
    }
    Map<String, Pod> running = running(restore);
    if (running.isEmpty()) {
      Conditions.set(
          status.getConditions(),
          "Waiting",
          true,
          "NoPods",
          "no running pod with an IP matches podSelector " + spec.getCluster().getPodSelector(),
          generation(restore));
      return;
    }
    for (Pod pod : running.values()) {
      NodeRestoreStatus node = node(status, pod.getMetadata().getName());
      if (node.getHostId() != null || !due(node)) {
        continue;
      }
      try {
        NodeDescription d = sidecar(restore, pod).node();
        node.setHostId(d.hostId());
        node.setDatacenter(d.datacenter());
        node.setError(null);
      } catch (RuntimeException e) {
        if (nodeFailed(restore, status, node, ClusterPods.message(e))) {
          return;
        }
      }
    }
    if (status.getNodes().stream().allMatch(n -> n.getHostId() != null)) {
      status.setStartTime(Instant.now().toString());
      status.getNodes().forEach(n -> n.setFailures(0));
      moveTo(
          restore,
          status,
          RestorePhase.Validating,
          EventReason.Started,
          "restoring backup "
              + status.getBackupName()
              + " from "
              + status.getLocation()
              + " into "
              + status.getNodes().size()
              + " nodes");
    }
  }

  // ---- Validating: every node checks; the mapping is chosen ------------------------------

  private void validating(CassandraRestore restore, CassandraRestoreStatus status) {
    Map<String, Pod> running = running(restore);
    String name = ClusterPods.operationName(restore, "validate");
    List<String> loadSources = new ArrayList<>();
    boolean anyLoad = false;
    for (NodeRestoreStatus node : status.getNodes()) {
      Pod pod = running.get(node.getPod());
      if (pod == null) {
        return; // waits for the pod; a restore does not fail on a rolling restart
      }
      try {
        Operation op = start(restore, status, pod, node, name, "validate");
        if (op.state() == OperationState.FAILED) {
          fail(
              restore,
              status,
              "ValidationFailed",
              "pod " + node.getPod() + ": " + lastError(op) + "; nothing was changed");
          return;
        }
        if (op.state() != OperationState.SUCCEEDED) {
          return;
        }
        node.setState("Validated");
        String mode = String.valueOf(op.summary().get("mode"));
        List<String> sources = hostIds(op.summary().get("sourceHostIds"));
        node.getSources().clear();
        node.getSources().addAll(sources);
        if ("load".equals(mode)) {
          anyLoad = true;
          sources.stream().filter(s -> !loadSources.contains(s)).forEach(loadSources::add);
        }
        if (op.summary().get("bytes") instanceof Number n) {
          node.setBytesTotal(n.longValue());
        }
      } catch (RuntimeException e) {
        nodeFailed(restore, status, node, ClusterPods.message(e));
        return;
      }
    }
    if (anyLoad) {
      // Another topology: every backed-up node's files are streamed once, spread over the nodes.
      status.setMode("load");
      List<NodeRestoreStatus> nodes = status.getNodes();
      nodes.forEach(n -> n.getSources().clear());
      loadSources.sort(null);
      for (int i = 0; i < loadSources.size(); i++) {
        nodes.get(i % nodes.size()).getSources().add(loadSources.get(i));
      }
    } else {
      status.setMode("import");
    }
    moveTo(
        restore,
        status,
        RestorePhase.RestoringSchema,
        EventReason.Validated,
        "validated on every node; "
            + status.getMode()
            + " mode: "
            + status.getNodes().stream().map(n -> n.getPod() + "<-" + n.getSources()).toList());
  }

  // ---- Steps -------------------------------------------------------------------------------

  /** A cluster-wide step run by the first node: schema, truncate. */
  private void once(
      CassandraRestore restore, CassandraRestoreStatus status, String step, RestorePhase next) {
    Map<String, Pod> running = running(restore);
    NodeRestoreStatus first =
        status.getNodes().stream()
            .filter(n -> running.containsKey(n.getPod()))
            .findFirst()
            .orElse(null);
    if (first == null) {
      return;
    }
    String name = ClusterPods.operationName(restore, step);
    try {
      Operation op = start(restore, status, running.get(first.getPod()), first, name, step);
      switch (op.state()) {
        case SUCCEEDED -> {
          if ("truncate".equals(step)) {
            status.setTruncated(true);
          }
          moveTo(
              restore,
              status,
              next,
              "truncate".equals(step) ? EventReason.Truncated : EventReason.SchemaCreated,
              "truncate".equals(step)
                  ? "tables truncated once, every node holding its verified files"
                  : "missing keyspaces and tables created");
        }
        case FAILED -> {
          if (nodeFailed(restore, status, first, lastError(op))) {
            return;
          }
          retry(restore, running.get(first.getPod()), name);
        }
        default -> {
          // look again at the next poll
        }
      }
    } catch (RuntimeException e) {
      nodeFailed(restore, status, first, ClusterPods.message(e));
    }
  }

  /** A per-node step (download, import), {@code spec.parallel} nodes at once. */
  private void perNode(
      CassandraRestore restore,
      CassandraRestoreStatus status,
      String step,
      String working,
      String done) {
    Map<String, Pod> running = running(restore);
    int limit = restore.getSpec().getParallel() == null ? 2 : restore.getSpec().getParallel();
    String name = ClusterPods.operationName(restore, step);
    for (NodeRestoreStatus node : status.getNodes()) {
      if (done.equals(node.getState())) {
        continue;
      }
      long inFlight = status.getNodes().stream().filter(n -> working.equals(n.getState())).count();
      if (!working.equals(node.getState()) && inFlight >= limit) {
        continue;
      }
      Pod pod = running.get(node.getPod());
      if (pod == null || !due(node)) {
        continue;
      }
      try {
        Operation op = start(restore, status, pod, node, name, step);
        node.setState(working);
        node.setOperation(name);
        if ("download".equals(step)) {
          node.setFilesTotal(op.progress().filesTotal());
          node.setFilesDone(op.progress().filesDone());
          node.setBytesTotal(op.progress().bytesTotal());
          node.setBytesDone(op.progress().bytesDone());
        }
        switch (op.state()) {
          case SUCCEEDED -> {
            node.setState(done);
            node.setError(null);
          }
          case FAILED -> {
            if (nodeFailed(restore, status, node, lastError(op))) {
              return;
            }
            retry(restore, pod, name);
          }
          case PAUSED -> sidecar(restore, pod).resume(OperationKind.RESTORE, name);
          default -> {
            // look again at the next poll
          }
        }
      } catch (RuntimeException e) {
        if (nodeFailed(restore, status, node, ClusterPods.message(e))) {
          return;
        }
      }
    }
    if (status.getNodes().stream().allMatch(n -> done.equals(n.getState()))) {
      if ("download".equals(step)) {
        boolean truncate = !Boolean.FALSE.equals(restore.getSpec().getTruncate());
        moveTo(
            restore,
            status,
            truncate ? RestorePhase.Truncating : RestorePhase.Importing,
            EventReason.Downloaded,
            "every node holds its verified files");
      } else {
        status.setCompletionTime(Instant.now().toString());
        Conditions.set(
            status.getConditions(), "Ready", true, "Succeeded", "restored", generation(restore));
        moveTo(
            restore,
            status,
            RestorePhase.Succeeded,
            EventReason.Succeeded,
            "backup "
                + status.getBackupName()
                + " restored into "
                + status.getNodes().size()
                + " nodes ("
                + status.getMode()
                + ")");
      }
    }
  }

  /** Starts (or finds) the step's operation on a node. */
  private Operation start(
      CassandraRestore restore,
      CassandraRestoreStatus status,
      Pod pod,
      NodeRestoreStatus node,
      String name,
      String step) {
    CassandraRestoreSpec spec = restore.getSpec();
    String mode =
        status.getMode() != null
            ? status.getMode()
            : spec.getMode() == null ? "auto" : spec.getMode();
    RestoreOperationRequest request =
        RestoreOperationRequest.of(
                name, status.getLocation(), status.getSourceCluster(), status.getBackupName())
            .withTransfer(
                spec.getKeyspaces() == null || spec.getKeyspaces().isBlank()
                    ? null
                    : spec.getKeyspaces(),
                !Boolean.FALSE.equals(spec.getTruncate()),
                spec.getFilesParallel() == null ? 4 : spec.getFilesParallel(),
                spec.getRateLimitMiBps() == null ? 0 : spec.getRateLimitMiBps(),
                spec.getRenames())
            .withSources(
                "validate".equals(step) || node.getSources().isEmpty()
                    ? null
                    : String.join(",", node.getSources()),
                mode)
            .withReplication(spec.getReplication())
            // validated before the schema step; tables it created have new ids
            .withIgnoreTableIds(!"validate".equals(step))
            .forStep(name, step);
    return sidecar(restore, pod).startRestore(request);
  }

  private void retry(CassandraRestore restore, Pod pod, String name) {
    try {
      sidecar(restore, pod).resume(OperationKind.RESTORE, name);
    } catch (SidecarException e) {
      LOG.debug("retry of {}: {}", name, e.getMessage());
    }
  }

  // ---- Paused ------------------------------------------------------------------------------

  private void pause(CassandraRestore restore, CassandraRestoreStatus status) {
    Map<String, Pod> running = running(restore);
    for (NodeRestoreStatus node : status.getNodes()) {
      if ("Downloading".equals(node.getState()) && running.containsKey(node.getPod())) {
        try {
          sidecar(restore, running.get(node.getPod()))
              .pause(OperationKind.RESTORE, node.getOperation());
        } catch (SidecarException e) {
          LOG.debug("pause of {}: {}", node.getOperation(), e.getMessage());
        }
      }
    }
    status.setPausedFrom(status.getPhase().name());
    moveTo(
        restore,
        status,
        RestorePhase.Paused,
        EventReason.Paused,
        "suspended before any truncation");
  }

  private void resume(CassandraRestore restore, CassandraRestoreStatus status) {
    Map<String, Pod> running = running(restore);
    for (NodeRestoreStatus node : status.getNodes()) {
      if ("Downloading".equals(node.getState()) && running.containsKey(node.getPod())) {
        try {
          sidecar(restore, running.get(node.getPod()))
              .resume(OperationKind.RESTORE, node.getOperation());
        } catch (SidecarException e) {
          LOG.debug("resume of {}: {}", node.getOperation(), e.getMessage());
        }
      }
    }
    RestorePhase from = RestorePhase.valueOf(status.getPausedFrom());
    status.setPausedFrom(null);
    moveTo(restore, status, from, EventReason.Resumed, "resumed");
  }

  // ---- Failure, deletion -------------------------------------------------------------------

  private boolean nodeFailed(
      CassandraRestore restore,
      CassandraRestoreStatus status,
      NodeRestoreStatus node,
      String error) {
    int failures = (node.getFailures() == null ? 0 : node.getFailures()) + 1;
    node.setFailures(failures);
    node.setError(error);
    status.setFailures((status.getFailures() == null ? 0 : status.getFailures()) + 1);
    int limit =
        restore.getSpec().getBackoffLimit() == null ? 3 : restore.getSpec().getBackoffLimit();
    if (failures > limit) {
      node.setState("Failed");
      fail(
          restore,
          status,
          "NodeFailed",
          "pod " + node.getPod() + " failed " + failures + " times: " + error);
      return true;
    }
    Duration wait = Reconciliations.backoff(retryBase, failures);
    node.setNextAttemptTime(Instant.now().plus(wait).toString());
    events.warning(
        restore,
        EventReason.NodeRetrying,
        "pod " + node.getPod() + ": " + error + "; retry " + failures + " of " + limit);
    return false;
  }

  private void fail(
      CassandraRestore restore, CassandraRestoreStatus status, String reason, String message) {
    RestorePhase at = status.getPhase();
    boolean touched = at == RestorePhase.Truncating || at == RestorePhase.Importing;
    String full =
        touched
            ? message + " (tables may be truncated or partly imported: run the restore again)"
            : message;
    status.setCompletionTime(Instant.now().toString());
    Conditions.set(status.getConditions(), "Failed", true, reason, full, generation(restore));
    Conditions.set(
        status.getConditions(), "Ready", false, reason, "not restored", generation(restore));
    moveTo(
        restore,
        status,
        RestorePhase.Failed,
        "InvalidSpec".equals(reason) ? EventReason.InvalidSpec : EventReason.Failed,
        full);
    cancelDownloads(restore, status);
  }

  /** Stops downloads in flight (their staging is deleted by the sidecar); best effort. */
  private void cancelDownloads(CassandraRestore restore, CassandraRestoreStatus status) {
    Map<String, Pod> running = running(restore);
    for (NodeRestoreStatus node : status.getNodes()) {
      if (running.containsKey(node.getPod()) && node.getOperation() != null) {
        try {
          sidecar(restore, running.get(node.getPod()))
              .cancel(OperationKind.RESTORE, node.getOperation());
        } catch (RuntimeException e) {
          LOG.debug("cancel of {}: {}", node.getOperation(), e.getMessage());
        }
      }
    }
  }

  /** Keeps the resource while a download runs, and stops it; an import is left to finish. */
  @Override
  public DeleteControl cleanup(CassandraRestore restore, Context<CassandraRestore> context) {
    CassandraRestoreStatus status = restore.getStatus();
    if (status != null && status.getPhase() != null && !status.getPhase().finished()) {
      if (status.getPhase() == RestorePhase.Importing
          || status.getPhase() == RestorePhase.Truncating) {
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(poll);
      }
      cancelDownloads(restore, status);
    }
    return DeleteControl.defaultDelete();
  }

  // ---- State -------------------------------------------------------------------------------

  /** The one place the phase changes; every change is an Event. */
  private void moveTo(
      CassandraRestore restore,
      CassandraRestoreStatus status,
      RestorePhase phase,
      EventReason reason,
      String message) {
    RestorePhase from = status.getPhase();
    status.setPhase(phase);
    if (!phase.finished() && phase != RestorePhase.Paused) {
      Conditions.set(
          status.getConditions(), "Progressing", true, phase.name(), message, generation(restore));
    }
    if (phase == RestorePhase.Failed) {
      events.warning(restore, reason, message);
    } else {
      events.normal(restore, reason, message);
    }
    LOG.info(
        "[{}/{}] {} → {}: {}",
        restore.getMetadata().getNamespace(),
        restore.getMetadata().getName(),
        from,
        phase,
        message);
  }

  private static void summarize(CassandraRestoreStatus status) {
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

  private static String lastError(Operation op) {
    return op.errors().isEmpty()
        ? "operation failed"
        : op.errors().get(op.errors().size() - 1).message();
  }

  @SuppressWarnings("unchecked")
  private static List<String> hostIds(Object value) {
    return value instanceof List<?> l ? new ArrayList<>((List<String>) l) : new ArrayList<>();
  }

  private static NodeRestoreStatus node(CassandraRestoreStatus status, String pod) {
    for (NodeRestoreStatus n : status.getNodes()) {
      if (pod.equals(n.getPod())) {
        return n;
      }
    }
    NodeRestoreStatus n = new NodeRestoreStatus();
    n.setPod(pod);
    n.setState("Pending");
    n.setFailures(0);
    status.getNodes().add(n);
    status.getNodes().sort(Comparator.comparing(NodeRestoreStatus::getPod));
    return n;
  }

  private static boolean due(NodeRestoreStatus node) {
    return Reconciliations.due(node.getNextAttemptTime());
  }

  private Map<String, Pod> running(CassandraRestore restore) {
    return pods.running(restore.getMetadata().getNamespace(), restore.getSpec().getCluster());
  }

  private SidecarClient sidecar(CassandraRestore restore, Pod pod) {
    return pods.sidecar(restore.getMetadata().getNamespace(), pod, restore.getSpec().getCluster());
  }

  private static Long generation(CassandraRestore restore) {
    return restore.getMetadata().getGeneration();
  }
}
