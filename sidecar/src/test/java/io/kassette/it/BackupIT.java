package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.kassette.backup.BackupCatalog;
import io.kassette.backup.BackupProgress;
import io.kassette.backup.BackupRequest;
import io.kassette.backup.BackupService;
import io.kassette.backup.BackupSummary;
import io.kassette.backup.BucketLayout;
import io.kassette.backup.ClusterManifest;
import io.kassette.backup.ManifestCodec;
import io.kassette.backup.Mode;
import io.kassette.backup.NodeManifest;
import io.kassette.backup.Selection;
import io.kassette.backup.SnapshotFile;
import io.kassette.backup.SnapshotScanner;
import io.kassette.backup.TableSnapshot;
import io.kassette.node.CassandraJmxNode;
import io.kassette.node.HostPort;
import io.kassette.node.NodeInfo;
import io.kassette.node.TableRef;
import io.kassette.storage.Checksums;
import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.LocalS3Server;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup engine through its command line, against a REAL Cassandra 5.0 node and a real S3 API
 * server on loopback.
 */
class BackupIT {
  @TempDir static Path tmp;
  static CassandraNode cassandra;
  static LocalS3Server s3;
  static CqlSession cql;
  static CliProcess cli;
  static NodeInfo nodeInfo;

  @BeforeAll
  static void start() throws Exception {
    s3 = LocalS3Server.inMemory().createBucket("backups");
    cassandra =
        CassandraNode.builder(tmp.resolve("node1")).clusterName("it-cluster").build().start();
    cql = CqlSessions.open(cassandra);
    String rf1 = "{'class':'SimpleStrategy','replication_factor':1}";
    String noCompaction = "compaction = {'class':'SizeTieredCompactionStrategy','enabled':'false'}";
    cql.execute("CREATE KEYSPACE shop WITH replication = " + rf1);
    cql.execute(
        "CREATE TABLE shop.orders (id int PRIMARY KEY, customer text, payload blob) WITH "
            + noCompaction);
    cql.execute("CREATE INDEX orders_by_customer ON shop.orders (customer)");
    cql.execute("CREATE KEYSPACE metrics WITH replication = " + rf1);
    cql.execute(
        "CREATE TABLE metrics.samples (id int, ts int, v blob, PRIMARY KEY (id, ts)) WITH "
            + noCompaction);
    cql.execute("CREATE KEYSPACE bulk WITH replication = " + rf1);
    cql.execute("CREATE TABLE bulk.blobs (id int PRIMARY KEY, v blob) WITH " + noCompaction);
    insertOrders(0, 2000);
    insertRows("INSERT INTO metrics.samples (id, ts, v) VALUES (?, ?, ?)", 3000, 200, true);
    insertRows("INSERT INTO bulk.blobs (id, v) VALUES (?, ?)", 6000, 4096, false);
    try (CassandraJmxNode jmx = jmx()) {
      nodeInfo = jmx.describe();
    }
    cli = CliProcess.withLocalS3(tmp.resolve("cli"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cql != null) {
      cql.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static CassandraJmxNode jmx() throws Exception {
    return CassandraJmxNode.connect(HostPort.parse(cassandra.jmxAddress(), 7199), null, null);
  }

  static void insertOrders(int from, int to) throws InterruptedException {
    PreparedStatement ps =
        cql.prepare("INSERT INTO shop.orders (id, customer, payload) VALUES (?, ?, ?)");
    Random r = new Random(from);
    runAsync(
        to - from,
        i -> {
          byte[] b = new byte[300];
          r.nextBytes(b);
          return cql.executeAsync(
              ps.bind(from + i, "customer-" + ((from + i) % 50), ByteBuffer.wrap(b)));
        });
  }

  static void insertRows(String insert, int rows, int size, boolean clustered)
      throws InterruptedException {
    PreparedStatement ps = cql.prepare(insert);
    Random r = new Random(rows);
    runAsync(
        rows,
        i -> {
          byte[] b = new byte[size];
          r.nextBytes(b);
          return clustered
              ? cql.executeAsync(ps.bind(i % 100, i, ByteBuffer.wrap(b)))
              : cql.executeAsync(ps.bind(i, ByteBuffer.wrap(b)));
        });
  }

  static void runAsync(int n, java.util.function.IntFunction<CompletionStage<?>> op)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(64);
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      op.apply(i).whenComplete((x, e) -> inFlight.release());
    }
    inFlight.acquire(64);
  }

  static StorageOptions s3Options() {
    return StorageOptions.defaults()
        .withS3(s3.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY);
  }

  static ObjectStore s3Store() throws Exception {
    return ObjectStores.open(StorageLocation.parse("s3://backups"), s3Options());
  }

  static String[] backupArgs(String location, String cluster, String name, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "backup",
                "--location",
                location,
                "--cluster",
                cluster,
                "--name",
                name,
                "--jmx",
                cassandra.jmxAddress(),
                "--cql",
                cassandra.cqlAddress(),
                "--s3-endpoint",
                s3.endpoint().toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  static NodeManifest nodeManifest(ObjectStore store, String cluster, String backup)
      throws Exception {
    return ManifestCodec.fromGzipJson(
        store.get(new BucketLayout(cluster).nodeManifest(backup, nodeInfo.hostId())),
        NodeManifest.class);
  }

  static Set<String> keys(ObjectStore store, String prefix) throws Exception {
    return store.list(prefix).stream().map(ObjectInfo::key).collect(Collectors.toSet());
  }

  static List<Path> leftoverSnapshots() throws Exception {
    try (Stream<Path> walk = Files.walk(cassandra.dataDir(), 4)) {
      return walk.filter(
              p ->
                  p.getParent() != null
                      && p.getParent().getFileName().toString().equals("snapshots")
                      && p.getFileName().toString().startsWith("kassette-"))
          .toList();
    }
  }

  @Test
  void backsUpTwoKeyspacesAndTheManifestMatchesTheSnapshot() throws Exception {
    try {
      backUpTwoKeyspaces();
    } finally {
      try (CassandraJmxNode jmx = jmx()) {
        jmx.clearSnapshot("kassette-first", List.of("shop", "metrics"));
      }
    }
  }

  private void backUpTwoKeyspaces() throws Exception {
    var result =
        cli.run(
            backupArgs(
                "s3://backups",
                "two-ks",
                "first",
                "--keyspaces",
                "shop,metrics",
                "--keep-snapshot",
                "--json"));
    assertThat(result.exit()).as(result.err()).isZero();

    try (ObjectStore store = s3Store()) {
      NodeManifest manifest = nodeManifest(store, "two-ks", "first");
      assertThat(manifest.tables())
          .extracting(t -> t.keyspace() + "." + t.table())
          .containsExactly("metrics.samples", "shop.orders");
      assertThat(manifest.node().hostId()).isEqualTo(nodeInfo.hostId());
      assertThat(manifest.node().tokens()).isNotEmpty();
      assertThat(manifest.keyspaces()).containsKeys("shop", "metrics");
      assertThat(manifest.keyspaces().get("shop"))
          .contains("CREATE KEYSPACE \"shop\"")
          .contains("SimpleStrategy");

      // Every file of the snapshot, and only those, with its size and checksum.
      List<TableSnapshot> snapshot =
          new SnapshotScanner(List.of(cassandra.dataDir()))
              .scan(
                  "kassette-first",
                  List.of(new TableRef("metrics", "samples"), new TableRef("shop", "orders")));
      Map<String, NodeManifest.FileEntry> byPath = new HashMap<>();
      manifest
          .tables()
          .forEach(t -> t.files().forEach(f -> byPath.put(t.keyspace() + "/" + f.path(), f)));
      int files = 0;
      for (TableSnapshot t : snapshot) {
        assertThat(t.schemaCql()).contains("CREATE TABLE");
        for (SnapshotFile f : t.files()) {
          NodeManifest.FileEntry e = byPath.get(t.table().keyspace() + "/" + f.relativePath());
          assertThat(e).as(f.relativePath()).isNotNull();
          assertThat(e.size()).isEqualTo(f.size());
          assertThat(e.crc32c()).isEqualTo(Checksums.crc32c(f.path()));
          assertThat(store.stat(e.key())).get().extracting(ObjectInfo::size).isEqualTo(f.size());
          files++;
        }
      }
      assertThat(byPath).hasSize(files);
      // The secondary index's SSTables are in the backup too.
      assertThat(byPath.keySet()).anyMatch(p -> p.startsWith("shop/.orders_by_customer/"));
      assertThat(
              manifest.tables().stream()
                  .filter(t -> t.table().equals("orders"))
                  .findFirst()
                  .orElseThrow()
                  .schemaCql())
          .contains("CREATE INDEX IF NOT EXISTS orders_by_customer ON shop.orders (customer)");

      ClusterManifest committed = new BackupCatalog(store, "two-ks").clusterManifest("first");
      assertThat(committed.nodes()).hasSize(1);
      assertThat(committed.files()).isEqualTo(files);
    }
    var list =
        cli.run(
            "list",
            "--location",
            "s3://backups",
            "--cluster",
            "two-ks",
            "--s3-endpoint",
            s3.endpoint().toString());
    assertThat(list.exit()).isZero();
    assertThat(list.out()).contains("first").contains("complete");
  }

  @Test
  void unchangedRerunUploadsNothingAndNewRowsUploadOnlyTheNewSSTables() throws Exception {
    String cluster = "dedup";
    var first = cli.run(backupArgs("s3://backups", cluster, "b1", "--keyspaces", "shop", "--json"));
    assertThat(first.exit()).as(first.err()).isZero();
    var second =
        cli.run(backupArgs("s3://backups", cluster, "b2", "--keyspaces", "shop", "--json"));
    assertThat(second.exit()).as(second.err()).isZero();
    Map<?, ?> summary = ManifestCodec.JSON.readValue(second.out(), Map.class);
    Map<?, ?> totals = (Map<?, ?>) summary.get("totals");
    assertThat(((Number) totals.get("uploadedBytes")).longValue()).isZero();
    assertThat(((Number) totals.get("uploadedFiles")).longValue()).isZero();
    assertThat(totals.get("skippedFiles")).isEqualTo(totals.get("files"));
    assertThat(leftoverSnapshots()).isEmpty();

    try (ObjectStore store = s3Store()) {
      String pool = "kassette/v1/" + cluster + "/nodes/" + nodeInfo.hostId() + "/sstables/";
      Set<String> before = keys(store, pool);
      Set<String> b2Keys = new HashSet<>();
      nodeManifest(store, cluster, "b2")
          .tables()
          .forEach(t -> t.files().forEach(f -> b2Keys.add(f.key())));
      assertThat(before).isEqualTo(b2Keys);
      // Same schema version: the keyspace definitions are carried over without opening CQL.
      NodeManifest m1 = nodeManifest(store, cluster, "b1");
      NodeManifest m2 = nodeManifest(store, cluster, "b2");
      assertThat(m2.schemaVersion()).isNotBlank().isEqualTo(m1.schemaVersion());
      assertThat(m2.keyspaces()).isEqualTo(m1.keyspaces()).containsKey("shop");

      insertOrders(100_000, 101_000); // flushed by the next snapshot into new SSTables
      var third =
          cli.run(backupArgs("s3://backups", cluster, "b3", "--keyspaces", "shop", "--json"));
      assertThat(third.exit()).as(third.err()).isZero();
      Map<?, ?> t3 = (Map<?, ?>) ManifestCodec.JSON.readValue(third.out(), Map.class).get("totals");

      Set<String> added = new HashSet<>(keys(store, pool));
      added.removeAll(before);
      // Only the new SSTables (the table's and its index's) were uploaded: their directories are
      // new.
      Set<String> oldSSTables =
          before.stream().map(k -> k.substring(0, k.lastIndexOf('/'))).collect(Collectors.toSet());
      assertThat(added)
          .isNotEmpty()
          .allMatch(k -> !oldSSTables.contains(k.substring(0, k.lastIndexOf('/'))));
      assertThat(((Number) t3.get("uploadedFiles")).longValue()).isEqualTo(added.size());
      NodeManifest m3 = nodeManifest(store, cluster, "b3");
      Set<String> m3Keys = new HashSet<>();
      m3.tables().forEach(t -> t.files().forEach(f -> m3Keys.add(f.key())));
      assertThat(m3Keys).containsAll(before).containsAll(added);
    }
  }

  @Test
  void fullModeGivesTheBackupItsOwnCopyByServerSideCopy() throws Exception {
    String cluster = "full";
    var differential = cli.run(backupArgs("s3://backups", cluster, "d1", "--keyspaces", "metrics"));
    assertThat(differential.exit()).as(differential.err()).isZero();
    var full =
        cli.run(
            backupArgs(
                "s3://backups",
                cluster,
                "f1",
                "--keyspaces",
                "metrics",
                "--mode",
                "full",
                "--json"));
    assertThat(full.exit()).as(full.err()).isZero();
    Map<?, ?> totals =
        (Map<?, ?>) ManifestCodec.JSON.readValue(full.out(), Map.class).get("totals");
    assertThat(((Number) totals.get("uploadedBytes")).longValue()).isZero(); // copied, not uploaded

    try (ObjectStore store = s3Store()) {
      NodeManifest m = nodeManifest(store, cluster, "f1");
      assertThat(m.mode()).isEqualTo("full");
      String own = new BucketLayout(cluster).ownDataPrefix("f1", nodeInfo.hostId());
      List<String> fileKeys = new ArrayList<>();
      m.tables().forEach(t -> t.files().forEach(f -> fileKeys.add(f.key())));
      assertThat(fileKeys).isNotEmpty().allMatch(k -> k.startsWith(own));
      assertThat(keys(store, own)).containsExactlyInAnyOrderElementsOf(fileKeys);
    }
    var verify =
        cli.run(
            "verify",
            "--location",
            "s3://backups",
            "--cluster",
            cluster,
            "--name",
            "f1",
            "--deep",
            "--s3-endpoint",
            s3.endpoint().toString());
    assertThat(verify.exit()).as(verify.err()).isZero();
  }

  @Test
  void failedUploadsAreRetriedAndProgressNeverCountsTwice() throws Exception {
    String location = "file://" + tmp.resolve("retry-bucket");
    try (FailingOnceStore store =
            new FailingOnceStore(
                ObjectStores.open(StorageLocation.parse(location), StorageOptions.defaults()));
        CassandraJmxNode node = jmx()) {
      BackupProgress progress = new BackupProgress();
      BackupSummary summary =
          new BackupService(store, node, null)
              .run(
                  new BackupRequest(
                      "retry",
                      "r1",
                      Selection.parse("metrics"),
                      Mode.DIFFERENTIAL,
                      4,
                      0,
                      false,
                      true,
                      List.of()),
                  progress);
      assertThat(summary.totals().uploadedFiles()).isEqualTo(summary.totals().files()).isPositive();
      assertThat(store.attempts.values()).allMatch(a -> a.get() == 2);
      BackupProgress.Snapshot done = progress.snapshot();
      assertThat(done.bytesDone()).isEqualTo(done.bytesTotal());
      assertThat(done.percent()).isEqualTo(100.0);
    }
    var verify =
        cli.run("verify", "--location", location, "--cluster", "retry", "--name", "r1", "--deep");
    assertThat(verify.exit()).as(verify.err()).isZero();
  }

  @Test
  void aKilledBackupResumesWithoutDuplicateObjects() throws Exception {
    String cluster = "resume";
    var running =
        cli.start(
            backupArgs(
                "s3://backups",
                cluster,
                "big",
                "--keyspaces",
                "bulk",
                "--rate-limit",
                "2",
                "--parallel",
                "2"));
    String pool = "kassette/v1/" + cluster + "/nodes/" + nodeInfo.hostId() + "/sstables/";
    try (ObjectStore store = s3Store()) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (keys(store, pool).isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertThat(running.process().isAlive()).as("still uploading when killed").isTrue();
      running.process().destroyForcibly().waitFor(); // SIGKILL: no finally, no cleanup
      assertThat(new BackupCatalog(store, cluster).clusterManifest("big")).isNull();
      int partial = keys(store, pool).size();

      var resumed =
          cli.run(backupArgs("s3://backups", cluster, "big", "--keyspaces", "bulk", "--json"));
      assertThat(resumed.exit()).as(resumed.err()).isZero();
      Map<?, ?> totals =
          (Map<?, ?>) ManifestCodec.JSON.readValue(resumed.out(), Map.class).get("totals");
      assertThat(((Number) totals.get("skippedFiles")).longValue()).isGreaterThanOrEqualTo(partial);
      assertThat(resumed.out()).contains("reused the snapshot kassette-big");

      NodeManifest m = nodeManifest(store, cluster, "big");
      List<String> manifestKeys = new ArrayList<>();
      m.tables().forEach(t -> t.files().forEach(f -> manifestKeys.add(f.key())));
      assertThat(keys(store, pool)).containsExactlyInAnyOrderElementsOf(manifestKeys);
      assertThat(new BackupCatalog(store, cluster).clusterManifest("big")).isNotNull();
    }
    assertThat(leftoverSnapshots()).isEmpty();
  }

  @Test
  void verifyPassesOnAGoodBackupAndNamesADeletedOrCorruptObject() throws Exception {
    String location = "file://" + tmp.resolve("bucket");
    String cluster = "verify";
    var backup = cli.run(backupArgs(location, cluster, "v1", "--keyspaces", "metrics"));
    assertThat(backup.exit()).as(backup.err()).isZero();
    String[] verify = {"verify", "--location", location, "--cluster", cluster, "--name", "v1"};
    assertThat(cli.run(verify).exit()).isZero();
    var deep = cli.run(append(verify, "--deep"));
    assertThat(deep.exit()).as(deep.err()).isZero();
    assertThat(deep.out()).contains("backup v1 is good").contains("checksums match");

    try (ObjectStore store =
        ObjectStores.open(StorageLocation.parse(location), StorageOptions.defaults())) {
      List<NodeManifest.FileEntry> files = new ArrayList<>();
      nodeManifest(store, cluster, "v1").tables().forEach(t -> files.addAll(t.files()));
      files.sort((a, b) -> Long.compare(b.size(), a.size()));
      NodeManifest.FileEntry corrupt = files.get(0);
      NodeManifest.FileEntry missing = files.get(1);

      byte[] bytes = store.get(corrupt.key());
      bytes[bytes.length / 2] ^= 0x5a;
      store.put(corrupt.key(), bytes);
      var deepAfterCorruption = cli.run(append(verify, "--deep"));
      assertThat(deepAfterCorruption.exit()).isEqualTo(1);
      assertThat(deepAfterCorruption.err()).contains(corrupt.key()).contains("corrupt");

      store.delete(List.of(missing.key()));
      var afterDelete = cli.run(verify);
      assertThat(afterDelete.exit()).isEqualTo(1);
      assertThat(afterDelete.err()).contains("missing object").contains(missing.key());
    }
  }

  @Test
  void badInputGivesOneLineErrorsAndLeavesNothingLookingComplete() throws Exception {
    Path plainFile = Files.writeString(tmp.resolve("not-a-dir"), "x");
    record Case(String[] args, Map<String, String> env, int exit, String message) {}
    Map<String, String> wrongKeys =
        Map.of(
            "AWS_ACCESS_KEY_ID",
            LocalS3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            "definitely-wrong",
            "AWS_REGION",
            "us-east-1");
    List<Case> cases =
        List.of(
            new Case(backupArgs("ftp://host/x", "bad", "b"), null, 2, "unknown scheme 'ftp'"),
            new Case(
                backupArgs("s3://backups", "bad", "b", "--jmx", "127.0.0.1:1"),
                null,
                1,
                "cannot reach Cassandra JMX at 127.0.0.1:1"),
            new Case(
                backupArgs("s3://backups", "bad", "b"),
                wrongKeys,
                1,
                "S3 rejected the credentials for s3://backups"),
            new Case(
                backupArgs("s3://backups", "bad", "b", "--keyspaces", "nothing_here*"),
                null,
                1,
                "pattern 'nothing_here*' matches no table"),
            new Case(
                backupArgs("s3://backups", "bad", "b", "--parallel", "0"),
                null,
                2,
                "--parallel must be between 1 and 256"),
            new Case(
                backupArgs("file://" + plainFile + "/backups", "bad", "b"),
                null,
                1,
                "cannot write under file://" + plainFile));
    for (Case c : cases) {
      var result =
          c.env() == null
              ? cli.run(c.args())
              : new CliProcess(tmp.resolve("cli-env"), c.env()).run(c.args());
      assertThat(result.exit())
          .as(String.join(" ", c.args()) + "\n" + result.err())
          .isEqualTo(c.exit());
      List<String> lines = result.err().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).as(result.err()).hasSize(1);
      assertThat(lines.get(0)).contains(c.message()).doesNotContain("definitely-wrong");
    }
    try (ObjectStore store = s3Store()) {
      assertThat(new BackupCatalog(store, "bad").list(true)).isEmpty();
    }
    assertThat(leftoverSnapshots()).noneMatch(p -> p.endsWith("kassette-b"));
  }

  static String[] append(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
