package io.kassette.backup;

import io.kassette.node.CqlSchema;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.node.NodeInfo;
import io.kassette.node.TableRef;
import io.kassette.storage.Checksums;
import io.kassette.storage.NoSuchObjectException;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.RateLimit;
import io.kassette.storage.StorageException;
import io.kassette.storage.TransferControl;
import io.kassette.storage.UploadResult;
import io.kassette.storage.WorkerPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up one node: snapshot, upload what the store lacks, node manifest, optionally the cluster
 * manifest, and the snapshot cleared whatever happened. Re-running the same backup continues where
 * it stopped: what is already stored is neither uploaded nor, when its checksum is known, read.
 */
public final class BackupService {
  private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);
  private static final int ATTEMPTS = 4;

  private final ObjectStore store;
  private final NodeAccess node;
  private final CqlSchema schema;
  private final long retryBaseMillis;

  /**
   * @param schema reads keyspace definitions over CQL; null to leave them out of the manifest
   */
  public BackupService(ObjectStore store, NodeAccess node, CqlSchema schema) {
    this(store, node, schema, 1000);
  }

  BackupService(ObjectStore store, NodeAccess node, CqlSchema schema, long retryBaseMillis) {
    this.store = store;
    this.node = node;
    this.schema = schema;
    this.retryBaseMillis = retryBaseMillis;
  }

  public BackupSummary run(BackupRequest request, BackupProgress progress)
      throws BackupException, InterruptedException {
    long start = System.nanoTime();
    Instant startedAt = Instant.now();
    BucketLayout layout = new BucketLayout(request.cluster());
    List<String> warnings = new ArrayList<>();
    PhaseClock clock = new PhaseClock();
    BackupCatalog catalog = new BackupCatalog(store, request.cluster());
    // The write probe runs while the node is described and the bucket read: on an unchanged
    // re-run these first requests (the store client's and JMX's start) are most of the time. It is
    // joined before the snapshot, so nothing is snapshotted for a store that cannot be written.
    CompletableFuture<Void> probe =
        onOwnThread(
            "kassette-write-probe",
            () -> {
              probeWritable(layout);
              return null;
            });
    CompletableFuture<NodeManifest> previousRead = null;
    try {
      NodeInfo info = node.describe();
      String manifestKey = layout.nodeManifest(request.backup(), info.hostId());
      // The previous backup's manifest (the dedup base) is read while the node is asked for its
      // tables and schema: on an unchanged re-run, reading and parsing it in a new process was
      // most of the 0.6 s before the snapshot (make bench). A run that finds its backup already
      // committed waits for this read too (in finally): a rare path, one small object.
      previousRead =
          onOwnThread("kassette-previous", () -> previousManifest(catalog, info.hostId()));

      ClusterManifest committed = catalog.clusterManifest(request.backup());
      if (committed != null) {
        requireSameOwner(committed, request);
        if (committed.nodes().stream().anyMatch(n -> n.hostId().equals(info.hostId()))) {
          await(probe, "the write probe");
          NodeManifest existing = catalog.nodeManifest(request.backup(), info.hostId());
          // The snapshot step of this run may have left the backup's snapshot: it goes too.
          if (!request.keepSnapshot()) {
            clearQuietly(request.snapshotTag(), warnings);
          }
          progress.phase(BackupProgress.Phase.DONE);
          return new BackupSummary(
              request.cluster(),
              request.backup(),
              info.hostId(),
              existing.mode(),
              existing.tables().size(),
              existing.totals(),
              0,
              manifestKey,
              true,
              List.of("backup " + request.backup() + " was already complete; nothing done"),
              Map.of(),
              true);
        }
        throw new BackupRefusedException(
            "backup "
                + request.backup()
                + " is already committed without node "
                + info.hostId()
                + ": choose a new --name");
      }

      List<TableRef> tables = request.selection().resolve(node.listTables());
      List<Path> dataDirs =
          request.dataDirectories().isEmpty() ? node.dataDirectories() : request.dataDirectories();
      SnapshotScanner scanner = new SnapshotScanner(dataDirs);
      TreeSet<String> keyspaces = new TreeSet<>();
      tables.forEach(t -> keyspaces.add(t.keyspace()));
      String schemaVersion = node.schemaVersion();
      NodeManifest previous = await(previousRead, "reading the previous backup's manifest");
      CompletableFuture<Map<String, String>> keyspaceCql =
          keyspaceDefinitions(info, keyspaces, schemaVersion, previous);
      clock.lap("describe");
      await(probe, "the write probe");
      clock.lap("probe");

      String tag = request.snapshotTag();
      progress.phase(BackupProgress.Phase.SNAPSHOT);
      List<TableSnapshot> snapshots;
      NodeManifest manifest;
      boolean written = false;
      try {
        if (ensureSnapshot(tag, tables, scanner)) {
          warnings.add("reused the snapshot " + tag + " left by an earlier run");
        }
        clock.lap("snapshot");
        snapshots = scanner.scan(tag, tables);
        Uploaded uploaded =
            upload(request, layout, info, snapshots, known(previous), progress, clock);
        manifest =
            new NodeManifest(
                NodeManifest.FORMAT,
                request.backup(),
                request.cluster(),
                request.mode().wire(),
                info,
                startedAt,
                Instant.now(),
                schemaVersion,
                join(keyspaceCql),
                uploaded.tables(),
                uploaded.totals());

        progress.phase(BackupProgress.Phase.MANIFEST);
        store.put(manifestKey, ManifestCodec.gzipJson(manifest));
        store.put(
            layout.latestPointer(info.hostId()),
            ManifestCodec.json(Map.of("backup", request.backup())));
        if (request.commit()) {
          catalog.commit(request.backup(), request.owner(), List.of());
        }
        written = true;
        clock.lap("manifest");
      } finally {
        // Whatever happened above; a snapshot left behind only costs disk, so failing to clear
        // it is reported, not fatal: the backup itself may already be committed.
        if (!request.keepSnapshot() && (written || !progress.keepSnapshotOnStop())) {
          progress.phase(BackupProgress.Phase.CLEANUP);
          try {
            node.clearSnapshot(tag, keyspaces);
          } catch (NodeException e) {
            LOG.warn("could not clear snapshot {}: {}", tag, e.getMessage());
            warnings.add("could not clear snapshot " + tag + ": " + e.getMessage());
          }
          clock.lap("cleanup");
        }
      }
      progress.phase(BackupProgress.Phase.DONE);
      return new BackupSummary(
          request.cluster(),
          request.backup(),
          info.hostId(),
          request.mode().wire(),
          snapshots.size(),
          manifest.totals(),
          (System.nanoTime() - start) / 1_000_000,
          manifestKey,
          request.commit(),
          warnings,
          clock.laps(),
          false);
    } catch (NodeException | IllegalArgumentException | IOException e) {
      // The probe runs beside the first reads: when the store cannot be written, that is the
      // error to report (it names the location and the fix), not whatever those reads hit first.
      Exception cause = probeFailure(probe).<Exception>map(f -> f).orElse(e);
      throw new BackupException(
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(),
          cause);
    } finally {
      // never left writing to (or reading from) a store the caller is about to close
      probe.exceptionally(e -> null).join();
      if (previousRead != null) {
        previousRead.exceptionally(e -> null).join();
      }
    }
  }

  private static java.util.Optional<IOException> probeFailure(CompletableFuture<Void> probe) {
    try {
      probe.join();
      return java.util.Optional.empty();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CompletionException nested) {
        cause = nested.getCause();
      }
      return cause instanceof IOException io
          ? java.util.Optional.of(io)
          : java.util.Optional.empty();
    }
  }

  /**
   * Takes the backup's snapshot and nothing else, so that every node of a cluster can be
   * snapshotted at nearly the same moment before the (much longer) uploads run node by node. The
   * later {@link #run} reuses it.
   *
   * @return the number of tables in the snapshot
   */
  public int snapshot(BackupRequest request, BackupProgress progress) throws BackupException {
    try {
      ClusterManifest committed =
          new BackupCatalog(store, request.cluster()).clusterManifest(request.backup());
      if (committed != null) {
        requireSameOwner(committed, request);
        progress.phase(BackupProgress.Phase.DONE);
        return 0; // committed by this owner already (a restarted operator): nothing to snapshot
      }
      progress.phase(BackupProgress.Phase.SNAPSHOT);
      List<TableRef> tables = request.selection().resolve(node.listTables());
      List<Path> dataDirs =
          request.dataDirectories().isEmpty() ? node.dataDirectories() : request.dataDirectories();
      ensureSnapshot(request.snapshotTag(), tables, new SnapshotScanner(dataDirs));
      progress.phase(BackupProgress.Phase.DONE);
      return tables.size();
    } catch (NodeException | IllegalArgumentException | IOException e) {
      throw new BackupException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  /**
   * Refuses a run whose backup name another owner committed in this location: a re-created resource
   * of the same name must not pass the old backup off as its own (nor snapshot for it).
   */
  private static void requireSameOwner(ClusterManifest committed, BackupRequest request)
      throws BackupException {
    if (request.owner() != null
        && committed.owner() != null
        && !request.owner().equals(committed.owner())) {
      throw new BackupRefusedException(
          "backup "
              + request.backup()
              + " already exists in this location, committed by "
              + committed.owner()
              + ", not by "
              + request.owner()
              + ": give the new backup another name (or delete the old one first)");
    }
  }

  private void clearQuietly(String tag, List<String> warnings) {
    try {
      node.clearSnapshot(tag, List.of());
    } catch (NodeException e) {
      warnings.add("could not clear snapshot " + tag + ": " + e.getMessage());
    }
  }

  /** Clears a snapshot Kassette took; other snapshots on the node are never touched. */
  public void clearSnapshot(String tag) throws BackupException {
    if (!tag.startsWith("kassette-")) {
      throw new BackupException("snapshot " + tag + " was not taken by Kassette; left alone");
    }
    try {
      node.clearSnapshot(tag, List.of());
    } catch (NodeException e) {
      throw new BackupException(e.getMessage(), e);
    }
  }

  /** Snapshots the tables that lack {@code tag}; true when an earlier snapshot was reused. */
  private boolean ensureSnapshot(String tag, List<TableRef> tables, SnapshotScanner scanner)
      throws IOException, NodeException {
    List<TableRef> missing = new ArrayList<>(tables);
    missing.removeAll(scanner.tablesWithSnapshot(tag, tables));
    if (!missing.isEmpty()) {
      node.takeSnapshot(tag, missing);
    }
    return missing.size() < tables.size();
  }

  /** Fails fast, before any snapshot, when the location cannot be written. */
  private void probeWritable(BucketLayout layout) throws IOException {
    String probe = layout.probe(UUID.randomUUID().toString());
    store.put(probe, new byte[] {1});
    store.delete(List.of(probe));
  }

  /** One file's plan: where it goes and what is known of what is already stored. */
  private record Item(TableSnapshot table, SnapshotFile file, SSTableName name, String identity) {}

  /** What the upload phase produced for the node manifest. */
  private record Uploaded(List<NodeManifest.TableEntry> tables, NodeManifest.Totals totals) {}

  private Uploaded upload(
      BackupRequest request,
      BucketLayout layout,
      NodeInfo info,
      List<TableSnapshot> snapshots,
      Map<String, NodeManifest.FileEntry> known,
      BackupProgress progress,
      PhaseClock clock)
      throws IOException, InterruptedException, BackupException {
    String pool = layout.poolPrefix(info.hostId());
    String own = layout.ownDataPrefix(request.backup(), info.hostId());
    List<String> poolTables = tablePrefixes(pool, snapshots);
    Map<String, Long> stored = TableListing.sizes(store, poolTables);
    if (request.mode() == Mode.FULL) {
      stored.putAll(TableListing.sizes(store, tablePrefixes(own, snapshots)));
    }

    List<Item> items = new ArrayList<>();
    // One identity per SSTable (all its components share it), so its Digest is read once.
    Map<Path, String> identities = new HashMap<>();
    for (TableSnapshot t : snapshots) {
      long tableBytes = 0;
      for (SnapshotFile f : t.files()) {
        String fileName = f.path().getFileName().toString();
        SSTableName name = SSTableName.parse(fileName).orElse(null);
        Path sstable = name == null ? f.path() : f.path().resolveSibling(name.descriptor());
        String identity = identities.get(sstable);
        if (identity == null) {
          identity = identity(f, name);
          identities.put(sstable, identity);
        }
        items.add(new Item(t, f, name, identity));
        tableBytes += f.size();
        progress.filesTotal.incrementAndGet();
        progress.bytesTotal.addAndGet(f.size());
      }
      progress.addTable(t.table().toString(), tableBytes);
    }
    // Largest first keeps the parallel slots busy to the end.
    items.sort(Comparator.comparingLong((Item i) -> i.file().size()).reversed());
    clock.lap("plan");

    progress.phase(BackupProgress.Phase.UPLOAD);
    RateLimit limiter = progress.rateLimit();
    limiter.initialize(request.rateLimitMiBps());
    ExecutorService pool0 = WorkerPool.fixed("kassette-upload", request.parallel());
    // Identity maps: these records hash every file of their table.
    Map<Item, NodeManifest.FileEntry> results = new IdentityHashMap<>();
    try {
      ExecutorCompletionService<NodeManifest.FileEntry> done =
          new ExecutorCompletionService<>(pool0);
      Map<Future<NodeManifest.FileEntry>, Item> futures = new HashMap<>();
      for (Item item : items) {
        futures.put(
            done.submit(() -> transfer(request, item, pool, own, stored, known, limiter, progress)),
            item);
      }
      for (int i = 0; i < items.size(); i++) {
        Future<NodeManifest.FileEntry> f = done.take();
        try {
          results.put(futures.get(f), f.get());
        } catch (ExecutionException e) {
          if (progress.stopRequested()) {
            throw new InterruptedException("backup " + request.backup() + " stopped");
          }
          Throwable cause = e.getCause();
          Item item = futures.get(f);
          throw new BackupException(
              "could not back up "
                  + item.file().path()
                  + ": "
                  + (cause.getMessage() == null ? cause.toString() : cause.getMessage()),
              cause);
        }
      }
      if (request.mode() == Mode.DIFFERENTIAL) {
        restoreSwept(request, results, pool, poolTables, stored, known, limiter, progress);
      }
    } finally {
      WorkerPool.stop(pool0);
    }
    clock.lap("upload");
    Map<TableSnapshot, List<NodeManifest.FileEntry>> entries = new IdentityHashMap<>();
    snapshots.forEach(t -> entries.put(t, new ArrayList<>()));
    results.forEach((item, entry) -> entries.get(item.table()).add(entry));

    List<NodeManifest.TableEntry> tableEntries = new ArrayList<>();
    for (TableSnapshot t : snapshots) {
      List<NodeManifest.FileEntry> files = entries.get(t);
      files.sort(Comparator.comparing(NodeManifest.FileEntry::path));
      tableEntries.add(
          new NodeManifest.TableEntry(
              t.table().keyspace(), t.table().table(), t.tableId(), t.schemaCql(), files));
    }
    NodeManifest.Totals totals =
        new NodeManifest.Totals(
            progress.filesTotal.get(),
            progress.bytesTotal.get(),
            progress.filesUploaded.get(),
            progress.bytesUploaded.get(),
            progress.filesSkipped.get(),
            progress.bytesSkipped.get());
    return new Uploaded(tableEntries, totals);
  }

  /**
   * A purge running meanwhile (from another process) may have swept a pooled file that this backup
   * found stored when it planned, and that no kept backup references. The snapshot still holds the
   * file: look at the pool once more and upload again what went, so that the manifest about to be
   * written never points at a missing object.
   */
  private void restoreSwept(
      BackupRequest request,
      Map<Item, NodeManifest.FileEntry> results,
      String pool,
      List<String> poolTables,
      Map<String, Long> stored,
      Map<String, NodeManifest.FileEntry> known,
      RateLimit limiter,
      BackupProgress progress)
      throws IOException, InterruptedException {
    List<Item> found =
        results.entrySet().stream()
            .filter(e -> stored.containsKey(e.getValue().key()))
            .map(Map.Entry::getKey)
            .toList();
    if (found.isEmpty()) {
      return;
    }
    Map<String, Long> now = TableListing.sizes(store, poolTables);
    for (Item item : found) {
      String key = results.get(item).key();
      if (!now.containsKey(key)) {
        LOG.warn("{} was deleted from the pool during this backup; uploading it again", key);
        // counted as stored when it was found: count it as uploaded instead
        progress.filesSkipped.decrementAndGet();
        progress.bytesSkipped.addAndGet(-item.file().size());
        progress.tableDone(item.table().table().toString(), -item.file().size());
        results.put(item, transfer(request, item, pool, pool, Map.of(), known, limiter, progress));
      }
    }
  }

  private NodeManifest.FileEntry transfer(
      BackupRequest request,
      Item item,
      String pool,
      String own,
      Map<String, Long> stored,
      Map<String, NodeManifest.FileEntry> known,
      RateLimit limiter,
      BackupProgress progress)
      throws IOException, InterruptedException {
    SnapshotFile file = item.file();
    TableSnapshot t = item.table();
    String suffix =
        BucketLayout.fileKey(
            t.table().keyspace(),
            t.table().table(),
            t.tableId(),
            file.relativePath(),
            item.identity());
    String checksum = null;
    if (item.name() != null && item.name().mutable()) {
      // Content-addressed: the same name may hold other bytes after repair or resampling.
      checksum = Checksums.crc32c(file.path());
      suffix += "." + checksum;
    }
    String poolKey = pool + suffix;
    String key = request.mode() == Mode.FULL ? own + suffix : poolKey;

    // Already stored (for this backup, or in the pool for a full backup's server-side copy):
    // nothing is uploaded, and the checksum is read from the last manifest when it is there.
    String storedKey =
        isStored(stored, key, file) ? key : isStored(stored, poolKey, file) ? poolKey : null;
    if (storedKey != null) {
      if (checksum == null) {
        NodeManifest.FileEntry previous = known.get(storedKey);
        checksum =
            previous != null && previous.size() == file.size()
                ? previous.crc32c()
                : Checksums.crc32c(file.path()); // stored by an interrupted run: read, not upload
      }
      if (!storedKey.equals(key)) {
        store.copy(storedKey, key);
      }
      skipped(progress, t, file);
      return new NodeManifest.FileEntry(file.relativePath(), key, file.size(), checksum);
    }

    AtomicLong reported = new AtomicLong();
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      AtomicLong position = new AtomicLong();
      TransferControl control =
          new TransferControl(
              limiter,
              n -> {
                long pos = position.addAndGet(n);
                long before = reported.getAndAccumulate(pos, Math::max);
                if (pos > before) {
                  progress.bytesMoved.addAndGet(pos - before);
                }
              },
              progress::stopRequested);
      try {
        UploadResult result = store.upload(key, file.path(), control);
        if (result.size() != file.size()) {
          throw new IOException(file.path() + " changed size during upload");
        }
        progress.bytesMoved.addAndGet(file.size() - reported.getAndSet(file.size()));
        progress.filesUploaded.incrementAndGet();
        progress.bytesUploaded.addAndGet(file.size());
        progress.tableDone(t.table().toString(), file.size());
        return new NodeManifest.FileEntry(file.relativePath(), key, file.size(), result.crc32c());
      } catch (NoSuchFileException | IllegalArgumentException e) {
        throw e;
      } catch (IOException e) {
        if (progress.stopRequested()) {
          throw new InterruptedException("stopped during the upload of " + file.relativePath());
        }
        last = e;
        if (attempt < ATTEMPTS) {
          long wait = retryBaseMillis << (attempt - 1);
          LOG.warn(
              "upload of {} failed (attempt {}), retrying in {} ms: {}",
              file.relativePath(),
              attempt,
              wait,
              e.getMessage());
          Thread.sleep(wait);
        }
      }
    }
    throw last;
  }

  /** Store I/O that runs beside the node's questions. */
  @FunctionalInterface
  private interface StoreTask<T> {
    T call() throws IOException;
  }

  /**
   * Runs {@code task} on a daemon thread of its own: blocking I/O does not belong on the common
   * pool.
   */
  private static <T> CompletableFuture<T> onOwnThread(String name, StoreTask<T> task) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return task.call();
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        },
        runnable -> {
          Thread t = new Thread(runnable, name);
          t.setDaemon(true);
          t.start();
        });
  }

  /**
   * The result of {@code task}, its IOException rethrown as it was ({@code get} already unwraps the
   * CompletionException that {@link #onOwnThread} wraps it in).
   */
  private static <T> T await(CompletableFuture<T> task, String what)
      throws IOException, InterruptedException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new StorageException(what + " failed: " + e.getCause(), e.getCause());
    }
  }

  private static Map<String, String> join(CompletableFuture<Map<String, String>> cql)
      throws NodeException, InterruptedException {
    try {
      return cql.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NodeException ne) {
        throw ne;
      }
      throw new NodeException("reading the schema failed: " + e.getCause(), e.getCause());
    }
  }

  /** Wall time per phase, in the order the phases ran. */
  private static final class PhaseClock {
    private final Map<String, Long> laps = new java.util.LinkedHashMap<>();
    private long last = System.nanoTime();

    void lap(String phase) {
      long now = System.nanoTime();
      laps.put(phase, (now - last) / 1_000_000);
      last = now;
    }

    Map<String, Long> laps() {
      return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(laps));
    }
  }

  private static void skipped(BackupProgress progress, TableSnapshot t, SnapshotFile file) {
    progress.filesSkipped.incrementAndGet();
    progress.bytesSkipped.addAndGet(file.size());
    progress.tableDone(t.table().toString(), file.size());
  }

  private static boolean isStored(Map<String, Long> stored, String key, SnapshotFile file) {
    Long size = stored.get(key);
    return size != null && size == file.size();
  }

  /**
   * The SSTable's identity beyond its name: Cassandra's own CRC32 of the Data component, read from
   * the small Digest file, so an unchanged SSTable is recognised without reading its data.
   */
  private static String identity(SnapshotFile f, SSTableName name) throws IOException {
    if (name == null) {
      return Checksums.crc32c(f.path());
    }
    Path digest = f.path().resolveSibling(name.fileName("Digest.crc32"));
    if (Files.isRegularFile(digest)) {
      String value = Files.readString(digest).trim();
      try {
        return String.format("%08x", Long.parseLong(value));
      } catch (NumberFormatException e) {
        // fall through: an unreadable digest is replaced by our own checksum of the data
      }
    }
    return "c" + Checksums.crc32c(f.path().resolveSibling(name.fileName("Data.db")));
  }

  /**
   * Keyspace definitions. The CQL session is the slowest thing to open, so when the schema version
   * is the one the node's previous backup recorded, that backup's definitions are reused; otherwise
   * they are read over CQL while the snapshot is taken and the files are uploaded.
   */
  private CompletableFuture<Map<String, String>> keyspaceDefinitions(
      NodeInfo info, java.util.Set<String> keyspaces, String schemaVersion, NodeManifest previous) {
    if (schema == null) {
      return CompletableFuture.completedFuture(Map.of());
    }
    if (previous != null
        && schemaVersion != null
        && schemaVersion.equals(previous.schemaVersion())
        && previous.keyspaces().keySet().containsAll(keyspaces)) {
      Map<String, String> reused = new java.util.TreeMap<>();
      keyspaces.forEach(ks -> reused.put(ks, previous.keyspaces().get(ks)));
      return CompletableFuture.completedFuture(reused);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return schema.keyspaceDefinitions(info.datacenter(), keyspaces);
          } catch (NodeException e) {
            throw new CompletionException(e);
          }
        });
  }

  /**
   * The node manifest of this node's latest backup, or null when there is none any more. One the
   * gate refuses is not trusted as a dedup hint: every file is checked and uploaded again.
   */
  private NodeManifest previousManifest(BackupCatalog catalog, String hostId) throws IOException {
    try {
      String latest = catalog.latestBackup(hostId);
      return latest == null ? null : catalog.nodeManifest(latest, hostId);
    } catch (NoSuchObjectException e) {
      return null; // purged since
    } catch (InvalidManifestException e) {
      LOG.warn("not using the previous backup of this node as a base: {}", e.getMessage());
      return null;
    }
  }

  /** Checksums of what the previous backup stored, by key: those files need not be read. */
  private static Map<String, NodeManifest.FileEntry> known(NodeManifest previous) {
    Map<String, NodeManifest.FileEntry> known = new HashMap<>();
    if (previous != null) {
      for (NodeManifest.TableEntry t : previous.tables()) {
        for (NodeManifest.FileEntry f : t.files()) {
          known.put(f.key(), f);
        }
      }
    }
    return known;
  }

  /** The directory of every table of the backup below {@code base}. */
  private static List<String> tablePrefixes(String base, List<TableSnapshot> snapshots) {
    return snapshots.stream()
        .map(
            t ->
                TableListing.tablePrefix(
                    base, t.table().keyspace(), t.table().table(), t.tableId()))
        .distinct()
        .toList();
  }
}
