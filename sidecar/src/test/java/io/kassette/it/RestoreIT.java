package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kassette.backup.BucketLayout;
import io.kassette.backup.ManifestCodec;
import io.kassette.backup.NodeManifest;
import io.kassette.node.CassandraJmxNode;
import io.kassette.node.HostPort;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.Azurite;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.FakeGcsServer;
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
    return digest(rows);
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

  /**
   * The operator runs a restore as five steps on every node, each a separate operation of the
   * agent, validate in the spec's mode and the others in the mode and sources validation chose: the
   * node manifest is read once per backup, while each step reads the commit marker, so a backup
   * deleted and taken again under the same name between two steps is the one restored.
   */
  @Test
  void theStepsOfOneRestoreReadTheNodeManifestOnceAndFollowARetakenBackup() throws Exception {
    createAndFill("steps", 300);
    ok(cli.run(args("backup", "steps", "b1", "--keyspaces", "steps")));

    java.util.concurrent.atomic.AtomicInteger manifestReads =
        new java.util.concurrent.atomic.AtomicInteger();
    var sources = new io.kassette.restore.RestoreSources();
    String retaken = null;
    for (var step :
        List.of(
            io.kassette.restore.RestoreRequest.Step.VALIDATE,
            io.kassette.restore.RestoreRequest.Step.SCHEMA,
            io.kassette.restore.RestoreRequest.Step.DOWNLOAD,
            io.kassette.restore.RestoreRequest.Step.TRUNCATE,
            io.kassette.restore.RestoreRequest.Step.IMPORT)) {
      boolean validate = step == io.kassette.restore.RestoreRequest.Step.VALIDATE;
      if (step == io.kassette.restore.RestoreRequest.Step.IMPORT) {
        assertThat(sources.nodeReads()).as("read again for the backup taken again").isEqualTo(2);
      }
      // a store, a node connection and a service per step, as the agent opens them per operation
      try (ObjectStore files =
              ObjectStores.open(StorageLocation.parse(location), StorageOptions.defaults());
          ObjectStore store =
              new io.kassette.storage.ForwardingStore(files) {
                @Override
                public java.io.InputStream open(String key) throws java.io.IOException {
                  if (key.contains("/backups/b1/")) {
                    manifestReads.incrementAndGet();
                  }
                  return super.open(key);
                }
              };
          CassandraJmxNode node =
              CassandraJmxNode.connect(HostPort.parse(cassandra.jmxAddress(), 7199), null, null)) {
        var request =
            new io.kassette.restore.RestoreRequest(
                "steps",
                "b1",
                io.kassette.backup.Selection.parse("steps"),
                true,
                validate ? null : hostId,
                2,
                0,
                false,
                null,
                false,
                validate
                    ? io.kassette.restore.RestoreRequest.Mode.AUTO
                    : io.kassette.restore.RestoreRequest.Mode.IMPORT,
                null,
                Map.of(),
                Map.of(),
                step,
                0);
        new io.kassette.restore.RestoreService(
                store,
                node,
                new io.kassette.node.CqlSchema(
                    HostPort.parse(cassandra.cqlAddress(), 9042), null, null, false),
                sources)
            .run(request, new io.kassette.restore.RestoreProgress());
        if (step == io.kassette.restore.RestoreRequest.Step.SCHEMA) {
          // b1 is deleted (its commit marker and manifests first, as a deletion does) and taken
          // again under the same name with more rows, between two steps of the same mode and
          // sources
          BucketLayout layout = new BucketLayout("steps");
          files.delete(List.of(layout.clusterManifest("b1"), layout.nodeManifest("b1", hostId)));
          insert("steps", "a", 300, 400);
          retaken = contents("steps", "a");
          ok(cli.run(args("backup", "steps", "b1", "--keyspaces", "steps")));
          insert("steps", "a", 400, 450);
        }
      }
    }

    assertThat(contents("steps", "a")).as("the backup taken again").isEqualTo(retaken);
    assertThat(sources.nodeReads()).as("once per backup of that name").isEqualTo(2);
    assertThat(manifestReads.get())
        .as("the commit marker at each step, the node manifest once per backup")
        .isEqualTo(5 + 2);
    assertThat(stagingLeft()).isEmpty();
  }

  @Test
  void aBackupOnGcsOverHttpRestoresExactlyItsRows() throws Exception {
    try (FakeGcsServer gcs =
        FakeGcsServer.start(tmp.resolve("fake-gcs.log")).createBucket("kassette-it")) {
      CliProcess gcsCli =
          new CliProcess(
              tmp.resolve("cli-gcs"),
              Map.of(
                  "KASSETTE_GCS_ENDPOINT",
                  gcs.endpoint().toString(),
                  "KASSETTE_GCS_PROJECT",
                  "test"));
      backUpChangeAndRestore(gcsCli, "gs://kassette-it/prod", "ongcs");
    }
  }

  @Test
  void aBackupOnAzureBlobStorageRestoresExactlyItsRows() throws Exception {
    try (Azurite azure = Azurite.start(tmp.resolve("azurite"))) {
      new com.azure.storage.blob.BlobServiceClientBuilder()
          .connectionString(azure.connectionString())
          .buildClient()
          .createBlobContainer("kassette-it");
      CliProcess azureCli =
          new CliProcess(
              tmp.resolve("cli-azure"),
              Map.of("AZURE_STORAGE_CONNECTION_STRING", azure.connectionString()));
      backUpChangeAndRestore(azureCli, "az://kassette-it/prod", "onazure");
    }
  }

  /**
   * Client-side encryption end to end on a real node: the rows hold a marker that an unencrypted
   * backup of the same table shows in its objects (uncompressed SSTables), and that no object of
   * the encrypted backup contains; deep verify decrypts and checks it; a restore with a key of the
   * same id but other bytes fails before touching the node, naming the key; with the right key it
   * restores exactly the backed-up rows.
   */
  @Test
  void anEncryptedBackupHoldsNoPlaintextAndRestoresOnlyWithItsKey() throws Exception {
    String marker = "kassette-marker-5d1e0b";
    cql.execute(
        "CREATE KEYSPACE IF NOT EXISTS sealed WITH replication ="
            + " {'class':'SimpleStrategy','replication_factor':1}");
    cql.execute(
        "CREATE TABLE IF NOT EXISTS sealed.notes (id int PRIMARY KEY, note text)"
            + " WITH compression = {'enabled': 'false'}");
    PreparedStatement ps = cql.prepare("INSERT INTO sealed.notes (id, note) VALUES (?, ?)");
    for (int i = 0; i < 300; i++) {
      cql.execute(ps.bind(i, marker + " row " + i));
    }
    String notes = contents2("sealed", "notes");

    Path keys = Files.createDirectories(tmp.resolve("encryption-keys"));
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Files.writeString(keys.resolve("k1"), java.util.Base64.getEncoder().encodeToString(key));
    Map<String, String> encryptedEnv =
        Map.of("KASSETTE_ENCRYPTION_KEYS", keys.toString(), "KASSETTE_ENCRYPTION_KEY_ID", "k1");
    CliProcess sealedCli = new CliProcess(tmp.resolve("cli-sealed"), encryptedEnv);
    String sealedLocation = "file://" + tmp.resolve("bucket-sealed");
    String plainLocation = "file://" + tmp.resolve("bucket-plain");

    String[] plainBackup = args("backup", "sealed", "p1", "--keyspaces", "sealed");
    plainBackup[2] = plainLocation;
    ok(cli.run(plainBackup));
    assertThat(objectsContaining(tmp.resolve("bucket-plain"), marker))
        .as("the control: unencrypted, the marker is in the stored SSTables")
        .isNotEmpty();

    String[] backup = args("backup", "sealed", "e1", "--keyspaces", "sealed");
    backup[2] = sealedLocation;
    ok(sealedCli.run(backup));
    assertThat(objectsContaining(tmp.resolve("bucket-sealed"), marker)).isEmpty();
    assertThat(objectsContaining(tmp.resolve("bucket-sealed"), "CREATE TABLE"))
        .as("the manifests and schema are encrypted too")
        .isEmpty();
    ok(
        sealedCli.run(
            "verify",
            "--location",
            sealedLocation,
            "--cluster",
            "sealed",
            "--name",
            "e1",
            "--deep"));

    cql.execute("TRUNCATE sealed.notes");
    cql.execute(ps.bind(9999, "written after the backup"));
    String after = contents2("sealed", "notes");

    Path wrongKeys = Files.createDirectories(tmp.resolve("wrong-keys"));
    Files.writeString(
        wrongKeys.resolve("k1"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
    CliProcess wrongCli =
        new CliProcess(
            tmp.resolve("cli-wrong"),
            Map.of(
                "KASSETTE_ENCRYPTION_KEYS",
                wrongKeys.toString(),
                "KASSETTE_ENCRYPTION_KEY_ID",
                "k1"));
    String[] restore = args("restore", "sealed", "e1", "--truncate");
    restore[2] = sealedLocation;
    CliProcess.Result refused = wrongCli.run(restore);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.out() + refused.err()).contains("key 'k1'").contains("does not decrypt");
    assertThat(contents2("sealed", "notes")).as("the node was not touched").isEqualTo(after);

    ok(sealedCli.run(restore));
    assertThat(contents2("sealed", "notes")).isEqualTo(notes);
    assertThat(stagingLeft()).isEmpty();
  }

  static String digest(List<String> rows) throws Exception {
    rows.sort(null);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    rows.forEach(r -> sha.update(r.getBytes(StandardCharsets.UTF_8)));
    return rows.size() + ":" + HexFormat.of().formatHex(sha.digest());
  }

  /** Row count and a SHA-256 over (id, note) rows. */
  static String contents2(String ks, String table) throws Exception {
    List<String> rows = new ArrayList<>();
    for (Row row : cql.execute("SELECT id, note FROM " + ks + "." + table)) {
      rows.add(row.getInt("id") + "|" + row.getString("note"));
    }
    return digest(rows);
  }

  /** The stored objects (every file under {@code bucket}) whose bytes contain {@code text}. */
  static List<Path> objectsContaining(Path bucket, String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (var files = Files.walk(bucket)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(f);
        for (int i = 0; i + needle.length <= content.length; i++) {
          if (java.util.Arrays.equals(content, i, i + needle.length, needle, 0, needle.length)) {
            found.add(f);
            break;
          }
        }
      }
    }
    return found;
  }

  /**
   * Backs up keyspace {@code ks} to {@code location}, replaces table a's rows, restores a with
   * --truncate and checks it holds exactly the backed-up rows again.
   */
  void backUpChangeAndRestore(CliProcess cli, String location, String ks) throws Exception {
    createAndFill(ks, 400);
    String a = contents(ks, "a");
    String[] backup = args("backup", ks, "r1", "--keyspaces", ks);
    backup[2] = location;
    ok(cli.run(backup));
    cql.execute("TRUNCATE " + ks + ".a");
    insert(ks, "a", 1000, 1100);

    String[] restore = args("restore", ks, "r1", "--truncate", "--keyspaces", ks + ".a");
    restore[2] = location;
    ok(cli.run(restore));
    assertThat(contents(ks, "a")).isEqualTo(a);
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
        .contains("created: CREATE KEYSPACE IF NOT EXISTS \"copy\"")
        .contains("created: CREATE INDEX IF NOT EXISTS \"a2_src_a_by_tag\" ON \"copy\".\"a2\"");
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

  // ---- A tampered bucket: one test per class of attack, each on the real node -----------------

  /**
   * A backup of keyspace {@code ks} whose manifest {@code tamper} then changes as an attacker with
   * write access to the bucket would; the restore must refuse it before any change (nothing
   * downloaded, nothing truncated, no statement run), naming the field.
   */
  void refusedAfterTampering(
      String ks,
      java.util.function.Consumer<ObjectNode> tamperNode,
      java.util.function.Consumer<ObjectNode> tamperCluster,
      List<String> restoreArgs,
      String field)
      throws Exception {
    refusedAfterTampering(ks, tamperNode, tamperCluster, restoreArgs, field, false);
  }

  /**
   * With {@code dropKeyspace}, the keyspace is dropped before the restore, so that a restore that
   * went ahead would run the (tampered) schema statements to create it again.
   */
  void refusedAfterTampering(
      String ks,
      java.util.function.Consumer<ObjectNode> tamperNode,
      java.util.function.Consumer<ObjectNode> tamperCluster,
      List<String> restoreArgs,
      String field,
      boolean dropKeyspace)
      throws Exception {
    createAndFill(ks, 50);
    createAndFill(ks + "_victim", 5);
    ok(cli.run(args("backup", ks, "b1", "--keyspaces", ks)));
    insert(ks, "a", 50, 60);
    String before = contents(ks, "a");
    String victim = contents(ks + "_victim", "a");
    try (ObjectStore store =
        ObjectStores.open(StorageLocation.parse(location), StorageOptions.defaults())) {
      BucketLayout layout = new BucketLayout(ks);
      String nodeKey = layout.nodeManifest("b1", hostId);
      ObjectNode node = ManifestCodec.fromGzipJson(store.get(nodeKey), ObjectNode.class);
      tamperNode.accept(node);
      store.put(nodeKey, ManifestCodec.gzipJson(node));
      String clusterKey = layout.clusterManifest("b1");
      ObjectNode cluster = ManifestCodec.fromJson(store.get(clusterKey), ObjectNode.class);
      tamperCluster.accept(cluster);
      store.put(clusterKey, ManifestCodec.json(cluster));
    }
    if (dropKeyspace) {
      cql.execute("DROP KEYSPACE " + ks);
    }
    var result = cli.run(args("restore", ks, "b1", restoreArgs.toArray(String[]::new)));
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err())
        .contains("is invalid: " + field)
        .contains("nothing was restored")
        .doesNotContain("at io.kassette"); // an answer, not a stack trace
    assertThat(stagingLeft()).as("nothing downloaded").isEmpty();
    assertThat(Files.exists(tmp.resolve("escaped"))).as("nothing outside staging").isFalse();
    if (dropKeyspace) {
      cql.refreshSchema();
      assertThat(cql.getMetadata().getKeyspace(ks)).as("no CREATE ran").isEmpty();
    } else {
      assertThat(contents(ks, "a")).as("not truncated, nothing imported").isEqualTo(before);
    }
    assertThat(contents(ks + "_victim", "a")).as("no statement ran").isEqualTo(victim);
    cql.refreshSchema();
    assertThat(cql.getMetadata().getKeyspace(ks + "_victim")).isPresent();
    assertThat(cql.getMetadata().getKeyspace(ks + "_x")).isEmpty();
  }

  static ObjectNode firstTable(ObjectNode manifest) {
    return (ObjectNode) manifest.withArray("tables").get(0);
  }

  @Test
  void aFilePathThatClimbsOutOfStagingIsRefused() throws Exception {
    String escape = "../../../../../" + tmp.getFileName() + "/escaped";
    refusedAfterTampering(
        "hostile_path",
        m -> ((ObjectNode) firstTable(m).withArray("files").get(0)).put("path", escape),
        c -> {},
        List.of("--truncate"),
        "tables[0].files[0].path");
  }

  @Test
  void aTableNameThatIsAPathIsRefused() throws Exception {
    refusedAfterTampering(
        "hostile_table",
        m -> firstTable(m).put("table", "../../../escaped"),
        c -> {},
        List.of("--truncate"),
        "tables[0].table");
  }

  @Test
  void aKeyspaceNameWithCqlInItIsRefused() throws Exception {
    refusedAfterTampering(
        "hostile_ksname",
        m -> firstTable(m).put("keyspace", "hostile_ksname\"; DROP KEYSPACE hostile_ksname_victim"),
        c -> {},
        List.of(),
        "tables[0].keyspace",
        true);
  }

  @Test
  void aLoadModeHostIdThatIsAPathIsRefused() throws Exception {
    refusedAfterTampering(
        "hostile_host",
        m -> {},
        c -> ((ObjectNode) c.withArray("nodes").get(0)).put("hostId", "../../../../escaped"),
        List.of("--mode", "load", "--loader-lib", CassandraNode.cassandraLib().toString()),
        "nodes[0].hostId");
  }

  @Test
  void aStatementAppendedToAKeyspaceSchemaIsRefusedAndNothingRuns() throws Exception {
    refusedAfterTampering(
        "hostile_ddl",
        m -> {
          ObjectNode keyspaces = (ObjectNode) m.get("keyspaces");
          String cql = keyspaces.get("hostile_ddl").asText();
          keyspaces.put(
              "hostile_ddl",
              cql
                  + "\nDROP KEYSPACE hostile_ddl_victim;"
                  + "\nCREATE KEYSPACE hostile_ddl_x WITH replication ="
                  + " {'class':'SimpleStrategy','replication_factor':1};");
        },
        c -> {},
        List.of(),
        "keyspaces.hostile_ddl",
        true);
  }

  @Test
  void aTableSchemaThatCreatesSomethingElseIsRefused() throws Exception {
    refusedAfterTampering(
        "hostile_tddl",
        m ->
            firstTable(m)
                .put(
                    "schemaCql",
                    "CREATE TABLE hostile_tddl_x.a (id int PRIMARY KEY);"
                        + "\nALTER ROLE cassandra WITH PASSWORD = 'owned';"),
        c -> {},
        List.of(),
        "tables[0].schemaCql",
        true);
  }

  @Test
  void anObjectKeyOfAnotherClusterIsRefused() throws Exception {
    refusedAfterTampering(
        "hostile_key",
        m ->
            ((ObjectNode) firstTable(m).withArray("files").get(0))
                .put("key", "kassette/v1/restore-it-other/sstables/x/Data.db"),
        c -> {},
        List.of(),
        "tables[0].files[0].key");
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
