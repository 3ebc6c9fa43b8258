package io.kassette.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kassette.api.OperationProgress;
import io.kassette.api.RestoreResult;
import io.kassette.node.NodeAccess;
import io.kassette.restore.RestoreProgress;
import io.kassette.restore.RestoreRequest;
import io.kassette.restore.RestoreService;
import io.kassette.restore.RestoreSources;
import io.kassette.restore.RestoreSummary;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import java.util.EnumSet;
import java.util.Locale;

/** A restore operation's run: the same engine as {@code kassette restore}. */
final class RestoreRun implements EngineRun {
  // Past the download the tables are being truncated and imported: stopping there would leave a
  // table half restored, so the run goes on to its end.
  private static final EnumSet<RestoreProgress.Phase> STOPPABLE =
      EnumSet.of(
          RestoreProgress.Phase.PLAN, RestoreProgress.Phase.SCHEMA, RestoreProgress.Phase.DOWNLOAD);

  private final RestoreRequest request;
  private final StorageLocation location;
  private final StorageOptions storage;
  private final NodeConnector node;
  private final ObjectMapper json;
  private final RestoreSources sources;
  private final RestoreProgress progress = new RestoreProgress();

  RestoreRun(
      RestoreRequest request,
      StorageLocation location,
      StorageOptions storage,
      NodeConnector node,
      ObjectMapper json,
      RestoreSources sources) {
    this.request = request;
    this.location = location;
    this.storage = storage;
    this.node = node;
    this.json = json;
    this.sources = sources;
  }

  @Override
  public RestoreResult execute() throws Exception {
    try (ObjectStore store = ObjectStores.open(location, storage);
        NodeAccess access = node.connect()) {
      RestoreSummary s =
          new RestoreService(store, access, node.cqlSchema(), sources).run(request, progress);
      return new RestoreResult(
          s.mode(),
          s.sourceHostIds(),
          s.targetHostId(),
          s.tables(),
          s.files(),
          s.bytes(),
          s.schemaCreated(),
          s.truncated(),
          s.merged(),
          s.durationMillis());
    }
  }

  @Override
  public void setRateLimit(double mibPerSecond) {
    progress.rateLimit().set(mibPerSecond);
  }

  @Override
  public OperationProgress progress() {
    RestoreProgress.Snapshot s = progress.snapshot();
    double percent =
        s.bytesTotal() == 0
            ? (s.phase() == RestoreProgress.Phase.DONE ? 100 : 0)
            : 100.0 * s.bytesDone() / s.bytesTotal();
    return new OperationProgress(
        s.filesTotal(),
        s.filesDone(),
        0,
        s.bytesTotal(),
        s.bytesDone(),
        0,
        s.rateBytesPerSecond(),
        percent,
        BackupRun.tables(s.tables()));
  }

  @Override
  public String phase() {
    return progress.phase().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean stoppable() {
    return STOPPABLE.contains(progress.phase());
  }

  @Override
  public void stop(boolean pause) {
    progress.requestStop();
  }

  @Override
  public Transferred transferred() {
    RestoreProgress.Snapshot s = progress.snapshot();
    return new Transferred(0, 0, s.bytesDone(), s.filesDone(), 0, 0);
  }
}
