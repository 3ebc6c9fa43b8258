package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kassette.backup.BackupCatalog;
import io.kassette.backup.BackupProgress;
import io.kassette.backup.BackupPurge;
import io.kassette.backup.BackupRequest;
import io.kassette.backup.BackupService;
import io.kassette.backup.BucketLayout;
import io.kassette.backup.ManifestCodec;
import io.kassette.backup.Mode;
import io.kassette.backup.NodeManifest;
import io.kassette.backup.Selection;
import io.kassette.backup.VerifyService;
import io.kassette.node.CassandraJmxNode;
import io.kassette.node.CqlSchema;
import io.kassette.node.HostPort;
import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.LocalS3Server;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retention against a REAL Cassandra node, on {@code file://} and on the S3 API server: backups
 * taken between real flushes and major compactions, {@code kassette purge} as users run it, and the
 * survivors verified and restored.
 */
class PurgeIT {
  @TempDir static Path tmp;
  static CassandraNode cassandra;
  static LocalS3Server s3;
  static CqlSession cql;
  static CliProcess cli;
  static String hostId;

  @BeforeAll
  static void start() throws Exception {
    s3 = LocalS3Server.inMemory().createBucket("retention");
    cassandra = CassandraNode.builder(tmp.resolve("node1")).clusterName("purge-it").build().start();
    cql = CqlSessions.open(cassandra);
    cql.execute(
        "CREATE KEYSPACE ret WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
    for (String t : List.of("t", "a", "c")) {
      // Compaction only when the test asks for it, so each backup sees the SSTables it expects.
      cql.execute(
          "CREATE TABLE ret."
              + t
              + " (id int PRIMARY KEY, v blob) WITH compaction ="
              + " {'class':'SizeTieredCompactionStrategy','enabled':'false'}");
    }
    try (CassandraJmxNode jmx = jmx()) {
      hostId = jmx.describe().hostId();
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

  static String location(String store) {
    return store.equals("s3") ? "s3://retention/" + store : "file://" + tmp.resolve("bucket");
  }

  static ObjectStore open(String store) throws Exception {
    return ObjectStores.open(
        StorageLocation.parse(location(store)),
        StorageOptions.defaults()
            .withS3(s3.endpoint(), LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY));
  }

  static void insert(String table, int from, int count, int size) {
    PreparedStatement ps = cql.prepare("INSERT INTO ret." + table + " (id, v) VALUES (?, ?)");
    Random r = new Random(from);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      byte[] b = new byte[size];
      r.nextBytes(b);
      pending.add(cql.executeAsync(ps.bind(i, ByteBuffer.wrap(b))).toCompletableFuture());
      if (pending.size() >= 64) {
        pending.forEach(CompletableFuture::join);
        pending.clear();
      }
    }
    pending.forEach(CompletableFuture::join);
  }

  /** A major compaction of the keyspace: every SSTable of the last backup is replaced. */
  static void compact() throws Exception {
    cassandra.flush("ret");
    cassandra.compact("ret");
  }

  /** Row count and a SHA-256 over every row, order-independent. */
  static String contents(String table) throws Exception {
    List<String> rows = new ArrayList<>();
    for (Row row : cql.execute("SELECT id, v FROM ret." + table)) {
      rows.add(row.getInt("id") + "|" + HexFormat.of().formatHex(row.getByteBuffer("v").array()));
    }
    rows.sort(null);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    rows.forEach(r -> sha.update(r.getBytes(StandardCharsets.UTF_8)));
    return rows.size() + ":" + HexFormat.of().formatHex(sha.digest());
  }

  /** One backup of this node, in-process (the same engine as {@code kassette backup}). */
  static void backup(
      String store, String cluster, String name, String tables, boolean commit, double rate)
      throws Exception {
    backup(store, cluster, name, tables, commit, rate, new BackupProgress());
  }

  static void backup(
      String store,
      String cluster,
      String name,
      String tables,
      boolean commit,
      double rate,
      BackupProgress progress)
      throws Exception {
    try (ObjectStore s = open(store);
        CassandraJmxNode node = jmx()) {
      new BackupService(
              s,
              node,
              new CqlSchema(HostPort.parse(cassandra.cqlAddress(), 9042), null, null, false))
          .run(
              new BackupRequest(
                  cluster,
                  name,
                  Selection.parse(tables),
                  Mode.DIFFERENTIAL,
                  1,
                  rate,
                  false,
                  commit,
                  List.of()),
              progress);
    }
  }

  static CliProcess.Result purge(String store, String cluster, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "purge",
                "--location",
                location(store),
                "--cluster",
                cluster,
                "--s3-endpoint",
                s3.endpoint().toString(),
                "--json"));
    args.addAll(List.of(extra));
    CliProcess.Result r = cli.run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    return r;
  }

  static Set<String> keys(ObjectStore s, String cluster) throws IOException {
    Set<String> keys = new TreeSet<>();
    for (ObjectInfo o : s.list(new BucketLayout(cluster).root())) {
      keys.add(o.key());
    }
    return keys;
  }

  /** Every object the backups need: their own files and the pooled SSTables they reference. */
  static Set<String> needed(ObjectStore s, String cluster, List<String> backups)
      throws IOException {
    BucketLayout layout = new BucketLayout(cluster);
    Set<String> keys = new TreeSet<>();
    keys.add(layout.latestPointer(hostId));
    BackupCatalog catalog = new BackupCatalog(s, cluster);
    for (String b : backups) {
      s.list(layout.backupPrefix(b)).forEach(o -> keys.add(o.key()));
      for (NodeManifest m : catalog.nodeManifests(b)) {
        m.tables().forEach(t -> t.files().forEach(f -> keys.add(f.key())));
      }
    }
    return keys;
  }

  static String[] restoreArgs(String store, String cluster, String backup, String tables) {
    return new String[] {
      "restore",
      "--location",
      location(store),
      "--cluster",
      cluster,
      "--name",
      backup,
      "--jmx",
      cassandra.jmxAddress(),
      "--cql",
      cassandra.cqlAddress(),
      "--s3-endpoint",
      s3.endpoint().toString(),
      "--keyspaces",
      tables,
      "--truncate"
    };
  }

  static void assertVerifies(ObjectStore s, String cluster, String backup) throws Exception {
    VerifyService.Report report = new VerifyService(s, cluster).verify(backup, true, 4);
    assertThat(report.defects()).as("verify --deep " + backup).isEmpty();
    assertThat(report.objects()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3"})
  void keepLastTwoLeavesExactlyTheObjectsOfTheTwoNewestWhichVerifyAndRestore(String store)
      throws Exception {
    String cluster = "keep-" + store;
    Map<String, String> rows = new HashMap<>();
    int id = store.equals("s3") ? 100_000 : 0;
    for (int i = 1; i <= 5; i++) {
      insert("t", id, 300, 1024);
      id += 300;
      if (i == 4) {
        // Never committed, as a backup whose node failed: it must not count as one of the two.
        backup(store, cluster, "b4-failed", "ret.t", false, 0);
      }
      backup(store, cluster, "b" + i, "ret.t", true, 0);
      rows.put("b" + i, contents("t"));
      compact(); // the next backup holds none of this one's SSTables
    }
    Set<String> before;
    try (ObjectStore s = open(store)) {
      before = keys(s, cluster);
    }

    CliProcess.Result r = purge(store, cluster, "--keep-last", "2", "--grace", "0s");
    @SuppressWarnings("unchecked")
    Map<String, Object> result = ManifestCodec.JSON.readValue(r.out(), Map.class);
    assertThat((List<Object>) result.get("kept")).containsExactly("b5", "b4");
    assertThat((List<Object>) result.get("expired")).containsExactlyInAnyOrder("b1", "b2", "b3");
    assertThat((List<Object>) result.get("incomplete")).containsExactly("b4-failed");

    try (ObjectStore s = open(store)) {
      Set<String> after = keys(s, cluster);
      assertThat(after)
          .as("exactly the objects of the two newest backups remain")
          .isEqualTo(needed(s, cluster, List.of("b4", "b5")));
      assertThat(before.size() - after.size())
          .isEqualTo(((Number) result.get("objects")).intValue());
      assertThat(new BackupCatalog(s, cluster).list(true))
          .extracting(BackupCatalog.Listing::name)
          .containsExactlyInAnyOrder("b4", "b5");
      assertVerifies(s, cluster, "b4");
      assertVerifies(s, cluster, "b5");
    }
    for (String b : List.of("b4", "b5")) {
      CliProcess.Result restored = cli.run(restoreArgs(store, cluster, b, "ret.t"));
      assertThat(restored.exit()).as(restored.out() + restored.err()).isZero();
      assertThat(contents("t")).as("rows of " + b + " restored").isEqualTo(rows.get(b));
    }
  }

  /** A store that dies after half of its second delete call: a purge killed halfway through. */
  static ObjectStore dyingHalfway(ObjectStore real) {
    int[] deletes = {0};
    return (ObjectStore)
        Proxy.newProxyInstance(
            ObjectStore.class.getClassLoader(),
            new Class<?>[] {ObjectStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("delete") && ++deletes[0] == 2) {
                @SuppressWarnings("unchecked")
                List<String> keys = new ArrayList<>((java.util.Collection<String>) args[0]);
                real.delete(keys.subList(0, keys.size() / 2));
                throw new IOException("killed");
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3"})
  void aPurgeKilledHalfwayThenRunAgainLeavesNoOrphan(String store) throws Exception {
    String cluster = "kill-" + store;
    for (int i = 1; i <= 3; i++) {
      insert("t", 500_000 + i * 1000, 200, 512);
      backup(store, cluster, "k" + i, "ret.t", true, 0);
      compact();
    }
    try (ObjectStore s = open(store)) {
      BackupPurge.Policy policy = new BackupPurge.Policy(1, null, Duration.ZERO);
      assertThatThrownBy(
              () -> new BackupPurge(dyingHalfway(s), cluster).purge(policy, false, Instant.now()))
          .hasMessageContaining("killed");
      assertThat(new BackupCatalog(s, cluster).list(false))
          .as("the expired backups lost their commit markers before anything else")
          .extracting(BackupCatalog.Listing::name)
          .containsExactly("k3");
    }
    purge(store, cluster, "--keep-last", "1", "--grace", "0s");
    try (ObjectStore s = open(store)) {
      assertThat(keys(s, cluster))
          .as("no orphan: nothing but what k3 needs")
          .isEqualTo(needed(s, cluster, List.of("k3")));
      assertVerifies(s, cluster, "k3");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "s3"})
  void aBackupRunningDuringAPurgeIsUntouchedEvenWhenThePurgeSweepsFilesItFoundStored(String store)
      throws Exception {
    String cluster = "run-" + store;
    cql.execute("TRUNCATE ret.c");
    int base = store.equals("s3") ? 900_000 : 800_000;
    insert("a", base, 300, 1024);
    backup(store, cluster, "only-a", "ret.a", true, 0);
    backup(store, cluster, "only-t", "ret.t", true, 0);
    insert("c", base, 1024, 16 * 1024); // 16 MiB that the running backup uploads slowly
    Thread.sleep(3000); // the first two backups' files are now older than the 2 s grace period

    BackupProgress progress = new BackupProgress();
    CompletableFuture<Void> running =
        CompletableFuture.runAsync(
            () -> {
              try {
                backup(store, cluster, "both", "ret.a,ret.c", true, 1.0, progress);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // Uploading: the backup has listed the pool and found ret.a's files stored.
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> progress.phase() == BackupProgress.Phase.UPLOAD || running.isDone());
    assertThat(running).isNotDone();
    Set<String> onlyA;
    try (ObjectStore s = open(store)) {
      onlyA = needed(s, cluster, List.of("only-a"));
    }

    // only-a expires (only-t is newer) and ret.a's files are referenced by no manifest: swept.
    purge(store, cluster, "--keep-last", "1", "--prefix", "only-", "--grace", "2s");
    try (ObjectStore s = open(store)) {
      assertThat(keys(s, cluster))
          .as("the purge did sweep ret.a's pooled files")
          .doesNotContainAnyElementsOf(
              onlyA.stream().filter(k -> k.contains("/sstables/")).toList());
    }
    assertThat(running).as("still uploading after the purge").isNotDone();

    running.get(3, TimeUnit.MINUTES);
    try (ObjectStore s = open(store)) {
      assertVerifies(s, cluster, "both");
      assertThat(new BackupCatalog(s, cluster).list(true))
          .extracting(BackupCatalog.Listing::name)
          .containsExactlyInAnyOrder("only-t", "both");
    }
    String a = contents("a");
    CliProcess.Result restored = cli.run(restoreArgs(store, cluster, "both", "ret.a"));
    assertThat(restored.exit()).as(restored.out() + restored.err()).isZero();
    assertThat(contents("a")).isEqualTo(a);
  }
}
