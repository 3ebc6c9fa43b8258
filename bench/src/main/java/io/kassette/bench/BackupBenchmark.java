package io.kassette.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.CqlSessions;
import io.kassette.testkit.LocalS3Server;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * Kassette and esop side by side on one real Cassandra node and the same stores: a full backup to
 * file:// and to a loopback S3 server, the unchanged re-run, and a raw-copy baseline. Each tool
 * runs as its own process under /usr/bin/time for wall time and peak RSS.
 *
 * <p>Arguments: work dir, Kassette jar, esop jar. Environment: BENCH_GIB (default 2).
 */
public final class BackupBenchmark {
  private static final String KS = "bench";
  private static final int TABLES = 4;
  private static final int VALUE = 64 << 10;

  record Row(
      String tool,
      String store,
      String run,
      double gib,
      double seconds,
      long rssKiB,
      String note) {}

  private final Path work;
  private final Path kassetteJar;
  private final Path esopJar;
  private final List<Row> rows = new ArrayList<>();
  private CassandraNode node;
  private double dataGiB;
  private long loadedRows;

  BackupBenchmark(Path work, Path kassetteJar, Path esopJar) {
    this.work = work;
    this.kassetteJar = kassetteJar;
    this.esopJar = esopJar;
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    new BackupBenchmark(work, Path.of(args[1]).toAbsolutePath(), Path.of(args[2]).toAbsolutePath())
        .run();
    System.exit(0);
  }

  /** The store label of an encrypted run: the store's, plus this. */
  static final String ENCRYPTED = " +AES-GCM";

  /** The encryption flags of the next Kassette run (none: unencrypted). */
  private List<String> encryption = List.of();

  private final List<String> encryptionCosts = new ArrayList<>();

  void run() throws Exception {
    deleteTree(work);
    Files.createDirectories(work);
    double gib = Double.parseDouble(System.getenv().getOrDefault("BENCH_GIB", "2"));
    System.out.println("starting Cassandra 5.0.9 and loading " + gib + " GiB ...");
    node = CassandraNode.builder(work.resolve("node")).clusterName("bench").build().start();
    try (LocalS3Server s3 =
        LocalS3Server.onDisk(Files.createDirectories(work.resolve("s3"))).createBucket("bench")) {
      load(gib);
      dataGiB = liveBytes() / (double) (1L << 30);
      System.out.printf(Locale.ROOT, "live SSTables: %.2f GiB in %d tables%n", dataGiB, TABLES);

      rawCopy();
      String fileStore = "file://" + work.resolve("store-kassette");
      kassette("file://", fileStore, "full", "k1", null);
      kassette("file://", fileStore, "unchanged re-run", "k2", null);
      // Client-side encryption: the same full backup, encrypted, into a store of its own.
      Path keys = Files.createDirectories(work.resolve("encryption-keys"));
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      Files.writeString(keys.resolve("bench"), java.util.Base64.getEncoder().encodeToString(key));
      encryption = List.of("--encryption-keys", keys.toString(), "--encryption-key-id", "bench");
      kassette(
          "file://" + ENCRYPTED, "file://" + work.resolve("store-encrypted"), "full", "x1", null);
      encryption = List.of();
      esop("file://", "file://" + work.resolve("store-esop"), "full", "e1", null);
      esop("file://", "file://" + work.resolve("store-esop"), "unchanged re-run", "e2", null);

      restoreKassette(fileStore, "k1");
      restoreEsop("file://" + work.resolve("store-esop"), "e1");

      String s3Env = s3.endpoint().toString();
      kassette("s3 (loopback)", "s3://bench/kassette", "full", "s1", s3Env);
      kassette("s3 (loopback)", "s3://bench/kassette", "unchanged re-run", "s2", s3Env);
      encryption = List.of("--encryption-keys", keys.toString(), "--encryption-key-id", "bench");
      kassette("s3 (loopback)" + ENCRYPTED, "s3://bench/encrypted", "full", "x2", s3Env);
      encryption = List.of();
      // esop 3.0.1 bundles AWS SDK 2.20.38 and sets no endpoint override: it only reaches AWS.
      rows.add(
          new Row(
              "esop 3.0.1",
              "s3 (loopback)",
              "full",
              dataGiB,
              0,
              0,
              "not run: esop 3.0.1 cannot be pointed at an S3-compatible endpoint"));
    } finally {
      node.stop();
    }
    print();
  }

  private void load(double gib) throws Exception {
    try (CqlSession cql = CqlSessions.open(node)) {
      // No commit log while loading (durable_writes=false) and no compaction: the benchmark
      // measures backups, not ingestion.
      cql.execute(
          "CREATE KEYSPACE "
              + KS
              + " WITH replication = {'class':'SimpleStrategy','replication_factor':1} AND durable_writes = false");
      long rowsPerTable = (long) (gib * (1L << 30) / VALUE / TABLES) + 1;
      loadedRows = rowsPerTable * TABLES;
      Random random = new Random(7);
      byte[] value = new byte[VALUE];
      long t0 = System.nanoTime();
      for (int t = 0; t < TABLES; t++) {
        cql.execute(
            "CREATE TABLE "
                + KS
                + ".t"
                + t
                + " (id bigint PRIMARY KEY, v blob) WITH compaction = {'class':'SizeTieredCompactionStrategy','enabled':'false'} AND compression = {'enabled':'false'}");
        PreparedStatement ps =
            cql.prepare("INSERT INTO " + KS + ".t" + t + " (id, v) VALUES (?, ?)");
        Semaphore inFlight = new Semaphore(32);
        for (long i = 0; i < rowsPerTable; i++) {
          random.nextBytes(value);
          inFlight.acquire();
          cql.executeAsync(ps.bind(i, ByteBuffer.wrap(value.clone())))
              .whenComplete((r, e) -> inFlight.release());
        }
        inFlight.acquire(32);
      }
      System.out.printf(Locale.ROOT, "loaded in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }
    nodetool("flush", KS);
  }

  private long liveBytes() throws IOException {
    try (Stream<Path> files = Files.walk(node.dataDir().resolve(KS))) {
      return files
          .filter(p -> Files.isRegularFile(p) && !p.toString().contains("/snapshots/"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  private void rawCopy() throws Exception {
    nodetool("snapshot", "-t", "rawcopy", KS);
    Path target = Files.createDirectories(work.resolve("rawcopy"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "for d in "
                    + node.dataDir().resolve(KS)
                    + "/*/snapshots/rawcopy; do cp -r \"$d\" "
                    + target
                    + "/$(basename $(dirname $(dirname $d))); done"));
    Timed t = timed(cmd, Map.of());
    rows.add(
        new Row(
            "cp -r",
            "same filesystem",
            "raw copy of the snapshot",
            dataGiB,
            t.seconds,
            t.rssKiB,
            ""));
    nodetool("clearsnapshot", "-t", "rawcopy", "--", KS);
  }

  private void kassette(String store, String location, String run, String name, String s3Endpoint)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-Xmx256m",
                "-jar",
                kassetteJar.toString(),
                "backup",
                "--location",
                location,
                "--cluster",
                "bench",
                "--name",
                name,
                "--keyspaces",
                KS,
                "--jmx",
                node.jmxAddress(),
                "--cql",
                node.cqlAddress(),
                "--parallel",
                "8",
                "--json"));
    if (s3Endpoint != null) {
      cmd.addAll(List.of("--s3-endpoint", s3Endpoint));
    }
    cmd.addAll(encryption);
    Timed t = timed(cmd, s3Env());
    rows.add(
        new Row(
            "kassette",
            store,
            run,
            dataGiB,
            t.seconds,
            t.rssKiB,
            t.exit == 0 ? "phases ms " + t.phases : "FAILED: " + t.tail));
  }

  private void esop(String store, String location, String run, String tag, String s3Endpoint)
      throws Exception {
    String sl = location + (location.startsWith("file://") ? "/bucket" : "") + "/bench/dc1/node1";
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-jar",
                esopJar.toString(),
                "backup",
                "--jmx-service",
                node.jmxAddress(),
                "--sl=" + sl,
                "--data-dir",
                node.dataDir().toString(),
                "--entities",
                KS,
                "-s",
                tag,
                "--create-missing-bucket"));
    Map<String, String> env = new java.util.HashMap<>();
    if (s3Endpoint != null) {
      // esop reads its S3-compatible endpoint from the environment.
      env.putAll(s3Env());
      env.put("AWS_ENDPOINT", s3Endpoint);
      env.put("AWS_ENABLE_PATH_STYLE_ACCESS", "true");
      cmd.add("--insecure-http");
    }
    Timed t = timed(cmd, env);
    rows.add(
        new Row(
            "esop 3.0.1",
            store,
            run,
            dataGiB,
            t.seconds,
            t.rssKiB,
            t.exit == 0 ? "" : "FAILED: " + t.tail));
  }

  /** Kassette's online restore of its first backup: download, verify, truncate, import. */
  private void restoreKassette(String location, String name) throws Exception {
    List<String> cmd =
        List.of(
            java(),
            "-Xmx256m",
            "-jar",
            kassetteJar.toString(),
            "restore",
            "--location",
            location,
            "--cluster",
            "bench",
            "--name",
            name,
            "--truncate",
            "--jmx",
            node.jmxAddress(),
            "--cql",
            node.cqlAddress(),
            "--parallel",
            "8");
    Timed t = timed(cmd, Map.of());
    rows.add(
        new Row(
            "kassette",
            "file://",
            "restore (truncate+import)",
            dataGiB,
            t.seconds,
            t.rssKiB,
            t.exit == 0 ? rowCheck() : "FAILED: " + t.tail));
  }

  /** esop's import restore of its first backup, one process per phase as esop runs it. */
  private void restoreEsop(String location, String tag) throws Exception {
    String sl = location + "/bucket/bench/dc1/node1";
    Path importDir = Files.createDirectories(work.resolve("esop-import"));
    double seconds = 0;
    long rss = 0;
    String failure = null;
    for (String phase : List.of("download", "truncate", "import", "cleanup")) {
      List<String> cmd =
          List.of(
              java(),
              "-jar",
              esopJar.toString(),
              "restore",
              "--jmx-service",
              node.jmxAddress(),
              "--sl=" + sl,
              "--dd=" + node.dir(),
              "--data-dir=" + node.dataDir(),
              "-s",
              tag,
              "--entities=" + KS,
              "--restoration-strategy-type=import",
              "--import-source-dir=" + importDir,
              "--restoration-phase-type=" + phase);
      Timed t = timed(cmd, Map.of());
      seconds += t.seconds;
      rss = Math.max(rss, t.rssKiB);
      if (t.exit != 0 && failure == null) {
        failure = "FAILED in " + phase + ": " + t.tail;
      }
    }
    rows.add(
        new Row(
            "esop 3.0.1",
            "file://",
            "restore (truncate+import)",
            dataGiB,
            seconds,
            rss,
            failure == null ? rowCheck() : failure));
  }

  /** Rows in the benchmark tables after a restore, against the rows loaded. */
  private String rowCheck() {
    try (CqlSession cql = CqlSessions.open(node)) {
      long total = 0;
      for (int t = 0; t < TABLES; t++) {
        // Counted here, a small page at a time: count(*) pages 5000 rows of 64 KiB inside the
        // node, more than its 512 MiB heap.
        var select =
            com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "SELECT id FROM " + KS + ".t" + t)
                .setPageSize(200);
        for (var row : cql.execute(select)) {
          total++;
        }
      }
      return (total == loadedRows ? "rows restored: " : "ROWS MISSING: ")
          + total
          + "/"
          + loadedRows;
    }
  }

  private static Map<String, String> s3Env() {
    return Map.of(
        "AWS_ACCESS_KEY_ID",
        LocalS3Server.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY",
        LocalS3Server.SECRET_KEY,
        "AWS_REGION",
        "us-east-1");
  }

  record Timed(int exit, double seconds, long rssKiB, String tail, String phases) {}

  private Timed timed(List<String> cmd, Map<String, String> env) throws Exception {
    Path rss = Files.createTempFile(work, "time", ".txt");
    Path log = Files.createTempFile(work, "run", ".log");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
    full.addAll(cmd);
    ProcessBuilder pb =
        new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    int exit = p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long rssKiB = 0;
    for (String line : Files.readAllLines(rss)) {
      if (line.trim().matches("\\d+")) {
        rssKiB = Long.parseLong(line.trim());
      }
    }
    List<String> lines = Files.readAllLines(log);
    String all = String.join("\n", lines);
    int at = all.indexOf("\"phaseMillis\"");
    String phases =
        at < 0
            ? ""
            : all.substring(all.indexOf('{', at), all.indexOf('}', at) + 1).replaceAll("\\s+", "");
    String tail = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "  %-60.60s exit %d in %.1f s%n",
        String.join(" ", cmd.subList(0, Math.min(cmd.size(), 5))),
        exit,
        seconds);
    return new Timed(
        exit, seconds, rssKiB, tail.length() > 160 ? tail.substring(0, 160) : tail, phases);
  }

  private void nodetool(String... args) throws Exception {
    Path lib = CassandraNode.cassandraLib();
    Path jvmArgs = node.dir().resolve("conf/jvm17-jpms.args");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-Xmx256m",
                "@" + jvmArgs,
                "-Dcassandra.logdir=" + node.dir().resolve("logs"),
                "-cp",
                lib + "/*",
                "org.apache.cassandra.tools.NodeTool",
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(node.jmxPort())));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("nodetool " + String.join(" ", args) + " failed");
    }
  }

  private void print() {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-11s %-24s %-26s %6s %9s %9s %9s %9s  %s%n",
        "tool",
        "store",
        "run",
        "GiB",
        "seconds",
        "MiB/s",
        "vs esop",
        "RSS MiB",
        "note");
    for (Row r : rows) {
      if (r.seconds == 0) {
        System.out.printf(
            Locale.ROOT,
            "%-11s %-24s %-26s %6.2f %9s %9s %9s %9s  %s%n",
            r.tool,
            r.store,
            r.run,
            r.gib,
            "-",
            "-",
            "",
            "-",
            r.note);
        continue;
      }
      double mibs = r.gib * 1024 / r.seconds;
      String ratio = "";
      if (r.tool.equals("kassette")) {
        Row esop =
            rows.stream()
                .filter(
                    e ->
                        e.tool.startsWith("esop")
                            && e.store.equals(r.store)
                            && e.run.equals(r.run)
                            && !e.note.startsWith("FAILED")
                            && !e.note.startsWith("not run"))
                .findFirst()
                .orElse(null);
        if (esop != null) {
          ratio = String.format(Locale.ROOT, "%.1fx", esop.seconds / r.seconds);
        }
      }
      if (r.tool.equals("kassette") && r.run.equals("full") && !r.store.endsWith(ENCRYPTED)) {
        Row raw = rows.get(0);
        ratio += String.format(Locale.ROOT, " (%.0f%% of cp)", 100 * raw.seconds / r.seconds);
      }
      if (r.store.endsWith(ENCRYPTED)) {
        String plainStore = r.store.substring(0, r.store.length() - ENCRYPTED.length());
        rows.stream()
            .filter(
                p ->
                    p.tool.equals("kassette")
                        && p.store.equals(plainStore)
                        && p.run.equals(r.run)
                        && p.seconds > 0)
            .findFirst()
            .ifPresent(
                p ->
                    encryptionCosts.add(
                        String.format(
                            Locale.ROOT,
                            "encryption on %s: %.2fx the unencrypted wall time, %.2fx its RSS",
                            plainStore,
                            r.seconds / p.seconds,
                            (double) r.rssKiB / p.rssKiB)));
      }
      System.out.printf(
          Locale.ROOT,
          "%-11s %-24s %-26s %6.2f %9.1f %9.1f %9s %9.0f  %s%n",
          r.tool,
          r.store,
          r.run,
          r.gib,
          r.seconds,
          mibs,
          ratio,
          r.rssKiB / 1024.0,
          r.note);
    }
    System.out.println(
        "\n'vs esop' = esop's wall time / Kassette's for the same store and run; both tools as separate processes, one after the other, on the same node.");
    encryptionCosts.forEach(System.out::println);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
