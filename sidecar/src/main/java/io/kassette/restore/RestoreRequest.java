package io.kassette.restore;

import io.kassette.backup.BackupRequest;
import io.kassette.backup.BucketLayout;
import io.kassette.backup.Selection;
import java.nio.file.Path;

/**
 * One node's restore.
 *
 * @param sourceHostId the backed-up node to restore from; null for the node with this node's host
 *     id or tokens
 * @param truncate truncate each table before importing, so it ends with exactly the backed-up rows
 * @param stagingDir where files are downloaded before import (same filesystem as the data); null
 *     for {@code kassette-staging} beside the first data directory
 * @param ignoreTableIds proceed when a table exists with another id than the backed-up one
 * @param mode import into the same topology, load (stream) into any, or choose automatically
 * @param loader the bulk loader for load mode; null when not available
 * @param renames backed-up tables restored under another keyspace and/or name
 * @param step the part of the restore to run: all of it (the CLI), or one step of a restore that an
 *     operator coordinates across nodes
 * @param keepFreeBytes disk to leave free on the data volume once the files are staged (room for
 *     compaction), on top of the 10% + 64 MiB margin
 * @param replication replication maps (CQL, e.g. {@code
 *     {'class':'NetworkTopologyStrategy','dc1':3}}) used instead of the backed-up ones when a
 *     keyspace is created, by keyspace
 */
public record RestoreRequest(
    String cluster,
    String backup,
    Selection selection,
    boolean truncate,
    String sourceHostId,
    int parallel,
    double rateLimitMiBps,
    boolean dryRun,
    Path stagingDir,
    boolean ignoreTableIds,
    Mode mode,
    BulkLoader loader,
    java.util.Map<io.kassette.node.TableRef, io.kassette.node.TableRef> renames,
    java.util.Map<String, String> replication,
    Step step,
    long keepFreeBytes) {

  /** Parses {@code ks.t=ks2.t2}; throws naming the bad value. */
  public static java.util.Map.Entry<io.kassette.node.TableRef, io.kassette.node.TableRef> rename(
      String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\w+)\\.(\\w+)=(\\w+)\\.(\\w+)").matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--rename '" + text + "' is invalid: use keyspace.table=keyspace.table");
    }
    return java.util.Map.entry(
        new io.kassette.node.TableRef(m.group(1), m.group(2)),
        new io.kassette.node.TableRef(m.group(3), m.group(4)));
  }

  /**
   * Parses {@code keyspace={'class':'...', ...}}; throws naming the bad value. Only a replication
   * map's alphabet passes, since the value is spliced into a CREATE KEYSPACE statement.
   */
  public static java.util.Map.Entry<String, String> replication(String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\w+)=(\\{[\\w\\s':,.-]*\\})").matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--replication '" + text + "' is invalid: use keyspace={'class':'...', ...}");
    }
    return java.util.Map.entry(m.group(1), m.group(2));
  }

  /**
   * The steps of a restore. Run one by one across a cluster, no table is truncated before every
   * node holds its verified files, and truncation (cluster-wide in Cassandra) happens once.
   */
  public enum Step {
    /** everything on this node: validate, schema, download, truncate, import */
    ALL,
    /** check the backup, the tables, the mode and the free disk; write nothing */
    VALIDATE,
    /** create the keyspaces and tables the node lacks */
    SCHEMA,
    /**
     * download and verify into staging, which stays for IMPORT; staged files are not fetched again
     */
    DOWNLOAD,
    /** truncate the target tables */
    TRUNCATE,
    /** import (or stream) the staged files, then delete staging */
    IMPORT
  }

  /** The source host ids this request is limited to; empty for none. */
  public java.util.Set<String> sourceHostIds() {
    if (sourceHostId == null || sourceHostId.isBlank()) {
      return java.util.Set.of();
    }
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    for (String id : sourceHostId.split(",")) {
      if (!id.isBlank()) {
        ids.add(id.strip());
      }
    }
    return ids;
  }

  /** How the files reach the tables. */
  public enum Mode {
    /** import when this node is in the backup (host id or tokens), load otherwise */
    AUTO,
    /** this node's own files, imported into its live tables */
    IMPORT,
    /** every backed-up node's files, streamed by the bulk loader to the replicas that own them */
    LOAD
  }

  public RestoreRequest {
    step = step == null ? Step.ALL : step;
    if (keepFreeBytes < 0) {
      throw new IllegalArgumentException("--keep-free-mib must be 0 or more, got " + keepFreeBytes);
    }
    BucketLayout.requireName("cluster", cluster);
    BucketLayout.requireName("name", backup);
    BackupRequest.requireTransferLimits(parallel, rateLimitMiBps);
  }
}
