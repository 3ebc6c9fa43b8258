package io.kassette.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kassette.api.OperationProgress;
import io.kassette.api.PurgeRequest;
import io.kassette.api.PurgeResult;
import io.kassette.backup.BackupPurge;
import io.kassette.backup.PurgeProgress;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A purge operation's run: the same engine as {@code kassette purge}. Stopping it between batches
 * is always safe: a later purge (or a resume) finishes what it started.
 */
final class PurgeRun implements EngineRun {
  private static final Logger LOG = LoggerFactory.getLogger(PurgeRun.class);

  private final PurgeRequest request;
  private final BackupPurge.Policy policy;
  private final StorageLocation location;
  private final StorageOptions storage;
  private final ObjectMapper json;
  private final PurgeProgress progress = new PurgeProgress();

  PurgeRun(
      PurgeRequest request,
      BackupPurge.Policy policy,
      StorageLocation location,
      StorageOptions storage,
      ObjectMapper json) {
    this.request = request;
    this.policy = policy;
    this.location = location;
    this.storage = storage;
    this.json = json;
  }

  @Override
  public PurgeResult execute() throws Exception {
    try (ObjectStore store = ObjectStores.open(location, storage)) {
      BackupPurge.Result r =
          new BackupPurge(store, request.cluster())
              .purge(policy, request.dryRun(), Instant.now(), progress);
      return result(r, request);
    }
  }

  /** The wire form of what a purge did, logged once. */
  static PurgeResult result(BackupPurge.Result r, PurgeRequest request) {
    LOG.info(
        "purge of {} in {}: expired {}, incomplete {}, {} objects, {} bytes{}",
        request.cluster(),
        request.location(),
        r.expired(),
        r.incomplete(),
        r.objects(),
        r.bytes(),
        r.dryRun() ? " (dry run)" : "");
    return new PurgeResult(
        r.dryRun(), r.kept(), r.expired(), r.incomplete(), r.objects(), r.bytes());
  }

  @Override
  public OperationProgress progress() {
    long total = progress.objectsTotal();
    long done = progress.objectsDone();
    return new OperationProgress(
        total,
        done,
        0,
        progress.bytesTotal(),
        0,
        0,
        0,
        total == 0 ? 0 : Math.min(100.0, 100.0 * done / total),
        Map.of());
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
    progress.requestStop();
  }

  @Override
  public Transferred transferred() {
    return Transferred.NONE;
  }
}
