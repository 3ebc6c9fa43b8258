package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.kassette.backup.BucketLayout;
import io.kassette.backup.ManifestCodec;
import io.kassette.backup.NodeManifest;
import io.kassette.node.CassandraJmxNode;
import io.kassette.node.HostPort;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores through the command line into a REAL, running Cassandra 5.0 node. */
class RestoreIT {
  @TempDir static Path tmp;
  static CassandraNode cassandra;
  static CqlSession cql;
  static CliProcess cli;
  static String hostId;
  static String location;

  @BeforeAll
  static void start() throws Exception {
    cassandra =
        CassandraNode.builder(tmp.resolve("node1")).clusterName("restore-it").build().start();
    cql = CqlSessions.open(cassandra);
    try (CassandraJmxNode jmx =
        CassandraJmxNode.connect(HostPort.parse(cassandra.jmxAddress(), 7199), null, null)) {
      hostId = jmx.describe().hostId();
    }
    cli = new CliProcess(tmp.resolve("cli"), Map.of());
    location = "file://" + tmp.resolve("bucket");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cql != null) {
      cql.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
  }

  static void createAndFill(String ks, int rows) {
    cql.execute(
        "CREATE KEYSPACE IF NOT EXISTS "
            + ks
            + " WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
    for (String t : List.of("a", "b")) {
      cql.execute(
          "CREATE TABLE IF NOT EXISTS " + ks + "." + t + " (id int PRIMARY KEY, tag text, v blob)");
    }
    cql.execute("CREATE INDEX IF NOT EXISTS " + t(ks, "a") + "_by_tag ON " + ks + ".a (tag)");
    insert(ks, "a", 0, rows);
    insert(ks, "b", 0, rows);
  }

  static String t(String ks, String table) {
    return ks + "_" + table;
  }

  static void insert(String ks, String table, int from, int to) {
    PreparedStatement ps =
        cql.prepare("INSERT INTO " + ks + "." + table + " (id, tag, v) VALUES (?, ?, ?)");
    Random r = new Random(from);
    for (int i = from; i < to; i++) {
      byte[] b = new byte[200];
      r.nextBytes(b);
      cql.execute(ps.bind(i, "tag-" + (i % 7), ByteBuffer.wrap(b)));
    }
  }

  /** Row count and a SHA-256 over every row, order-independent. */
  static String contents(String ks, String table) throws Exception {
    List<String> rows = new ArrayList<>();
    for (Row row : cql.execute("SELECT id, tag, v FROM " + ks + "." + table)) {
      rows.add(
          row.getInt("id")
              + "|"
              + row.getString("tag")
              + "|"
              + HexFormat.of().formatHex(row.getByteBuffer("v").array()));
    }
    rows.sort(null);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    rows.forEach(r -> sha.update(r.getBytes(StandardCharsets.UTF_8)));
    return rows.size() + ":" + HexFormat.of().formatHex(sha.digest());
  }

  static String[] args(String command, String cluster, String name, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                command,
                "--location",
                location,
                "--cluster",
                cluster,
                "--name",
                name,
                "--jmx",
                cassandra.jmxAddress(),
                "--cql",
                cassandra.cqlAddress()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  static void ok(CliProcess.Result r) {
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
  }

  @Test
  void truncateRestoresExactlyTheBackedUpRowsWithoutARestart() throws Exception {
    createAndFill("exact", 500);
    String a = contents("exact", "a");
    String b = contents("exact", "b");
    ok(cli.run(args("backup", "exact", "b1", "--keyspaces", "exact")));

    insert("exact", "a", 500, 800); // rows written after the backup
    cql.execute("DELETE FROM exact.b WHERE id = 3");
    long pid = cassandra.pid();

    var restore = cli.run(args("restore", "exact", "b1", "--truncate"));
    ok(restore);
    assertThat(restore.out()).contains("truncated first");
    assertThat(contents("exact", "a")).isEqualTo(a);
    assertThat(contents("exact", "b")).isEqualTo(b);
    assertThat(cassandra.isRunning()).isTrue();
    assertThat(cassandra.pid()).isEqualTo(pid);
    // The secondary index was rebuilt for the imported SSTables and answers queries.
    assertThat(cql.execute("SELECT id FROM exact.a WHERE tag = 'tag-3'").all()).hasSize(71);
    assertThat(stagingLeft()).isEmpty();
  }

  @Test
  void restoringOneTableLeavesTheOtherAlone() throws Exception {
    createAndFill("pick", 300);
    String a = contents("pick", "a");
    ok(cli.run(args("backup", "pick", "b1", "--keyspaces", "pick")));
    cql.execute("TRUNCATE pick.a");
    cql.execute("TRUNCATE pick.b");

    var restore = cli.run(args("restore", "pick", "b1", "--keyspaces", "pick.a"));
    ok(restore);
    assertThat(restore.out()).contains("merged");
    assertThat(contents("pick", "a")).isEqualTo(a);
    assertThat(contents("pick", "b")).startsWith("0:");
  }

  @Test
  void aTableRestoresUnderAnotherNameInANewKeyspace() throws Exception {
    createAndFill("src", 150);
    String a = contents("src", "a");
    ok(cli.run(args("backup", "src", "b1", "--keyspaces", "src.a")));

    var restore = cli.run(args("restore", "src", "b1", "--rename", "src.a=copy.a2"));
    ok(restore);
    assertThat(restore.out())
        .contains("src.a -> copy.a2")
        .contains("created: CREATE KEYSPACE IF NOT EXISTS copy");
    cql.refreshSchema();
    assertThat(contents("copy", "a2")).isEqualTo(a);
    assertThat(contents("src", "a")).isEqualTo(a); // the original is untouched
    assertThat(cql.execute("SELECT id FROM copy.a2 WHERE tag = 'tag-2'").all()).isNotEmpty();

    var injection =
        cli.run(args("restore", "src", "b1", "--replication", "x={'a':1}; DROP KEYSPACE src"));
    assertThat(injection.exit()).isEqualTo(2);
    assertThat(injection.err()).contains("--replication").contains("is invalid");

    var bad = cli.run(args("restore", "src", "b1", "--rename", "src.zz=copy.zz"));
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("src.zz is not among the tables restored");
  }

  @Test
  void aDroppedKeyspaceIsRecreatedWithItsData() throws Exception {
    createAndFill("gone", 200);
    String a = contents("gone", "a");
    String b = contents("gone", "b");
    ok(cli.run(args("backup", "gone", "b1", "--keyspaces", "gone")));
    cql.execute("DROP KEYSPACE gone");

    var dryRun = cli.run(args("restore", "gone", "b1", "--dry-run"));
    ok(dryRun);
    assertThat(dryRun.out()).contains("would run: CREATE KEYSPACE IF NOT EXISTS");
    assertThat(cql.getMetadata().getKeyspace("gone")).isEmpty();

    ok(
        cli.run(
            args(
                "restore",
                "gone",
                "b1",
                "--replication",
                "gone={'class':'NetworkTopologyStrategy','dc1':'1'}")));
    cql.refreshSchema();
    assertThat(cql.getMetadata().getKeyspace("gone").orElseThrow().getReplication().get("class"))
        .endsWith("NetworkTopologyStrategy");
    assertThat(contents("gone", "a")).isEqualTo(a);
    assertThat(contents("gone", "b")).isEqualTo(b);
    assertThat(cql.execute("SELECT id FROM gone.a WHERE tag = 'tag-1'").all()).isNotEmpty();
  }

  @Test
  void aHostileManifestIsRefusedBeforeAnyByteIsWritten() throws Exception {
    createAndFill("evil", 50);
    ok(cli.run(args("backup", "evil", "b1", "--keyspaces", "evil")));
    String before = contents("evil", "a");
    try (ObjectStore store =
        ObjectStores.open(StorageLocation.parse(location), StorageOptions.defaults())) {
      String key = new BucketLayout("evil").nodeManifest("b1", hostId);
      NodeManifest m = ManifestCodec.fromGzipJson(store.get(key), NodeManifest.class);
      List<NodeManifest.TableEntry> tables = new ArrayList<>(m.tables());
      NodeManifest.TableEntry t = tables.get(0);
      List<NodeManifest.FileEntry> files = new ArrayList<>(t.files());
      NodeManifest.FileEntry f = files.get(files.size() - 1);
      files.add(new NodeManifest.FileEntry("../../../../etc/x", f.key(), f.size(), f.crc32c()));
      tables.set(
          0,
          new NodeManifest.TableEntry(t.keyspace(), t.table(), t.tableId(), t.schemaCql(), files));
      store.put(
          key,
          ManifestCodec.gzipJson(
              new NodeManifest(
                  m.format(),
                  m.backup(),
                  m.cluster(),
                  m.mode(),
                  m.node(),
                  m.startedAt(),
                  m.completedAt(),
                  m.schemaVersion(),
                  m.keyspaces(),
                  tables,
                  m.totals())));
    }
    var restore = cli.run(args("restore", "evil", "b1", "--truncate"));
    assertThat(restore.exit()).isEqualTo(1);
    assertThat(restore.err()).contains("../../../../etc/x").contains("nothing was restored");
    assertThat(stagingLeft()).isEmpty();
    assertThat(contents("evil", "a")).isEqualTo(before); // not truncated
  }

  @Test
  void aCorruptObjectFailsTheRestoreNamingTheFileAndNothingIsImported() throws Exception {
    createAndFill("rot", 300);
    ok(cli.run(args("backup", "rot", "b1", "--keyspaces", "rot.b")));
    String before = contents("rot", "b");
    NodeManifest.FileEntry victim;
    try (ObjectStore store =
        ObjectStores.open(StorageLocation.parse(location), StorageOptions.defaults())) {
      NodeManifest m =
          ManifestCodec.fromGzipJson(
              store.get(new BucketLayout("rot").nodeManifest("b1", hostId)), NodeManifest.class);
      victim =
          m.tables().get(0).files().stream()
              .filter(f -> f.path().endsWith("Data.db"))
              .findFirst()
              .orElseThrow();
      byte[] bytes = store.get(victim.key());
      bytes[bytes.length / 3] ^= 0x01;
      store.put(victim.key(), bytes);
    }
    insert("rot", "b", 300, 350);
    String changed = contents("rot", "b");
    var restore = cli.run(args("restore", "rot", "b1", "--truncate"));
    assertThat(restore.exit()).isEqualTo(1);
    assertThat(restore.err())
        .contains(victim.key())
        .contains("corrupt")
        .contains("nothing was imported");
    assertThat(contents("rot", "b")).isEqualTo(changed).isNotEqualTo(before); // not truncated
    assertThat(stagingLeft()).isEmpty();
  }

  static List<Path> stagingLeft() throws Exception {
    Path staging = cassandra.dataDir().getParent().resolve("kassette-staging");
    if (!Files.exists(staging)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(staging)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
