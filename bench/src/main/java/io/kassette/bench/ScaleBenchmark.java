package io.kassette.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.GcsEmulator;
import io.kassette.testkit.LocalS3Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The scale figures of {@code make bench-scale}, each a Kassette process timed for wall time, CPU
 * and peak RSS on one real Cassandra node: a node with 20,000+ SSTable files (many tables, many
 * flushes, compaction off) backed up, re-run unchanged, verified and restored one table at a time;
 * a bucket holding 1,000+ backups of that node, listed and purged; one SSTable of 8 GiB, backed up
 * to file:// and to S3, where the process is killed half way and the next backup resumes the
 * multipart upload it left; and the same kill on GCS, whose next backup continues the resumable
 * session the killed one recorded (on a 256 MiB SSTable: see {@link #gcsSession}).
 *
 * <p>The 1,000 backups are written by this benchmark, not by 1,000 runs (some 35 minutes of
 * backups): each is the real first backup's manifests with its name and times changed, so every one
 * references the same pooled SSTables, as a nightly schedule's unchanged backups do.
 *
 * <p>Arguments: work dir, Kassette jar, the AWS CLI's executable (to put the synthesized manifests
 * into the S3 server). Environment: SCALE_TABLES (100), SCALE_FLUSHES (26), SCALE_BACKUPS (1000),
 * SCALE_BIG_GIB (8; 0 leaves the single large SSTable out), SCALE_GCS_MIB (256; 0 leaves the GCS
 * kill out).
 */
public final class ScaleBenchmark {
  private static final String KS = "scale";
  private static final String CLUSTER = "scale";
  private static final String S3_STORE = "s3 (s3proxy)";
  private static final String GCS_STORE = "gcs (emulator)";

  record Row(
      String figure, String store, double seconds, double cpuSeconds, long rssKiB, String note) {
    boolean ok() {
      return !note.startsWith("FAILED");
    }
  }

  private final Path work;
  private final Path awsBin;
  private final BenchProcess process;
  private final int tables = intEnv("SCALE_TABLES", 100);
  private final int flushes = intEnv("SCALE_FLUSHES", 26);
  private final int backups = intEnv("SCALE_BACKUPS", 1000);
  private final int gcsMiB = intEnv("SCALE_GCS_MIB", 256);
  private final double bigGiB =
      Double.parseDouble(System.getenv().getOrDefault("SCALE_BIG_GIB", "8"));
  private final List<Row> rows = new ArrayList<>();
  private final ObjectMapper json = new ObjectMapper();
  private CassandraNode node;
  private long sstableFiles;
  private long sstableBytes;

  ScaleBenchmark(Path work, Path kassetteJar, Path awsBin) {
    this.work = work;
    this.awsBin = awsBin;
    this.process = new BenchProcess(work, kassetteJar);
  }

  public static void main(String[] args) throws Exception {
    ScaleBenchmark benchmark =
        new ScaleBenchmark(
            Path.of(args[0]).toAbsolutePath(),
            Path.of(args[1]).toAbsolutePath(),
            Path.of(args[2]).toAbsolutePath());
    benchmark.run();
    // a figure that failed fails make bench-scale, after the whole table is printed
    System.exit(benchmark.rows.stream().allMatch(Row::ok) ? 0 : 1);
  }

  void run() throws Exception {
    BenchProcess.freshWorkDir(work);
    node = CassandraNode.builder(work.resolve("node")).clusterName(CLUSTER).build().start();
    try (LocalS3Server s3 =
        LocalS3Server.onDisk(Files.createDirectories(work.resolve("s3"))).createBucket(CLUSTER)) {
      generate();
      String file = "file://" + work.resolve("store");
      String s3Location = "s3://" + CLUSTER + "/kassette";
      String endpoint = s3.endpoint().toString();

      backup("full backup", file, "f1", null);
      backup("unchanged re-run", file, "f2", null);
      kassette("verify", "file://", List.of("verify", "--name", "f1"), file, null);
      kassette(
          "verify --deep",
          "file://",
          List.of("verify", "--name", "f1", "--deep", "--parallel", "8"),
          file,
          null);
      restoreOneTable(file);
      backup("full backup", s3Location, "s1", endpoint);
      backup("unchanged re-run", s3Location, "s2", endpoint);
      listFloor(endpoint);

      Path fileBackups = work.resolve("store/kassette/v1/" + CLUSTER + "/backups");
      synthesize(fileBackups, "f1", fileBackups);
      listAndPurge(file, "file://", null);

      Path staging = work.resolve("s3-staging");
      Path s3Backups =
          work.resolve("s3/" + CLUSTER + "/kassette/kassette/v1/" + CLUSTER + "/backups");
      synthesize(s3Backups, "s1", staging);
      aws(endpoint, "cp", "--recursive", staging.toString(), s3BackupsUri());
      listAndPurge(s3Location, S3_STORE, endpoint);

      if (bigGiB > 0) {
        try {
          bigSSTable(file, "s3://" + CLUSTER + "/big", endpoint);
        } catch (Exception e) {
          rows.add(new Row("SSTable of " + bigGiB + " GiB", "", 0, 0, 0, "FAILED: " + e));
        }
      }
      if (gcsMiB > 0) {
        try {
          gcsSession();
        } catch (Exception e) {
          rows.add(new Row("SSTable of " + gcsMiB + " MiB", GCS_STORE, 0, 0, 0, "FAILED: " + e));
        }
      }
    } finally {
      node.stop();
    }
    print();
  }

  /**
   * One SSTable of {@code bigGiB}: loaded (64 KiB values, no compression), then major-compacted
   * into a single file. Backed up to file://; then to S3 with the process killed (SIGKILL, as an
   * OOM kill or a node loss does) once half of it is uploaded; then backed up again, which resumes
   * the multipart upload; then verified deep (every byte read back against its CRC32C).
   */
  private void bigSSTable(String file, String s3Location, String endpoint) throws Exception {
    String ks = "scale_big";
    String size = oneSSTable(ks, (long) (bigGiB * (1L << 30)));

    List<String> backup = onNode("--keyspaces", ks, "--json");
    kassette(
        "SSTable of " + size + ", full", "file://", withName("backup", "g1", backup), file, null);
    killAndContinue(
        S3_STORE,
        s3Location,
        endpoint,
        size,
        backup,
        "k",
        "  next backup resumes it",
        "(\\d+) of (\\d+) parts were stored",
        (kept, all) -> "resumed: " + kept + " of " + all + " parts kept");
  }

  /**
   * A backup killed (SIGKILL) half way, the next one, whose log must say what it found stored
   * ({@code found}: a pattern with two counts, made a note by {@code note}), and a deep verify of
   * it. Named {@code <tag>1} and {@code <tag>2}.
   */
  private void killAndContinue(
      String store,
      String location,
      String endpoint,
      String size,
      List<String> backup,
      String tag,
      String figure,
      String found,
      java.util.function.BiFunction<Long, Long, String> note)
      throws Exception {
    killHalfWay(withName("backup", tag + "1", backup), location, endpoint, size, store);
    kassette(
        figure,
        store,
        withName("backup", tag + "2", backup),
        location,
        endpoint,
        out -> {
          var m = java.util.regex.Pattern.compile(found).matcher(out);
          return m.find()
              ? note.apply(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))
              : "FAILED: its log does not say what it found stored";
        });
    kassette(
        "  verify --deep of it",
        store,
        List.of("verify", "--name", tag + "2", "--deep", "--parallel", "8"),
        location,
        endpoint);
  }

  /**
   * Keyspace {@code ks} with one table of one SSTable of about {@code bytes}: loaded (64 KiB
   * values, no compression), then major-compacted into a single file. Returns its size, for the
   * figures.
   */
  private String oneSSTable(String ks, long bytes) throws Exception {
    long t0 = System.nanoTime();
    try (CqlSession cql = CqlSessions.open(node)) {
      cql.execute(
          "CREATE KEYSPACE "
              + ks
              + " WITH replication = {'class':'SimpleStrategy','replication_factor':1}"
              + " AND durable_writes = false");
      cql.execute(
          "CREATE TABLE "
              + ks
              + ".big (id bigint PRIMARY KEY, v blob) WITH compaction ="
              + " {'class':'SizeTieredCompactionStrategy','enabled':'false'}"
              + " AND compression = {'enabled':'false'}");
      PreparedStatement insert = cql.prepare("INSERT INTO " + ks + ".big (id, v) VALUES (?, ?)");
      long rowCount = bytes / (64 << 10) + 1;
      java.util.Random random = new java.util.Random(8);
      java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
      for (long i = 0; i < rowCount; i++) {
        byte[] value = new byte[64 << 10];
        random.nextBytes(value);
        inFlight.acquire();
        cql.executeAsync(insert.bind(i, java.nio.ByteBuffer.wrap(value)))
            .whenComplete((r, e) -> inFlight.release());
      }
      inFlight.acquire(32);
    }
    node.flush(ks);
    BenchProcess.nodetool(node, "setcompactionthroughput", "0");
    node.compact(ks);
    long largest = largestDataFile(node.dataDir().resolve(ks));
    String size =
        largest >= 1L << 30
            ? String.format(Locale.ROOT, "%.2f GiB", largest / (double) (1L << 30))
            : String.format(Locale.ROOT, "%.0f MiB", largest / (double) (1L << 20));
    System.out.printf(
        Locale.ROOT,
        "one SSTable of %s (Data.db) in %.0f s%n",
        size,
        (System.nanoTime() - t0) / 1e9);
    return size;
  }

  /**
   * A backup to GCS killed (SIGKILL) half way through one SSTable, then the next backup, which
   * continues the resumable session the killed one recorded in its ledger, then a deep verify. On
   * gcp-storage-emulator, the GCS server here whose sessions answer a status query as GCS does; it
   * rewrites a session's whole file on every chunk, so the SSTable is {@code SCALE_GCS_MIB}, not 8
   * GiB (whose session would take hours there).
   */
  private void gcsSession() throws Exception {
    String ks = "scale_gcs";
    String size = oneSSTable(ks, (long) gcsMiB << 20);
    List<String> backup = onNode("--keyspaces", ks, "--json");
    try (GcsEmulator gcs = GcsEmulator.start(work.resolve("gcs"), CLUSTER)) {
      String location = "gs://" + CLUSTER + "/kassette";
      killAndContinue(
          GCS_STORE,
          location,
          gcs.endpoint().toString(),
          size,
          backup,
          "gk",
          "  next backup continues it",
          "(\\d+) of (\\d+) bytes were stored",
          (stored, all) ->
              String.format(
                  Locale.ROOT,
                  "continued: %.0f of %.0f MiB were stored",
                  stored / 1048576.0,
                  all / 1048576.0));
    }
  }

  /**
   * The largest live Data.db under {@code dir}. The compacted-away files are deleted after the
   * compaction returns: a walk that meets one going retries.
   */
  private static long largestDataFile(Path dir) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> files = Files.walk(dir)) {
        return files
            .filter(p -> p.getFileName().toString().endsWith("-Data.db"))
            .filter(p -> !p.toString().contains("/snapshots/"))
            .mapToLong(p -> p.toFile().length())
            .max()
            .orElse(0);
      } catch (java.io.UncheckedIOException e) {
        if (attempt >= 20) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /** {@code args} and the flags that reach the benchmark's node. */
  private List<String> onNode(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(BenchProcess.nodeFlags(node));
    return all;
  }

  private static List<String> withName(String command, String name, List<String> rest) {
    List<String> args = new ArrayList<>(List.of(command, "--name", name));
    args.addAll(rest);
    return args;
  }

  /** The backup killed with SIGKILL once its progress line passes 50%. */
  private void killHalfWay(
      List<String> args, String location, String endpoint, String size, String store)
      throws Exception {
    List<String> all = new ArrayList<>(args);
    all.remove("--json"); // it prints progress lines only without
    all.addAll(List.of("--location", location, "--cluster", CLUSTER));
    all.addAll(endpointFlags(location, endpoint));
    Path log = Files.createTempFile(work, "killed", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(process.kassette(all.toArray(String[]::new)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(BenchProcess.s3Env());
    long t0 = System.nanoTime();
    Process p = pb.start();
    var percent = java.util.regex.Pattern.compile("upload\\s+([0-9.]+)%");
    double reached = 0;
    while (p.isAlive() && reached < 50) {
      Thread.sleep(500);
      var m = percent.matcher(Files.readString(log));
      while (m.find()) {
        reached = Double.parseDouble(m.group(1));
      }
    }
    boolean killed = p.isAlive();
    p.destroyForcibly().waitFor();
    rows.add(
        new Row(
            "SSTable of " + size + ", killed",
            store,
            (System.nanoTime() - t0) / 1e9,
            0,
            0,
            killed
                ? String.format(Locale.ROOT, "SIGKILL at %.0f%% uploaded", reached)
                : "FAILED: it ended before half was uploaded"));
  }

  /**
   * The listing floor: the AWS CLI listing the node's pool (every SSTable object) from the same
   * server, as Kassette's plan does once per backup.
   */
  private void listFloor(String endpoint) throws Exception {
    Path nodes = work.resolve("s3/" + CLUSTER + "/kassette/kassette/v1/" + CLUSTER + "/nodes");
    String host;
    try (Stream<Path> list = Files.list(nodes)) {
      host = list.findFirst().orElseThrow().getFileName().toString();
    }
    String pool =
        "s3://" + CLUSTER + "/kassette/kassette/v1/" + CLUSTER + "/nodes/" + host + "/sstables/";
    BenchProcess.Timed t =
        process.timed(
            List.of(awsBin.toString(), "--endpoint-url", endpoint, "s3", "ls", "--recursive", pool),
            BenchProcess.s3Env());
    long keys = Files.readAllLines(t.log()).stream().filter(l -> l.contains("/sstables/")).count();
    rows.add(
        new Row(
            "  floor: aws s3 ls of the pool",
            S3_STORE,
            t.seconds(),
            t.cpuSeconds(),
            t.rssKiB(),
            t.exit() == 0 ? keys + " keys listed" : "FAILED: " + t.tail()));
  }

  /** {@code tables} tables, {@code flushes} flushes of one row each, compaction off. */
  private void generate() throws Exception {
    long t0 = System.nanoTime();
    try (CqlSession cql = CqlSessions.open(node)) {
      cql.execute(
          "CREATE KEYSPACE "
              + KS
              + " WITH replication = {'class':'SimpleStrategy','replication_factor':1}");
      List<PreparedStatement> inserts = new ArrayList<>();
      for (int t = 0; t < tables; t++) {
        cql.execute(
            "CREATE TABLE "
                + table(t)
                + " (id int PRIMARY KEY, v text) WITH compaction ="
                + " {'class':'SizeTieredCompactionStrategy','enabled':'false'}");
        inserts.add(cql.prepare("INSERT INTO " + table(t) + " (id, v) VALUES (?, ?)"));
      }
      for (int f = 0; f < flushes; f++) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (PreparedStatement insert : inserts) {
          writes.add(cql.executeAsync(insert.bind(f, "row " + f)).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        node.flush(KS);
      }
    }
    try (Stream<Path> files = Files.walk(node.dataDir().resolve(KS))) {
      List<Path> live =
          files
              .filter(p -> Files.isRegularFile(p) && !p.toString().contains("/snapshots/"))
              .toList();
      sstableFiles = live.size();
      sstableBytes = live.stream().mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf(
        Locale.ROOT,
        "generated %d SSTable files (%.1f MiB) in %d tables in %.0f s%n",
        sstableFiles,
        sstableBytes / 1048576.0,
        tables,
        (System.nanoTime() - t0) / 1e9);
  }

  private static String table(int t) {
    return String.format(Locale.ROOT, "%s.t%03d", KS, t);
  }

  private void backup(String figure, String location, String name, String endpoint)
      throws Exception {
    kassette(
        figure,
        endpoint == null ? "file://" : S3_STORE,
        onNode("backup", "--name", name, "--keyspaces", KS, "--json"),
        location,
        endpoint);
  }

  /** One table of the 20,000-file backup: truncated first, so every row counted came back. */
  private void restoreOneTable(String location) throws Exception {
    String one = table(tables / 2);
    try (CqlSession cql = CqlSessions.open(node)) {
      cql.execute("TRUNCATE " + one);
      BenchProcess.Timed t =
          run(onNode("restore", "--name", "f1", "--keyspaces", one, "--truncate"), location, null);
      long restored = cql.execute("SELECT count(*) FROM " + one).one().getLong(0);
      add(
          "restore one table",
          "file://",
          t,
          (restored == flushes ? "rows restored: " : "ROWS MISSING: ")
              + restored
              + "/"
              + flushes
              + " of "
              + one);
    }
  }

  /**
   * Copies backup {@code source} (its manifests, read from {@code from}) into {@code backups}
   * backups under {@code into}, named {@code day-0000...}, each an hour older than the next and all
   * older than the real ones, so a keep-last policy keeps the real ones.
   */
  private void synthesize(Path from, String source, Path into) throws Exception {
    long t0 = System.nanoTime();
    Path src = from.resolve(source);
    ObjectNode cluster = (ObjectNode) json.readTree(src.resolve("backup.json").toFile());
    Instant oldest =
        Instant.parse(cluster.get("startedAt").asText()).minus(Duration.ofHours(backups + 1));
    List<Path> nodeManifests;
    try (Stream<Path> list = Files.list(src.resolve("nodes"))) {
      nodeManifests = list.toList();
    }
    List<ObjectNode> nodes = new ArrayList<>();
    for (Path m : nodeManifests) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(m))) {
        nodes.add((ObjectNode) json.readTree(in));
      }
    }
    byte[] schema = Files.readAllBytes(src.resolve("schema.cql"));
    for (int i = 0; i < backups; i++) {
      String name = String.format(Locale.ROOT, "day-%04d", i);
      Instant started = oldest.plus(Duration.ofHours(i));
      Instant completed = started.plusSeconds(60);
      Path dir = Files.createDirectories(into.resolve(name).resolve("nodes"));
      for (int n = 0; n < nodes.size(); n++) {
        ObjectNode m = nodes.get(n).deepCopy();
        stamp(m, name, started, completed);
        try (OutputStream out =
            new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(nodeManifests.get(n).getFileName())))) {
          json.writeValue(out, m);
        }
      }
      Files.write(into.resolve(name).resolve("schema.cql"), schema);
      ObjectNode c = cluster.deepCopy();
      stamp(c, name, started, completed);
      for (var ref : (ArrayNode) c.get("nodes")) {
        ((ObjectNode) ref)
            .put(
                "manifestKey",
                ref.get("manifestKey")
                    .asText()
                    .replace("/backups/" + source + "/", "/backups/" + name + "/"));
      }
      json.writeValue(into.resolve(name).resolve("backup.json").toFile(), c);
    }
    System.out.printf(
        Locale.ROOT,
        "wrote %d backups of %s's manifests (node manifest %d KiB gzipped) in %.0f s%n",
        backups,
        source,
        Files.size(nodeManifests.get(0)) >> 10,
        (System.nanoTime() - t0) / 1e9);
  }

  private static void stamp(ObjectNode manifest, String name, Instant started, Instant completed) {
    manifest.put("backup", name);
    manifest.put("startedAt", started.toString());
    manifest.put("completedAt", completed.toString());
  }

  /**
   * {@code list} of the 1,000+ backups, then {@code purge} down to the newest 7 (dry run, then for
   * real), then a check that what the purge kept is whole: the list shows 7 and a kept backup still
   * verifies (its pooled files were not swept).
   */
  private void listAndPurge(String location, String store, String endpoint) throws Exception {
    int total = backups + 2;
    kassette(
        "list " + total + " backups",
        store,
        List.of("list", "--json"),
        location,
        endpoint,
        out ->
            count(out, "\"name\"") == total
                ? total + " listed"
                : "FAILED: listed " + count(out, "\"name\""));
    List<String> purge = List.of("purge", "--keep-last", "7", "--grace", "0s", "--json");
    List<String> dry = new ArrayList<>(purge);
    dry.add("--dry-run");
    kassette(
        "purge --dry-run, " + total + " backups",
        store,
        dry,
        location,
        endpoint,
        out -> "would delete " + field(out, "objects") + " objects");
    kassette(
        "purge to keep 7 of " + total,
        store,
        purge,
        location,
        endpoint,
        out -> "deleted " + field(out, "objects") + " objects");
    kassette(
        "list after purge",
        store,
        List.of("list", "--json"),
        location,
        endpoint,
        out ->
            count(out, "\"name\"") == 7 ? "7 left" : "FAILED: " + count(out, "\"name\"") + " left");
    String kept = endpoint == null ? "f1" : "s1";
    kassette("verify a kept backup", store, List.of("verify", "--name", kept), location, endpoint);
  }

  /** A number field of a command's JSON output. */
  private static String field(String json, String name) {
    var m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
    return m.find() ? m.group(1) : "?";
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }

  private void kassette(
      String figure, String store, List<String> args, String location, String endpoint)
      throws Exception {
    kassette(figure, store, args, location, endpoint, out -> "");
  }

  /** One Kassette run's row; {@code check} makes its note from the output of a run that passed. */
  private void kassette(
      String figure,
      String store,
      List<String> args,
      String location,
      String endpoint,
      java.util.function.Function<String, String> check)
      throws Exception {
    BenchProcess.Timed t = run(args, location, endpoint);
    add(figure, store, t, t.exit() == 0 ? check.apply(Files.readString(t.log())) : "");
  }

  private BenchProcess.Timed run(List<String> args, String location, String endpoint)
      throws Exception {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--location", location, "--cluster", CLUSTER));
    all.addAll(endpointFlags(location, endpoint));
    return process.timed(process.kassette(all.toArray(String[]::new)), BenchProcess.s3Env());
  }

  /** The flags that point the CLI at {@code endpoint}, the server of the location's store. */
  private static List<String> endpointFlags(String location, String endpoint) {
    if (endpoint == null) {
      return List.of();
    }
    return location.startsWith("gs://")
        ? List.of("--gcs-endpoint", endpoint, "--gcs-project", "test")
        : List.of("--s3-endpoint", endpoint);
  }

  private void add(String figure, String store, BenchProcess.Timed t, String note) {
    rows.add(
        new Row(
            figure,
            store,
            t.seconds(),
            t.cpuSeconds(),
            t.rssKiB(),
            t.exit() != 0
                ? "FAILED: " + t.tail()
                : note + (t.phases().isEmpty() ? "" : " phases ms " + t.phases())));
  }

  private void aws(String endpoint, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(awsBin.toString(), "--endpoint-url", endpoint, "s3"));
    cmd.addAll(List.of(args));
    cmd.add("--only-show-errors");
    BenchProcess.Timed t = process.timed(cmd, BenchProcess.s3Env());
    if (t.exit() != 0) {
      throw new IllegalStateException("aws s3 " + String.join(" ", args) + ": " + t.tail());
    }
  }

  private String s3BackupsUri() {
    return "s3://" + CLUSTER + "/kassette/kassette/v1/" + CLUSTER + "/backups/";
  }

  private void print() {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "node: %d SSTable files, %.1f MiB, %d tables; bucket: %d backups; load average %s%n",
        sstableFiles,
        sstableBytes / 1048576.0,
        tables,
        backups + 2,
        loadAverage());
    String header = "%-34s %-14s %8s %7s %8s  %s%n";
    System.out.printf(
        Locale.ROOT, header, "figure", "store", "seconds", "CPU-s", "RSS MiB", "note");
    long worst = 0;
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-34s %-14s %8.1f %7.1f %8.0f  %s%n",
          r.figure(),
          r.store(),
          r.seconds(),
          r.cpuSeconds(),
          r.rssKiB() / 1024.0,
          r.note());
      worst = Math.max(worst, r.rssKiB());
    }
    System.out.printf(
        Locale.ROOT,
        "%npeak RSS <= 256 MiB at scale: %s (largest %.0f MiB)%n",
        worst <= 256 * 1024 ? "met" : "NOT MET",
        worst / 1024.0);
    if (rows.stream().anyMatch(r -> !r.ok())) {
      System.out.println("SOME RUNS FAILED: see the notes above");
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static int intEnv(String name, int fallback) {
    return Integer.parseInt(System.getenv().getOrDefault(name, String.valueOf(fallback)));
  }
}
