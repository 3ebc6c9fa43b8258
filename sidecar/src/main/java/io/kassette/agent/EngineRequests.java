package io.kassette.agent;

import io.kassette.api.BackupOperationRequest;
import io.kassette.api.PurgeRequest;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.backup.BackupPurge;
import io.kassette.backup.BackupRequest;
import io.kassette.backup.BucketLayout;
import io.kassette.backup.Durations;
import io.kassette.backup.Mode;
import io.kassette.backup.Selection;
import io.kassette.node.TableRef;
import io.kassette.restore.RestoreRequest;
import io.kassette.storage.RateLimit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns wire requests into engine requests, refusing bad fields with a 400 that names the field.
 * The engine's own checks speak in CLI flags; here every message speaks in request fields.
 */
final class EngineRequests {
  private final int maxParallel;
  private final NodeConnector node;
  private final long restoreKeepFreeBytes;
  private final AllowedLocations allowed;

  EngineRequests(
      int maxParallel, NodeConnector node, long restoreKeepFreeBytes, AllowedLocations allowed) {
    this.maxParallel = maxParallel;
    this.node = node;
    this.restoreKeepFreeBytes = restoreKeepFreeBytes;
    this.allowed = allowed;
  }

  BackupRequest backup(BackupOperationRequest r) throws ApiException {
    common(r.name(), r.location(), r.cluster(), r.parallel(), r.rateLimitMiBps());
    field("backup", () -> BucketLayout.requireName("backup", r.backup()));
    Selection selection = field("keyspaces", () -> Selection.parse(r.keyspaces()));
    Mode mode =
        field(
            "mode",
            () -> {
              try {
                return Mode.valueOf(r.mode().toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "mode must be differential or full, got '" + r.mode() + "'");
              }
            });
    return new BackupRequest(
        r.cluster(),
        r.backup(),
        selection,
        mode,
        r.parallel(),
        r.rateLimitMiBps(),
        r.keepSnapshot(),
        r.commit(),
        node.dataDirectories(),
        r.owner());
  }

  RestoreRequest restore(RestoreOperationRequest r) throws ApiException {
    common(r.name(), r.location(), r.cluster(), r.parallel(), r.rateLimitMiBps());
    field("backup", () -> BucketLayout.requireName("backup", r.backup()));
    Selection selection = field("keyspaces", () -> Selection.parse(r.keyspaces()));
    RestoreRequest.Mode mode =
        field(
            "mode",
            () -> {
              try {
                return RestoreRequest.Mode.valueOf(r.mode().toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "mode must be auto, import or load, got '" + r.mode() + "'");
              }
            });
    RestoreRequest.Step step =
        field(
            "step",
            () -> {
              try {
                return RestoreRequest.Step.valueOf(r.step().toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "step must be all, validate, schema, download, truncate or import, got '"
                        + r.step()
                        + "'");
              }
            });
    Map<TableRef, TableRef> renames = new LinkedHashMap<>();
    for (var e : r.renames().entrySet()) {
      var parsed = field("renames", () -> RestoreRequest.rename(e.getKey() + "=" + e.getValue()));
      renames.put(parsed.getKey(), parsed.getValue());
    }
    Map<String, String> replication = new LinkedHashMap<>();
    for (var e : r.replication().entrySet()) {
      var parsed =
          field("replication", () -> RestoreRequest.replication(e.getKey() + "=" + e.getValue()));
      replication.put(parsed.getKey(), parsed.getValue());
    }
    return new RestoreRequest(
        r.cluster(),
        r.backup(),
        selection,
        r.truncate(),
        r.sourceHostId(),
        r.parallel(),
        r.rateLimitMiBps(),
        false,
        null,
        r.ignoreTableIds(),
        mode,
        node.loader(),
        renames,
        replication,
        step,
        restoreKeepFreeBytes);
  }

  /** The retention policy of a purge; {@code name} is checked only for an operation. */
  BackupPurge.Policy purge(PurgeRequest r, boolean operation) throws ApiException {
    if (operation) {
      field("name", () -> BucketLayout.requireName("name", r.name()));
    }
    field("cluster", () -> BucketLayout.requireName("cluster", r.cluster()));
    allowed.check(r.location());
    if (r.prefix() != null) {
      field("prefix", () -> BucketLayout.requireName("prefix", r.prefix()));
    }
    var keepWithin =
        r.keepWithin() == null
            ? null
            : field("keepWithin", () -> Durations.parse("keepWithin", r.keepWithin()));
    var grace = field("grace", () -> Durations.parse("grace", r.grace()));
    return field(
        "keepLast",
        () ->
            new BackupPurge.Policy(
                r.keepLast() == null ? 0 : r.keepLast(), keepWithin, grace, r.prefix()));
  }

  private void common(
      String name, String location, String cluster, int parallel, double rateLimitMiBps)
      throws ApiException {
    field("name", () -> BucketLayout.requireName("name", name));
    field("cluster", () -> BucketLayout.requireName("cluster", cluster));
    allowed.check(location);
    if (parallel < 1 || parallel > maxParallel) {
      throw ApiException.badField(
          "parallel", "parallel must be between 1 and " + maxParallel + ", got " + parallel);
    }
    requireRateLimit(rateLimitMiBps);
  }

  /** 0 (no limit), or at least {@link RateLimit#MIN_MIB_PER_SECOND}. */
  static void requireRateLimit(double rateLimitMiBps) throws ApiException {
    if (!(rateLimitMiBps >= 0)
        || Double.isInfinite(rateLimitMiBps)
        || (rateLimitMiBps > 0 && rateLimitMiBps < RateLimit.MIN_MIB_PER_SECOND)) {
      throw ApiException.badField(
          "rateLimitMiBps",
          "rateLimitMiBps must be 0 (no limit) or at least "
              + RateLimit.MIN_MIB_PER_SECOND
              + " MiB/s, got "
              + rateLimitMiBps);
    }
  }

  /** Runs an engine check and reports its complaint against {@code name}, flags renamed. */
  static <T> T field(String name, Supplier<T> check) throws ApiException {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "invalid" : e.getMessage();
      throw ApiException.badField(name, message.replaceFirst("^--[a-z-]+", name));
    }
  }
}
