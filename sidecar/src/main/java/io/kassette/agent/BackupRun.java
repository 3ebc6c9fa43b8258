package io.kassette.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kassette.api.BackupResult;
import io.kassette.api.OperationProgress;
import io.kassette.backup.BackupProgress;
import io.kassette.backup.BackupRequest;
import io.kassette.backup.BackupService;
import io.kassette.backup.BackupSummary;
import io.kassette.backup.NodeManifest;
import io.kassette.node.NodeAccess;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A backup operation's run: the same engine as {@code kassette backup}. */
final class BackupRun implements EngineRun {
  private final BackupRequest request;
  private final boolean snapshotOnly;
  private final StorageLocation location;
  private final StorageOptions storage;
  private final NodeConnector node;
  private final ObjectMapper json;
  private final BackupProgress progress = new BackupProgress();

  BackupRun(
      BackupRequest request,
      boolean snapshotOnly,
      StorageLocation location,
      StorageOptions storage,
      NodeConnector node,
      ObjectMapper json) {
    this.request = request;
    this.snapshotOnly = snapshotOnly;
    this.location = location;
    this.storage = storage;
    this.node = node;
    this.json = json;
  }

  @Override
  public BackupResult execute() throws Exception {
    try (ObjectStore store = ObjectStores.open(location, storage);
        NodeAccess access = node.connect()) {
      BackupService service = new BackupService(store, access, node.cqlSchema());
      if (snapshotOnly) {
        int tables = service.snapshot(request, progress);
        return BackupResult.snapshot(request.snapshotTag(), tables);
      }
      return result(service.run(request, progress));
    }
  }

  /** The engine's summary in its wire form. */
  static BackupResult result(BackupSummary s) {
    NodeManifest.Totals t = s.totals();
    return new BackupResult(
        false,
        null,
        s.tables(),
        new BackupResult.Totals(
            t.files(),
            t.bytes(),
            t.uploadedFiles(),
            t.uploadedBytes(),
            t.skippedFiles(),
            t.skippedBytes()),
        s.nodeManifestKey(),
        s.alreadyComplete(),
        s.warnings(),
        s.phaseMillis());
  }

  @Override
  public void setRateLimit(double mibPerSecond) {
    progress.rateLimit().set(mibPerSecond);
  }

  @Override
  public OperationProgress progress() {
    BackupProgress.Snapshot s = progress.snapshot();
    return new OperationProgress(
        s.filesTotal(),
        s.filesDone(),
        s.filesSkipped(),
        s.bytesTotal(),
        s.bytesDone(),
        s.bytesSkipped(),
        s.rateBytesPerSecond(),
        s.percent(),
        tables(s.tables()));
  }

  static Map<String, OperationProgress.TableProgress> tables(
      Map<String, BackupProgress.TableProgress> engine) {
    Map<String, OperationProgress.TableProgress> tables = new TreeMap<>();
    engine.forEach(
        (k, v) ->
            tables.put(k, new OperationProgress.TableProgress(v.bytesTotal(), v.bytesDone())));
    return tables;
  }

  @Override
  public String phase() {
    return progress.phase().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean stoppable() {
    return true;
  }

  @Override
  public void stop(boolean pause) {
    progress.requestStop(pause);
  }

  @Override
  public Transferred transferred() {
    BackupProgress.Snapshot s = progress.snapshot();
    return new Transferred(
        s.bytesUploaded(), s.filesUploaded(), 0, 0, s.bytesSkipped(), s.filesSkipped());
  }

  /** Clears the snapshot a paused run kept, when its operation is cancelled. */
  static void discardSnapshot(NodeConnector node, BackupRequest request) throws Exception {
    try (NodeAccess access = node.connect()) {
      new BackupService(null, access, null).clearSnapshot(request.snapshotTag());
    }
  }
}
