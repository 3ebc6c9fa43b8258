package io.kassette.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.StorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every field of a valid node manifest, set to a value an attacker would write for it, makes the
 * gate refuse the whole manifest naming that field. Values are type-preserving (a string for a
 * string), so the refusal comes from the gate's rules, not from JSON typing alone.
 */
class ManifestGatePropertyTest {
  private static Path dir;
  private static ObjectStore store;
  private static ObjectNode valid;

  /** What a field holds, which decides what is hostile for it. */
  enum Kind {
    FORMAT,
    EXACT, // backup, cluster, mode, node.hostId: one right value
    FREE_TEXT,
    TOKEN,
    TIMESTAMP,
    KEYSPACE_CQL,
    KEYSPACE_NAME_KEY,
    IDENTIFIER,
    TABLE_ID,
    TABLE_CQL,
    FILE_PATH,
    OBJECT_KEY,
    SIZE,
    CRC,
    COUNT
  }

  record Field(String path, Kind kind) {}

  record Mutation(Field field, Object value) {
    @Override
    public String toString() {
      return field.path() + " = " + ManifestGate.printable(String.valueOf(value), 120);
    }
  }

  @BeforeContainer
  static void writeBackup() throws IOException {
    dir = Files.createTempDirectory("gate-");
    store =
        ObjectStores.open(StorageLocation.parse(dir.toUri().toString()), StorageOptions.defaults());
    BackupFixture.write(store);
    valid = (ObjectNode) ManifestCodec.JSON.valueToTree(read());
  }

  @AfterContainer
  static void removeBackup() throws IOException {
    store.close();
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static NodeManifest read() throws IOException {
    return ManifestGate.readNode(
        store, BackupFixture.layout(), BackupFixture.BACKUP, BackupFixture.HOST);
  }

  @Example
  void theFixtureItselfPasses() throws IOException {
    BackupFixture.replaceNodeManifest(store, valid);
    assertThat(read().tables()).hasSize(2);
  }

  @Property(tries = 600)
  void everyHostileFieldValueIsRefusedNamingTheField(@ForAll("mutations") Mutation m)
      throws IOException {
    String expectedField = writeTampered(m);

    Throwable refused = catchThrowable(ManifestGatePropertyTest::read);

    assertThat(refused).as(m.toString()).isInstanceOf(InvalidManifestException.class);
    assertThat(((InvalidManifestException) refused).field()).isEqualTo(expectedField);
    assertThat(refused.getMessage())
        .as("printable, whatever the value holds")
        .doesNotContainPattern("[\\x00-\\x1f\\x7f]")
        .matches("\\p{ASCII}*");
  }

  /**
   * The same hostile manifests, handed to a whole restore: it is refused naming the field, no
   * statement reaches the schema, no table is truncated or imported into, and no file appears
   * anywhere on the node's disk. The node is a stand-in that records every call (hundreds of
   * restores cannot each start Cassandra); RestoreIT stages one attack of each class on a real
   * node.
   */
  @Property(tries = 200)
  void aRestoreOfAnyHostileManifestChangesNothing(@ForAll("mutations") Mutation m)
      throws Exception {
    String expectedField = writeTampered(m);
    RecordingNode node = new RecordingNode(dir.resolve("node-" + System.nanoTime()));

    Throwable refused =
        catchThrowable(
            () ->
                new io.kassette.restore.RestoreService(store, node, node)
                    .run(restoreRequest(), new io.kassette.restore.RestoreProgress()));

    assertThat(refused).as(m.toString()).isInstanceOf(BackupException.class);
    assertThat(refused.getCause()).isInstanceOf(InvalidManifestException.class);
    assertThat(((InvalidManifestException) refused.getCause()).field()).isEqualTo(expectedField);
    assertThat(refused.getMessage()).endsWith("nothing was restored");
    assertThat(node.calls).as("no statement, truncate or import").isEmpty();
    try (var walk = Files.walk(node.root)) {
      assertThat(walk.filter(Files::isRegularFile).toList()).as("nothing written").isEmpty();
    }
    assertThat(Path.of("/tmp/kassette-pwned")).doesNotExist();
  }

  @Example
  void theValidFixtureRestoresAndRunsOnlyCreatesOfItsOwnObjects() throws Exception {
    BackupFixture.replaceNodeManifest(store, valid);
    RecordingNode node = new RecordingNode(dir.resolve("node-valid"));
    new io.kassette.restore.RestoreService(store, node, node)
        .run(restoreRequest(), new io.kassette.restore.RestoreProgress());
    List<String> statements =
        node.calls.stream().filter(c -> c.startsWith("execute ")).map(c -> c.substring(8)).toList();
    assertThat(statements)
        .isNotEmpty()
        .allMatch(
            st ->
                st.matches(
                        "(?s)CREATE (KEYSPACE|TYPE|TABLE|INDEX|CUSTOM INDEX|MATERIALIZED VIEW)"
                            + " IF NOT EXISTS \"?(app|shop|users_name)\"?[ .(].*")
                    // A dropped column, as the snapshot's schema records it.
                    || st.matches("ALTER TABLE app\\.users DROP legacy USING TIMESTAMP \\d+"),
            "a CREATE IF NOT EXISTS of the backup's own objects, or its own dropped column");
    assertThat(node.calls).anyMatch(c -> c.startsWith("import app.users"));
  }

  @Example
  void aMaterializedViewIsNotRenamedAwayFromItsBaseTable() throws Exception {
    ObjectNode withView = valid.deepCopy();
    ObjectNode view = ((ObjectNode) withView.withArray("tables").get(0)).deepCopy();
    view.put("table", "by_name");
    view.put("tableId", "3d58a712aa6a33a3c8bab3effad4ffcf");
    view.put(
        "schemaCql",
        "CREATE MATERIALIZED VIEW app.by_name AS SELECT * FROM app.users"
            + " WHERE name IS NOT NULL AND id IS NOT NULL PRIMARY KEY (name, id);");
    view.putArray("files");
    withView.withArray("tables").add(view);
    BackupFixture.replaceNodeManifest(store, withView);
    RecordingNode node = new RecordingNode(dir.resolve("node-view"));
    io.kassette.restore.RestoreRequest plain = restoreRequest();
    io.kassette.restore.RestoreRequest renamed =
        new io.kassette.restore.RestoreRequest(
            plain.cluster(),
            plain.backup(),
            Selection.parse("app.by_name"),
            false,
            null,
            2,
            0,
            false,
            null,
            false,
            plain.mode(),
            null,
            Map.of(
                new io.kassette.node.TableRef("app", "by_name"),
                new io.kassette.node.TableRef("copy", "by_name")),
            Map.of(),
            plain.step(),
            0);

    Throwable refused =
        catchThrowable(
            () ->
                new io.kassette.restore.RestoreService(store, node, node)
                    .run(renamed, new io.kassette.restore.RestoreProgress()));

    assertThat(refused)
        .hasMessageContaining("app.by_name is a materialized view")
        .hasMessageContaining("nothing was restored");
    assertThat(node.calls).isEmpty();
  }

  private static io.kassette.restore.RestoreRequest restoreRequest() {
    return new io.kassette.restore.RestoreRequest(
        BackupFixture.CLUSTER,
        BackupFixture.BACKUP,
        Selection.all(),
        true,
        null,
        2,
        0,
        false,
        null,
        false,
        io.kassette.restore.RestoreRequest.Mode.AUTO,
        null,
        Map.of(),
        Map.of(),
        io.kassette.restore.RestoreRequest.Step.ALL,
        0);
  }

  /** The node and its schema, recording what a restore asks of them. */
  static final class RecordingNode
      implements io.kassette.node.NodeAccess, io.kassette.node.SchemaAccess {
    final Path root;
    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

    RecordingNode(Path root) throws IOException {
      this.root = Files.createDirectories(root);
      Files.createDirectories(root.resolve("data"));
    }

    @Override
    public io.kassette.node.NodeInfo describe() {
      return new io.kassette.node.NodeInfo(
          BackupFixture.HOST,
          "Prod Cluster",
          "dc1",
          "rack1",
          List.of("-9223372036854775808", "0", "4611686018427387904"),
          "5.0.9",
          io.kassette.node.NodeInfo.Engine.CASSANDRA);
    }

    @Override
    public String schemaVersion() {
      return "59adb24e-f3cd-3e02-97f0-5b395827453f";
    }

    @Override
    public List<io.kassette.node.TableRef> listTables() {
      return List.of();
    }

    @Override
    public void takeSnapshot(String tag, java.util.Collection<io.kassette.node.TableRef> tables) {
      calls.add("snapshot " + tag);
    }

    @Override
    public void clearSnapshot(String tag, java.util.Collection<String> keyspaces) {
      calls.add("clearsnapshot " + tag);
    }

    @Override
    public void truncate(io.kassette.node.TableRef table) {
      calls.add("truncate " + table);
    }

    @Override
    public List<String> importSSTables(io.kassette.node.TableRef table, Path directory)
        throws io.kassette.node.NodeException {
      calls.add("import " + table);
      try (var files = Files.list(directory)) {
        files.forEach(
            f -> {
              try {
                Files.delete(f); // what Cassandra's import does: it moves the files in
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
      } catch (IOException e) {
        throw new io.kassette.node.NodeException(e.getMessage(), e);
      }
      return List.of();
    }

    @Override
    public io.kassette.api.Ring ring(java.util.Collection<String> keyspaces) {
      throw new UnsupportedOperationException("a restore does not read the ring");
    }

    @Override
    public List<Path> dataDirectories() {
      return List.of(root.resolve("data"));
    }

    @Override
    public Map<io.kassette.node.TableRef, String> existingTables(
        String localDatacenter, java.util.Collection<String> keyspaces) {
      return Map.of(); // nothing exists: a valid backup's whole schema would be created
    }

    @Override
    public void execute(String localDatacenter, List<String> statements) {
      statements.forEach(st -> calls.add("execute " + st));
    }

    @Override
    public void close() {}
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Arbitraries.of(fields(valid, "")).flatMap(f -> hostile(f).map(v -> new Mutation(f, v)));
  }

  /** Every field of the manifest with the kind of value it holds. */
  private static List<Field> fields(JsonNode node, String path) {
    List<Field> fields = new ArrayList<>();
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (path.equals("keyspaces")) {
          fields.add(new Field(child, Kind.KEYSPACE_CQL));
          fields.add(new Field(child, Kind.KEYSPACE_NAME_KEY));
        } else {
          fields.addAll(fields(e.getValue(), child));
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        fields.addAll(fields(node.get(i), path + "[" + i + "]"));
      }
    } else {
      Kind kind = kindOf(path);
      if (kind != null) {
        fields.add(new Field(path, kind));
      }
    }
    return fields;
  }

  private static Kind kindOf(String path) {
    String leaf = path.replaceAll("\\[\\d+]", "[]");
    return switch (leaf) {
      case "format" -> Kind.FORMAT;
      case "backup", "cluster", "mode", "node.hostId" -> Kind.EXACT;
      case "schemaVersion",
          "node.clusterName",
          "node.datacenter",
          "node.rack",
          "node.releaseVersion" ->
          Kind.FREE_TEXT;
      case "node.tokens[]" -> Kind.TOKEN;
      case "startedAt", "completedAt" -> Kind.TIMESTAMP;
      case "tables[].keyspace", "tables[].table" -> Kind.IDENTIFIER;
      case "tables[].tableId" -> Kind.TABLE_ID;
      case "tables[].schemaCql" -> Kind.TABLE_CQL;
      case "tables[].files[].path" -> Kind.FILE_PATH;
      case "tables[].files[].key" -> Kind.OBJECT_KEY;
      case "tables[].files[].size", "totals.bytes", "totals.uploadedBytes", "totals.skippedBytes" ->
          Kind.SIZE;
      case "tables[].files[].crc32c" -> Kind.CRC;
      case "totals.files", "totals.uploadedFiles", "totals.skippedFiles" -> Kind.COUNT;
      default -> null; // node.engine: an enum, left to JSON typing
    };
  }

  /** Fragments that no identifier, host id, checksum or token may hold. */
  private static final List<String> FOREIGN =
      List.of(
          "..",
          "/",
          "/../../",
          "\\",
          "\u0000",
          "\n",
          " ",
          ";",
          "'",
          "\"",
          "%2e%2e",
          ":",
          "~",
          "\u0455", // Cyrillic dze, looks like s
          "\u2024", // one dot leader, looks like .
          "\uff3f", // fullwidth low line, looks like _
          "\u202e" // right-to-left override
          );

  /** Injected CQL: every one of them a statement the gate must not let through. */
  private static final List<String> INJECTED =
      List.of(
          "DROP KEYSPACE victim",
          "ALTER ROLE cassandra WITH PASSWORD = 'owned'",
          "GRANT ALL PERMISSIONS ON ALL KEYSPACES TO intruder",
          "CREATE TABLE victim.t (id int PRIMARY KEY)",
          "TRUNCATE app.users",
          "CREATE FUNCTION app.f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java"
              + " AS 'return x;'");

  private static Arbitrary<Object> hostile(Field f) {
    String original =
        f.kind() == Kind.KEYSPACE_NAME_KEY
            ? f.path().substring("keyspaces.".length())
            : textAt(valid, f.path());
    Arbitrary<String> inserted =
        Combinators.combine(
                Arbitraries.of(FOREIGN), Arbitraries.integers().between(0, original.length()))
            .as((frag, at) -> original.substring(0, at) + frag + original.substring(at));
    Arbitrary<Object> result =
        switch (f.kind()) {
          case FORMAT -> Arbitraries.of(0, -1, 2, 1000, Integer.MIN_VALUE, Integer.MAX_VALUE);
          case EXACT, IDENTIFIER, TABLE_ID, CRC, TOKEN, KEYSPACE_NAME_KEY ->
              Arbitraries.oneOf(
                  inserted,
                  Arbitraries.of(
                      "", "..", "../../../../tmp/kassette-pwned", "/etc/passwd", "x".repeat(300)));
          case FREE_TEXT ->
              Arbitraries.oneOf(
                  Arbitraries.of("\u0000", "\n", "\u0007", "\u001b[31m")
                      .map(c -> original + c + "tail"),
                  Arbitraries.just("y".repeat(257)));
          case TIMESTAMP -> Arbitraries.of("yesterday", "../../etc", "\u0000", "2026-13-45T99:00Z");
          case KEYSPACE_CQL -> injectedInto(original);
          case TABLE_CQL -> {
            JsonNode table = at(valid, f.path().substring(0, f.path().lastIndexOf('.')));
            String ks = table.get("keyspace").asText();
            String own = ks + "." + table.get("table").asText();
            yield Arbitraries.oneOf(
                injectedInto(original),
                Arbitraries.of(
                    original.replace(own, "victim.t"),
                    original.replace(own, ks + ".other"),
                    original.replace(
                        "CREATE TABLE",
                        "CREATE TABLE IF NOT EXISTS victim.t (id int"
                            + " PRIMARY KEY); CREATE TABLE"),
                    "CREATE TYPE " + ks + ".a (x int)"));
          }
          case FILE_PATH ->
              Arbitraries.oneOf(
                  Combinators.combine(
                          Arbitraries.of(
                              "/", "/../", "\\", "\u0000", "\n", " ", ";", "%", ":", "\u0455",
                              "\u2024"),
                          Arbitraries.integers().between(0, original.length()))
                      .as((frag, at) -> original.substring(0, at) + frag + original.substring(at)),
                  Arbitraries.of(
                      "",
                      "..",
                      ".",
                      "../../../../../../tmp/kassette-pwned",
                      "/etc/cron.d/kassette",
                      "~/.ssh/authorized_keys",
                      "sub/" + original,
                      ".hidden",
                      "..\\..\\windows",
                      original + "/../../x",
                      "x".repeat(300)));
          case OBJECT_KEY ->
              Arbitraries.of(
                  "",
                  "/" + original,
                  "../" + original,
                  original + "/../../../../other",
                  original.replace("/sstables/", "//sstables/"),
                  original.replace("/sstables/", "/sstables/../../"),
                  original.replace("kassette/v1/prod/", "kassette/v1/other-cluster/"),
                  original.replace(BackupFixture.HOST, "00000000-0000-0000-0000-000000000000"),
                  "kassette/v1/prod/backups/b0/nodes/x.json.gz",
                  original + "\u0000",
                  original.replace("/", "\\"),
                  original.replace("/", "%2F"),
                  "s3://other-bucket/" + original);
          case SIZE -> Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 62);
          case COUNT -> Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40);
        };
    return result;
  }

  private static Arbitrary<Object> injectedInto(String original) {
    return Combinators.combine(
            Arbitraries.of(INJECTED),
            Arbitraries.of(
                "%s; %s;", "%s\n%s", "%s -- \n; %s", "%2$s; %1$s", "%s /* */ ; %s", "%2$s"))
        .as((stmt, shape) -> String.format(shape, original.strip().replaceAll(";$", ""), stmt));
  }

  /**
   * The valid manifest with the mutation, in the bucket; returns the field it must be refused for.
   */
  private static String writeTampered(Mutation m) throws IOException {
    ObjectNode tampered = valid.deepCopy();
    String field = apply(tampered, m);
    BackupFixture.replaceNodeManifest(store, tampered);
    return field;
  }

  /** Sets the mutation's value; returns the field the gate must name. */
  private static String apply(ObjectNode root, Mutation m) {
    String path = m.field().path();
    int dot = path.lastIndexOf('.');
    int bracket = path.lastIndexOf('[');
    if (m.field().kind() == Kind.KEYSPACE_NAME_KEY) {
      ObjectNode keyspaces = (ObjectNode) root.get("keyspaces");
      String old = path.substring("keyspaces.".length());
      JsonNode cql = keyspaces.remove(old);
      String name = (String) m.value();
      keyspaces.set(name, cql);
      return "keyspaces." + ManifestGate.printable(name, 64);
    }
    JsonNode value = ManifestCodec.JSON.valueToTree(m.value());
    if (bracket > dot) {
      ArrayNode array = (ArrayNode) at(root, path.substring(0, bracket));
      array.set(Integer.parseInt(path.substring(bracket + 1, path.length() - 1)), value);
    } else {
      ObjectNode parent = (ObjectNode) (dot < 0 ? root : at(root, path.substring(0, dot)));
      parent.set(path.substring(dot + 1), value);
    }
    return path;
  }

  private static JsonNode at(JsonNode root, String path) {
    JsonNode node = root;
    for (String part : path.split("\\.")) {
      int b = part.indexOf('[');
      node = node.get(b < 0 ? part : part.substring(0, b));
      while (b >= 0) {
        int close = part.indexOf(']', b);
        node = node.get(Integer.parseInt(part.substring(b + 1, close)));
        b = part.indexOf('[', close);
      }
    }
    return node;
  }

  private static String textAt(JsonNode root, String path) {
    if (path.startsWith("keyspaces.")) {
      String ks = path.substring("keyspaces.".length());
      return root.get("keyspaces").has(ks) ? root.get("keyspaces").get(ks).asText() : ks;
    }
    try {
      return at(root, path).asText();
    } catch (RuntimeException e) {
      throw new UncheckedIOException(new IOException("no field " + path, e));
    }
  }
}
