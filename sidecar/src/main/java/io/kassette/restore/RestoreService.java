package io.kassette.restore;

import io.kassette.backup.BackupCatalog;
import io.kassette.backup.BackupException;
import io.kassette.backup.ClusterManifest;
import io.kassette.backup.CqlScript;
import io.kassette.backup.InvalidManifestException;
import io.kassette.backup.ManifestGate;
import io.kassette.backup.NodeManifest;
import io.kassette.backup.SchemaGate;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.node.NodeInfo;
import io.kassette.node.SchemaAccess;
import io.kassette.node.TableRef;
import io.kassette.storage.Checksums;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.RateLimit;
import io.kassette.storage.TransferControl;
import io.kassette.storage.WorkerPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Restores a backup into the live node it was taken from (or one owning the same tokens), online:
 * every file is downloaded and checked against its manifest checksum first, then tables are
 * truncated if asked, then the SSTables are imported. A failed or corrupt download therefore never
 * leaves a truncated table, and the staging area is removed whatever happens.
 */
public final class RestoreService {
  private final ObjectStore store;
  private final NodeAccess node;
  private final SchemaAccess cql;
  private final RestoreSources sourceCache;

  /** A restore run in one step (the CLI): its manifests are read for this run only. */
  public RestoreService(ObjectStore store, NodeAccess node, SchemaAccess cql) {
    this(store, node, cql, RestoreSources.none());
  }

  /**
   * @param sources the manifests kept across the steps of a restore: the agent keeps one for its
   *     life, so that each step does not read and plan again
   */
  public RestoreService(
      ObjectStore store, NodeAccess node, SchemaAccess cql, RestoreSources sources) {
    this.store = store;
    this.node = node;
    this.cql = cql;
    this.sourceCache = sources;
  }

  private record Download(TableRef table, NodeManifest.FileEntry file, Path target) {}

  public RestoreSummary run(RestoreRequest request, RestoreProgress progress)
      throws BackupException, InterruptedException {
    try {
      return runStep(request, progress);
    } finally {
      if (request.step() == RestoreRequest.Step.IMPORT
          || request.step() == RestoreRequest.Step.ALL) {
        // the restore ends on this node here, imported or failed
        sourceCache.forget(store.location().toString(), request.cluster(), request.backup());
      }
    }
  }

  private RestoreSummary runStep(RestoreRequest request, RestoreProgress progress)
      throws BackupException, InterruptedException {
    long start = System.nanoTime();
    try {
      NodeInfo info = node.describe();
      String location = store.location().toString();
      RestoreSources.View backup =
          sourceCache.view(
              location,
              new BackupCatalog(store, request.cluster()),
              request.cluster(),
              request.backup());
      Sources read = readSources(request, info, backup);
      List<NodeManifest> sources = read.manifests();
      boolean load = read.load();

      // The first source that has a table provides its schema; keyspaces likewise.
      Map<TableRef, NodeManifest.TableEntry> backedUp = new LinkedHashMap<>();
      Map<String, String> keyspaceCql = new LinkedHashMap<>();
      for (NodeManifest m : sources) {
        m.tables().forEach(t -> backedUp.putIfAbsent(new TableRef(t.keyspace(), t.table()), t));
        m.keyspaces().forEach(keyspaceCql::putIfAbsent);
      }
      List<TableRef> tables = request.selection().resolve(new ArrayList<>(backedUp.keySet()));
      Map<TableRef, TableRef> targets = new LinkedHashMap<>();
      tables.forEach(t -> targets.put(t, request.renames().getOrDefault(t, t)));
      for (TableRef renamed : request.renames().keySet()) {
        if (!targets.containsKey(renamed)) {
          throw new BackupException(
              "--rename "
                  + renamed
                  + "=...: "
                  + renamed
                  + " is not among the tables restored "
                  + tables);
        }
      }

      Path staging =
          (request.stagingDir() != null
                  ? request.stagingDir()
                  : node.dataDirectories()
                      .get(0)
                      .toAbsolutePath()
                      .getParent()
                      .resolve("kassette-staging"))
              .resolve(request.backup())
              .normalize();
      List<Download> downloads = new ArrayList<>();
      for (NodeManifest m : sources) {
        downloads.addAll(plan(tables, targets, m, staging, stagingBase(staging, m, load)));
      }
      long bytes = downloads.stream().mapToLong(d -> d.file().size()).sum();
      progress.filesTotal.set(downloads.size());
      progress.bytesTotal.set(bytes);
      downloads.forEach(d -> progress.tables.add(d.table().toString(), d.file().size()));
      List<String> ddl = schemaToCreate(request, info, keyspaceCql, targets, backedUp);
      List<String> names =
          tables.stream()
              .map(t -> t.equals(targets.get(t)) ? t.toString() : t + " -> " + targets.get(t))
              .toList();
      List<String> hosts = sources.stream().map(m -> m.node().hostId()).toList();
      String mode = load ? "load" : "import";
      java.util.function.Function<Boolean, RestoreSummary> summary =
          dryRun ->
              new RestoreSummary(
                  request.cluster(),
                  request.backup(),
                  mode,
                  hosts,
                  info.hostId(),
                  dryRun,
                  names,
                  downloads.size(),
                  bytes,
                  ddl,
                  request.truncate(),
                  !request.truncate(),
                  (System.nanoTime() - start) / 1_000_000);
      RestoreRequest.Step step = request.step();
      if (request.dryRun()) {
        return summary.apply(true);
      }
      if (load && request.loader() == null) {
        throw new BackupException(
            "this node is not in backup "
                + request.backup()
                + " (another topology): load mode"
                + " needs the bulk loader; set --loader-lib or KASSETTE_CASSANDRA_LIB");
      }
      if (step == RestoreRequest.Step.ALL
          || step == RestoreRequest.Step.VALIDATE
          || step == RestoreRequest.Step.DOWNLOAD) {
        requireSpace(staging, bytes - staged(downloads), request.keepFreeBytes());
      }
      if (step == RestoreRequest.Step.VALIDATE) {
        return summary.apply(true);
      }
      if (!ddl.isEmpty()
          && (step == RestoreRequest.Step.ALL || step == RestoreRequest.Step.SCHEMA)) {
        // The schema is the one change made before the downloads: first make sure every file can
        // be read (with client-side encryption, that its key is at hand), so that a missing key
        // fails here, naming it, and not after the keyspaces were created.
        store.requireReadable(downloads.stream().map(d -> d.file().key()).toList());
        progress.phase(RestoreProgress.Phase.SCHEMA);
        cql.execute(info.datacenter(), ddl);
      }
      if (step == RestoreRequest.Step.SCHEMA) {
        progress.phase(RestoreProgress.Phase.DONE);
        return summary.apply(false);
      }
      if (step == RestoreRequest.Step.TRUNCATE) {
        progress.phase(RestoreProgress.Phase.TRUNCATE);
        for (TableRef t : tables) {
          node.truncate(targets.get(t));
        }
        progress.phase(RestoreProgress.Phase.DONE);
        return summary.apply(false);
      }
      boolean keepStaging = step == RestoreRequest.Step.DOWNLOAD;
      try {
        if (step == RestoreRequest.Step.IMPORT) {
          requireStaged(downloads);
          progress.filesDone.set(downloads.size());
          progress.bytesDone.set(bytes);
        } else {
          progress.phase(RestoreProgress.Phase.DOWNLOAD);
          download(downloads, request, progress);
        }
        if (progress.stopRequested()) {
          throw new InterruptedException(
              "restore " + request.backup() + " stopped before truncate");
        }
        if (step == RestoreRequest.Step.DOWNLOAD) {
          progress.phase(RestoreProgress.Phase.DONE);
          return summary.apply(false);
        }
        if (request.truncate() && step == RestoreRequest.Step.ALL) {
          progress.phase(RestoreProgress.Phase.TRUNCATE);
          for (TableRef t : tables) {
            node.truncate(targets.get(t));
          }
        }
        progress.phase(load ? RestoreProgress.Phase.LOAD : RestoreProgress.Phase.IMPORT);
        for (NodeManifest m : sources) {
          Path base = stagingBase(staging, m, load);
          for (TableRef source : tables) {
            TableRef t = targets.get(source);
            Path dir = inside(staging, base.resolve(t.keyspace()).resolve(t.table()));
            if (!Files.isDirectory(dir)) {
              continue; // no SSTables of this table on that node
            }
            if (load) {
              request.loader().load(dir, loaderRate(request, progress), staging.resolve(".loader"));
            } else {
              List<String> failed = node.importSSTables(t, dir);
              if (!failed.isEmpty()) {
                throw new BackupException("import into " + t + " failed for " + failed);
              }
            }
          }
        }
      } finally {
        if (!keepStaging) {
          progress.phase(RestoreProgress.Phase.CLEANUP);
          deleteTree(staging);
        }
      }
      progress.phase(RestoreProgress.Phase.DONE);
      return summary.apply(false);
    } catch (InvalidManifestException e) {
      // Read before any change: say so, the operator then knows the data is as it was.
      throw new BackupException(e.getMessage() + "; nothing was restored", e);
    } catch (NodeException | IOException | IllegalArgumentException e) {
      throw new BackupException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  /**
   * This node's sources: its own node manifest, or (load mode) those of the backed-up nodes.
   *
   * @param load true when the files are streamed by the bulk loader rather than imported
   */
  private record Sources(List<NodeManifest> manifests, boolean load) {}

  /** The manifests this node restores from: the plan's only reads of the bucket. */
  private Sources readSources(RestoreRequest request, NodeInfo info, RestoreSources.View catalog)
      throws IOException, BackupException {
    ClusterManifest cluster = catalog.cluster();
    if (cluster == null) {
      throw new BackupException(
          "backup "
              + request.backup()
              + " of cluster "
              + request.cluster()
              + " is not complete (no cluster manifest) in "
              + store.location()
              + ": only complete backups can be restored");
    }
    NodeManifest own =
        request.mode() == RestoreRequest.Mode.LOAD
            ? null
            : sourceManifest(request, catalog, cluster, info);
    if (own != null) {
      return new Sources(List.of(own), false);
    }
    List<NodeManifest> sources = new ArrayList<>();
    Set<String> wanted = request.sourceHostIds();
    for (ClusterManifest.NodeRef ref : cluster.nodes()) {
      if (wanted.isEmpty() || wanted.contains(ref.hostId())) {
        sources.add(catalog.node(ref.hostId()));
      }
    }
    if (sources.isEmpty()) {
      throw new BackupException(
          "--source-node " + request.sourceHostId() + " is not in backup " + request.backup());
    }
    return new Sources(List.copyOf(sources), true);
  }

  /**
   * The backed-up node whose files belong on this node: same host id, or the same tokens; null when
   * there is none and the mode allows loading instead.
   */
  private NodeManifest sourceManifest(
      RestoreRequest request, RestoreSources.View catalog, ClusterManifest cluster, NodeInfo info)
      throws IOException, BackupException {
    List<String> hosts = cluster.nodes().stream().map(ClusterManifest.NodeRef::hostId).toList();
    for (ClusterManifest.NodeRef ref : cluster.nodes()) {
      boolean wanted =
          request.sourceHostId() != null
              ? ref.hostId().equals(request.sourceHostId())
              : ref.hostId().equals(info.hostId());
      if (wanted) {
        return catalog.node(ref.hostId());
      }
    }
    if (request.sourceHostId() != null) {
      throw new BackupException(
          "--source-node "
              + request.sourceHostId()
              + " is not in backup "
              + request.backup()
              + "; its nodes are "
              + hosts);
    }
    for (ClusterManifest.NodeRef ref : cluster.nodes()) {
      NodeManifest m = catalog.node(ref.hostId());
      if (new HashSet<>(m.node().tokens()).equals(new HashSet<>(info.tokens()))) {
        return m;
      }
    }
    if (request.mode() == RestoreRequest.Mode.IMPORT) {
      throw new BackupException(
          "this node ("
              + info.hostId()
              + ") has neither the host id nor the tokens of a node in backup "
              + request.backup()
              + " (nodes "
              + hosts
              + "): pass --source-node to choose one, or --mode load to stream into this topology");
    }
    return null; // another topology: load mode
  }

  /**
   * Every download. The manifest passed the {@link io.kassette.backup.ManifestGate}, so names and
   * keys are well-formed; every local path is still proven inside the staging directory before any
   * byte is written, whatever a future manifest field might add.
   */
  private static List<Download> plan(
      List<TableRef> tables,
      Map<TableRef, TableRef> targets,
      NodeManifest source,
      Path staging,
      Path base) {
    Map<TableRef, NodeManifest.TableEntry> entries = new LinkedHashMap<>();
    source.tables().forEach(t -> entries.put(new TableRef(t.keyspace(), t.table()), t));
    List<Download> downloads = new ArrayList<>();
    for (TableRef t : tables) {
      if (!entries.containsKey(t)) {
        continue;
      }
      TableRef to = targets.get(t);
      Path tableDir = inside(staging, base.resolve(to.keyspace()).resolve(to.table()));
      for (NodeManifest.FileEntry f : entries.get(t).files()) {
        if (ManifestGate.INDEX_COMPONENT.matcher(f.path()).matches()) {
          continue; // secondary index SSTables: the import rebuilds the index from the data
        }
        Path target = inside(tableDir, tableDir.resolve(f.path()));
        if (!target.getParent().equals(tableDir)) {
          throw outside(f.path(), tableDir);
        }
        downloads.add(new Download(t, f, target));
      }
    }
    return downloads;
  }

  /** {@code path}, normalized, once proven to lie under {@code root}. */
  private static Path inside(Path root, Path path) {
    Path normalized = path.toAbsolutePath().normalize();
    if (!normalized.startsWith(root.toAbsolutePath().normalize())
        || normalized.equals(root.toAbsolutePath().normalize())) {
      throw outside(path.toString(), root);
    }
    return normalized;
  }

  private static IllegalArgumentException outside(String path, Path root) {
    return new IllegalArgumentException(
        "the manifest names '"
            + ManifestGate.printable(path, 200)
            + "', which would be written outside "
            + root
            + "; nothing was restored");
  }

  private List<String> schemaToCreate(
      RestoreRequest request,
      NodeInfo info,
      Map<String, String> keyspaceCql,
      Map<TableRef, TableRef> targets,
      Map<TableRef, NodeManifest.TableEntry> backedUp)
      throws NodeException {
    TreeSet<String> keyspaces = new TreeSet<>();
    targets.values().forEach(t -> keyspaces.add(t.keyspace()));
    Map<TableRef, String> existing = cql.existingTables(info.datacenter(), keyspaces);
    TreeSet<String> existingKeyspaces = new TreeSet<>();
    existing.keySet().forEach(t -> existingKeyspaces.add(t.keyspace()));
    List<String> ddl = new ArrayList<>();
    for (String ks : keyspaces) {
      if (existingKeyspaces.contains(ks)) {
        continue;
      }
      // A keyspace renamed into gets the replication of the keyspace its tables came from.
      String sourceKs =
          targets.entrySet().stream()
              .filter(e -> e.getValue().keyspace().equals(ks))
              .map(e -> e.getKey().keyspace())
              .findFirst()
              .orElse(ks);
      String def = keyspaceCql.get(sourceKs);
      String override = request.replication().get(ks);
      if (override != null) {
        ddl.add(
            "CREATE KEYSPACE IF NOT EXISTS "
                + CqlScript.quote(ks)
                + " WITH replication = "
                + override);
      } else if (def != null) {
        SchemaGate.Checked c = SchemaGate.keyspace(sourceKs, def);
        ddl.add(
            c.statement().render(Map.of(c.keyspaceToken(), ifNotExists(c) + quote(ks)), Set.of()));
      }
    }
    List<String> mismatched = new ArrayList<>();
    for (Map.Entry<TableRef, TableRef> e : targets.entrySet()) {
      TableRef from = e.getKey();
      TableRef to = e.getValue();
      NodeManifest.TableEntry entry = backedUp.get(from);
      String id = existing.get(to);
      if (id == null) {
        if (entry.schemaCql() == null) {
          throw new NodeException(
              "table " + to + " does not exist and the backup has no schema for it");
        }
        for (SchemaGate.Checked c :
            SchemaGate.table(from.keyspace(), from.table(), entry.schemaCql())) {
          if (c.kind() == SchemaGate.Kind.CREATE_VIEW && !from.equals(to)) {
            // Its base table is named in its SELECT, which a rename does not follow: Cassandra
            // would refuse it after the other statements ran, leaving half a schema.
            throw new NodeException(
                from
                    + " is a materialized view, which cannot be restored under another name;"
                    + " restore its base table and create the view again; nothing was restored");
          }
          ddl.add(forTarget(c, from, to));
        }
      } else if (from.equals(to) && !id.equals(entry.tableId())) {
        mismatched.add(to + " (backed up as " + entry.tableId() + ", now " + id + ")");
      }
    }
    if (!mismatched.isEmpty() && !request.ignoreTableIds()) {
      throw new NodeException(
          "tables exist with other ids than in the backup: "
              + mismatched
              + "; pass --ignore-table-ids to restore into them anyway");
    }
    requireOnlyTargets(ddl, keyspaces, new HashSet<>(targets.values()));
    return ddl;
  }

  private static String quote(String name) {
    return CqlScript.quote(name);
  }

  /** "IF NOT EXISTS " unless the statement says so already. */
  private static String ifNotExists(SchemaGate.Checked c) {
    CqlScript.Token before = c.statement().token(c.keyspaceToken() - 1);
    return before != null && before.isWord("EXISTS") ? "" : "IF NOT EXISTS ";
  }

  /**
   * A backed-up schema statement of {@code from} as it runs for {@code to}: the table id dropped
   * (Cassandra refuses to reuse the id of a dropped table), names replaced token by token, index
   * names prefixed with the new table's name (index names are unique per keyspace), types moved
   * with their table's keyspace.
   */
  private static String forTarget(SchemaGate.Checked c, TableRef from, TableRef to) {
    Map<Integer, String> replaced = new java.util.HashMap<>();
    Set<Integer> deleted = new HashSet<>();
    List<CqlScript.Token> tokens = c.statement().tokens();
    if (c.kind() == SchemaGate.Kind.CREATE_TABLE || c.kind() == SchemaGate.Kind.CREATE_VIEW) {
      // Only among the options: a view's WHERE clause may compare a column named id.
      int options = tokens.size();
      for (int i = 0, depth = 0; i < tokens.size(); i++) {
        CqlScript.Token t = tokens.get(i);
        depth += t.isSymbol('(') ? 1 : t.isSymbol(')') ? -1 : 0;
        if (depth == 0 && t.isWord("WITH")) {
          options = i;
          break;
        }
      }
      for (int i = options + 1; i + 2 < tokens.size(); i++) {
        CqlScript.Token before = tokens.get(i - 1);
        if (tokens.get(i).isWord("ID")
            && tokens.get(i + 1).isSymbol('=')
            && (before.isWord("WITH") || before.isWord("AND"))) {
          boolean andFollows = i + 3 < tokens.size() && tokens.get(i + 3).isWord("AND");
          int first = before.isWord("WITH") && andFollows ? i : i - 1;
          int last = before.isWord("WITH") && andFollows ? i + 3 : i + 2;
          for (int d = first; d <= last; d++) {
            deleted.add(d);
          }
          break;
        }
      }
    }
    if (!from.equals(to)) {
      switch (c.kind()) {
        case CREATE_TYPE -> replaced.put(c.keyspaceToken(), quote(to.keyspace()));
        case CREATE_KEYSPACE -> {}
        default -> {
          replaced.put(c.keyspaceToken(), quote(to.keyspace()));
          replaced.put(c.nameToken(), quote(to.table()));
          if (c.indexNameToken() >= 0) {
            String index = tokens.get(c.indexNameToken()).name();
            replaced.put(c.indexNameToken(), quote(to.table() + "_" + index));
          }
        }
      }
    }
    return c.statement().render(replaced, deleted);
  }

  /**
   * The last check on the exact text about to run: each statement is one that {@link SchemaGate}
   * passes, and creates or alters only the keyspaces and tables this restore targets.
   */
  private static void requireOnlyTargets(
      List<String> ddl, java.util.Set<String> keyspaces, java.util.Set<TableRef> tables) {
    for (String statement : ddl) {
      List<CqlScript.Statement> parsed = CqlScript.parse(statement);
      SchemaGate.Checked c = parsed.size() == 1 ? SchemaGate.check(parsed.get(0)) : null;
      boolean ok =
          c != null
              && switch (c.kind()) {
                case CREATE_KEYSPACE, CREATE_TYPE -> keyspaces.contains(c.keyspace());
                default -> tables.contains(new TableRef(c.keyspace(), c.name()));
              };
      if (!ok) {
        throw new IllegalArgumentException(
            "schema statement '"
                + ManifestGate.printable(statement, 200)
                + "' creates something this restore does not target; nothing was changed");
      }
    }
  }

  /** Load mode stages each source node apart: the loader streams one node's SSTables at a time. */
  private static Path stagingBase(Path staging, NodeManifest source, boolean load) {
    return load ? staging.resolve(source.node().hostId()) : staging;
  }

  private static void requireSpace(Path staging, long bytes, long keepFree)
      throws IOException, BackupException {
    Path existing = staging;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    long usable = Files.getFileStore(existing).getUsableSpace();
    long needed = bytes + bytes / 10 + (64L << 20) + keepFree;
    if (usable < needed) {
      throw new BackupException(
          "not enough disk for the restore at "
              + existing
              + ": needs "
              + needed
              + " bytes (backup "
              + bytes
              + " + 10% + 64 MiB"
              + (keepFree > 0 ? " + " + keepFree + " to keep free" : "")
              + "), "
              + usable
              + " usable; nothing was downloaded");
    }
  }

  /** The bulk loader's limit: a change while the restore runs applies from the next table on. */
  private static double loaderRate(RestoreRequest request, RestoreProgress progress) {
    progress.rateLimit().initialize(request.rateLimitMiBps());
    return progress.rateLimit().mibPerSecond();
  }

  private void download(List<Download> downloads, RestoreRequest request, RestoreProgress progress)
      throws IOException, InterruptedException, BackupException {
    RateLimit limiter = progress.rateLimit();
    limiter.initialize(request.rateLimitMiBps());
    TransferControl control =
        new TransferControl(limiter, progress.bytesDone::addAndGet, progress::stopRequested);
    List<Download> ordered = new ArrayList<>(downloads);
    ordered.sort(Comparator.comparingLong((Download d) -> d.file().size()).reversed());
    ExecutorService pool = WorkerPool.fixed("kassette-download", request.parallel());
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Download d : ordered) {
        futures.add(
            pool.submit(
                () -> {
                  fetch(d, control);
                  progress.filesDone.incrementAndGet();
                  progress.tables.done(d.table().toString(), d.file().size());
                  return null;
                }));
      }
      for (Future<Void> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (progress.stopRequested()) {
            throw new InterruptedException("restore " + request.backup() + " stopped");
          }
          Throwable cause = e.getCause();
          throw new BackupException(
              cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
      }
    } finally {
      WorkerPool.stop(pool);
    }
  }

  /** Bytes already staged (verified) by an earlier download step. */
  private static long staged(List<Download> downloads) throws IOException {
    long bytes = 0;
    for (Download d : downloads) {
      if (Files.isRegularFile(d.target()) && Files.size(d.target()) == d.file().size()) {
        bytes += d.file().size();
      }
    }
    return bytes;
  }

  private static void requireStaged(List<Download> downloads) throws IOException, BackupException {
    for (Download d : downloads) {
      if (!Files.isRegularFile(d.target()) || Files.size(d.target()) != d.file().size()) {
        throw new BackupException(
            "staged file "
                + d.target()
                + " is missing or incomplete: run the download step again before the import");
      }
    }
  }

  /**
   * Downloads one file, checking its size and CRC32C as the bytes arrive. It is written under a
   * temporary name and renamed once verified, so a staged file is always a verified one and a
   * repeated download step skips it.
   */
  private Void fetch(Download d, TransferControl control) throws IOException {
    Files.createDirectories(d.target().getParent());
    if (Files.isRegularFile(d.target()) && Files.size(d.target()) == d.file().size()) {
      control.progress().accept(d.file().size());
      return null;
    }
    Path partial = d.target().resolveSibling(d.target().getFileName() + ".part");
    CRC32C crc = new CRC32C();
    long size = 0;
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = store.open(d.file().key());
        OutputStream out = Files.newOutputStream(partial)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        size += n;
        if (size > d.file().size()) {
          break; // longer than the manifest says: corrupt, and never more disk than planned
        }
        control.pass(n);
        crc.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    String actual = Checksums.hex(crc);
    if (size != d.file().size() || !actual.equals(d.file().crc32c())) {
      Files.deleteIfExists(partial);
      throw new IOException(
          "object "
              + store.location().describe(d.file().key())
              + " of "
              + d.table()
              + " is corrupt: "
              + (size > d.file().size() ? "more than " + d.file().size() : String.valueOf(size))
              + " bytes with CRC32C "
              + actual
              + ", the manifest says "
              + d.file().size()
              + " bytes with "
              + d.file().crc32c()
              + "; nothing was imported");
    }
    Files.move(partial, d.target(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return null;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
