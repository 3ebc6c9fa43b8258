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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Kassette, Medusa and esop side by side on one real Cassandra node and the same stores: a full
 * backup to file:// and to two loopback S3 servers, the unchanged re-run, the restore, and the copy
 * floors. Each tool runs as its own process under /usr/bin/time for wall time, CPU and peak RSS;
 * each compared run happens in {@link #ROUNDS} rounds and the table shows its median.
 *
 * <p>Environment: BENCH_GIB (default 2), BENCH_ROUNDS (3), BENCH_PEERS, BENCH_HOLD,
 * BENCH_QUIET_SECONDS (BenchProcess), BENCH_KASSETTE_JAVA_OPTS, BENCH_KASSETTE_PREFIX.
 */
public final class BackupBenchmark {
  private static final String KS = "bench";
  private static final int TABLES = 4;
  private static final int VALUE = 64 << 10;

  /**
   * BENCH_ROUNDS (default 3): how many times each compared run happens; the table shows the median.
   */
  static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));

  /** BENCH_PEERS=0 runs Kassette and the floors only: for profiling Kassette itself. */
  static final boolean PEERS = !"0".equals(System.getenv("BENCH_PEERS"));

  static final String KASSETTE = "kassette";
  static final String ESOP = "esop 3.0.1";
  static final String CP = "cp -r";
  static final String CP_SYNC = "cp -r + sync";
  static final String AWS = "aws s3 cp";
  static final String FULL = "full";
  static final String RERUN = "unchanged re-run";
  static final String RESTORE = "restore";
  static final String S3PROXY = "s3 (s3proxy)";
  static final String SEAWEEDFS = "s3 (seaweedfs)";

  /**
   * The store label of the file:// full backups started right after memory was freed, before the VM
   * handed it back to the hypervisor (finding 16): a memory-speed {@code cp -r}.
   */
  static final String WARM = "file:// warm";

  record Row(
      String tool,
      String store,
      String run,
      double gib,
      double seconds,
      double cpuSeconds,
      long rssKiB,
      String note) {
    boolean ran() {
      return seconds > 0 && !note.startsWith("FAILED") && !note.startsWith("not run");
    }
  }

  private final Path work;
  private final Path kassetteJar;
  private final Path esopJar;
  private final Path medusaBin;
  private final BenchProcess process;
  private final Path awsBin;
  private final Path weedBin;
  private final List<Row> rows = new ArrayList<>();

  /** Each collapsed row's rounds, in order (collapseRounds), for ratios taken round by round. */
  private final Map<List<String>, List<Row>> roundsOf = new java.util.HashMap<>();

  /**
   * The CPU-seconds the S3 server in use has spent so far; null outside the S3 runs. Each S3 run's
   * share is kept by {@link #add}, to show how much of the 2 cores client and server took.
   */
  private java.util.function.DoubleSupplier serverCpu;

  private double lastServerCpu;
  private final Map<Row, Double> serverCpuByRow = new java.util.LinkedHashMap<>();
  private CassandraNode node;
  private MedusaTool medusa;
  private double dataGiB;
  private long loadedRows;

  BackupBenchmark(
      Path work, Path kassetteJar, Path esopJar, Path medusaBin, Path awsBin, Path weedBin) {
    this.work = work;
    this.kassetteJar = kassetteJar;
    this.esopJar = esopJar;
    this.medusaBin = medusaBin;
    this.awsBin = awsBin;
    this.weedBin = weedBin;
    this.process = new BenchProcess(work, kassetteJar, QUIET_SECONDS);
  }

  /**
   * Arguments: work dir, Kassette jar, esop jar, Medusa's executable, the AWS CLI's, and
   * SeaweedFS's {@code weed} (optional: without it the second S3 server's rows are left out).
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 5 || args.length > 6) {
      throw new IllegalArgumentException(
          "arguments: work dir, Kassette jar, esop jar, medusa, aws [, weed]");
    }
    Path[] paths = new Path[6];
    for (int i = 0; i < args.length; i++) {
      paths[i] = Path.of(args[i]).toAbsolutePath();
    }
    new BackupBenchmark(paths[0], paths[1], paths[2], paths[3], paths[4], paths[5]).run();
    System.exit(0);
  }

  /** The store label of an encrypted run: the store's, plus this. */
  static final String ENCRYPTED = " +AES-GCM";

  /** The encryption flags of the next Kassette run (none: unencrypted). */
  private List<String> encryption = List.of();

  /** Every run's wait for the memory freed before it to be returned (BenchProcess). */
  private static final int QUIET_SECONDS = BenchProcess.quietSecondsForThisMachine();

  /** The next run starts into memory just freed, without the quiet wait (the WARM rows). */
  private boolean memoryWarm;

  void run() throws Exception {
    BenchProcess.freshWorkDir(work);
    double gib = Double.parseDouble(System.getenv().getOrDefault("BENCH_GIB", "2"));
    System.out.println("starting Cassandra 5.0.9 and loading " + gib + " GiB ...");
    node = CassandraNode.builder(work.resolve("node")).clusterName("bench").build().start();
    medusa = new MedusaTool(medusaBin, work.resolve("medusa"), node);
    try (LocalS3Server s3 =
        LocalS3Server.onDisk(Files.createDirectories(work.resolve("s3"))).createBucket("bench")) {
      load(gib);
      process.memoryFreed(); // the loading's nodetool flush
      dataGiB = liveBytes() / (double) (1L << 30);
      System.out.printf(Locale.ROOT, "live SSTables: %.2f GiB in %d tables%n", dataGiB, TABLES);

      // Each compared run happens ROUNDS times, the tools taking turns in every round, and the
      // table shows each one's median: one run on this machine moves by up to a third.
      Path rawCopy = null;
      String fileStore = null;
      Path medusaLocal = null;
      for (int round = 1; round <= ROUNDS; round++) {
        String suffix = round == 1 ? "" : "-" + round;
        String store = "file://" + work.resolve("store-kassette" + suffix);
        Path[] copy = new Path[1];
        Path[] medusaConfig = new Path[1];
        jvmStart();
        inTurn(
            round,
            () -> copy[0] = rawCopy(suffix),
            () -> {
              kassette("file://", store, FULL, "k1", null);
              kassette("file://", store, RERUN, "k2", null);
            },
            () -> {
              if (PEERS) {
                medusaConfig[0] =
                    medusa.localConfig("local" + suffix, work.resolve("store-medusa" + suffix));
                medusaRun("file://", FULL, medusa.backup(medusaConfig[0], "m1"));
                medusaRun("file://", RERUN, medusa.backup(medusaConfig[0], "m2"));
              }
            });
        if (QUIET_SECONDS > 0) {
          warmRuns(round, suffix);
        }
        if (round == 1) {
          // the first round's copies and backups serve the S3 floor and the restores
          rawCopy = copy[0];
          fileStore = store;
          medusaLocal = medusaConfig[0];
        } else {
          for (String dir :
              List.of("rawcopy", "rawcopy-synced", "store-kassette", "store-medusa")) {
            BenchProcess.deleteTree(work.resolve(dir + suffix));
          }
          process.memoryFreed();
        }
      }
      // Client-side encryption: the same full backup, encrypted, into a store of its own.
      Path keys = Files.createDirectories(work.resolve("encryption-keys"));
      byte[] key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      Files.writeString(keys.resolve("bench"), java.util.Base64.getEncoder().encodeToString(key));
      Files.setPosixFilePermissions(
          keys.resolve("bench"),
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      encryption = List.of("--encryption-keys", keys.toString(), "--encryption-key-id", "bench");
      kassette(
          "file://" + ENCRYPTED, "file://" + work.resolve("store-encrypted"), FULL, "x1", null);
      encryption = List.of();
      if (PEERS) {
        esop("file://", "file://" + work.resolve("store-esop"), FULL, "e1", null);
        esop("file://", "file://" + work.resolve("store-esop"), RERUN, "e2", null);
      }

      restoreKassette(fileStore, "k1");
      if (PEERS) {
        restoreMedusa(medusaLocal, "m1");
        restoreEsop("file://" + work.resolve("store-esop"), "e1");
      }

      // s3proxy runs inside this JVM, which otherwise idles while a tool runs.
      var os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      serverCpu = () -> os.getProcessCpuTime() / 1e9;
      s3Runs(S3PROXY, s3.endpoint(), rawCopy);
      encryption = List.of("--encryption-keys", keys.toString(), "--encryption-key-id", "bench");
      kassette(S3PROXY + ENCRYPTED, "s3://bench/encrypted", FULL, "x2", s3.endpoint().toString());
      encryption = List.of();
      serverCpu = null;
      if (weedBin != null) {
        // The same runs against a second, unrelated S3 server: what both show is the client's.
        SeaweedS3Server weed = null;
        try {
          weed = SeaweedS3Server.start(weedBin, work.resolve("seaweedfs"), "bench");
        } catch (IllegalStateException e) {
          // the rest of the report still stands
          rows.add(new Row(AWS, SEAWEEDFS, FULL, dataGiB, 0, 0, 0, "not run: " + e.getMessage()));
        }
        if (weed != null) {
          try (SeaweedS3Server server = weed) {
            serverCpu = server::cpuSeconds;
            s3Runs(SEAWEEDFS, server.endpoint(), rawCopy);
          } finally {
            serverCpu = null;
          }
        }
      }
      // esop 3.0.1 bundles AWS SDK 2.20.38 and sets no endpoint override: it only reaches AWS.
      rows.add(
          new Row(
              ESOP,
              "s3",
              "full",
              dataGiB,
              0,
              0,
              0,
              "not run: esop 3.0.1 cannot be pointed at an S3-compatible endpoint"));
      hold(s3);
    } finally {
      node.stop();
    }
    print();
  }

  /**
   * BENCH_HOLD=1 keeps the node and the S3 server up after the runs, for profiling one command by
   * hand, until the file it names is deleted.
   */
  private void hold(LocalS3Server s3) throws Exception {
    if (!"1".equals(System.getenv("BENCH_HOLD"))) {
      return;
    }
    Path flag = Files.writeString(work.resolve("hold"), "");
    System.out.printf(
        Locale.ROOT,
        "holding: --jmx %s --cql %s --s3-endpoint %s (keys as in LocalS3Server); rm %s to end%n",
        node.jmxAddress(),
        node.cqlAddress(),
        s3.endpoint(),
        flag);
    while (Files.exists(flag)) {
      Thread.sleep(1000);
    }
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
    BenchProcess.nodetool(node, "flush", KS);
  }

  private long liveBytes() throws IOException {
    try (Stream<Path> files = Files.walk(node.dataDir().resolve(KS))) {
      return files
          .filter(p -> Files.isRegularFile(p) && !p.toString().contains("/snapshots/"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  /**
   * The floors' and Kassette's file:// full backups of one round again, each started right after
   * {@link #freeMemory}: with the quiet wait every run pays the hypervisor for the pages it writes
   * into, here none does (finding 16). Their copies are deleted after the round. Medusa is left
   * out: it starts two nodetool JVMs before it writes a byte, by which time most of the memory
   * freed for it is returned.
   */
  private void warmRuns(int round, String suffix) throws Exception {
    List<Path> out = new ArrayList<>();
    memoryWarm = true;
    try {
      inTurn(
          round,
          () -> {
            BenchProcess.nodetool(node, "snapshot", "-t", "rawcopy", KS);
            freeMemory();
            out.add(copySnapshot(WARM, "warmcopy" + suffix, "", CP, "floor, memory warm"));
            freeMemory();
            out.add(
                copySnapshot(
                    WARM,
                    "warmcopy-synced" + suffix,
                    "sync -f " + work + "; ",
                    CP_SYNC,
                    "durable floor, memory warm"));
            BenchProcess.nodetool(node, "clearsnapshot", "-t", "rawcopy", "--", KS);
          },
          () -> {
            Path store = work.resolve("store-kassette-warm" + suffix);
            out.add(store);
            freeMemory();
            kassette(WARM, "file://" + store, FULL, "w1", null);
          });
    } finally {
      memoryWarm = false;
    }
    for (Path dir : out) {
      BenchProcess.deleteTree(dir);
    }
    process.memoryFreed();
  }

  /**
   * Writes a little more than the data's size into memory (tmpfs) and deletes it: the next run
   * writes into pages the guest backs already (finding 16). What earlier runs left unsynced is
   * written out first, so that the run's own sync before its clock starts takes no time.
   */
  private void freeMemory() throws Exception {
    BenchProcess.settle();
    long mib = (long) (dataGiB * 1024) + 256;
    // tmpfs when it has room with 1 GiB to spare (it takes memory, and this machine has no swap),
    // else the work dir's disk, whose page cache is freed as well when the file is deleted
    Path shm = Path.of("/dev/shm");
    boolean inMemory =
        Files.isDirectory(shm)
            && Files.getFileStore(shm).getUsableSpace() > (mib + 1024) * (1L << 20)
            && availableMemoryMiB() > mib + 1024;
    Path ballast = (inMemory ? shm : work).resolve("kassette-bench-ballast");
    try {
      Process dd =
          new ProcessBuilder(
                  "dd", "if=/dev/zero", "of=" + ballast, "bs=1M", "count=" + mib, "status=none")
              .inheritIO()
              .start();
      if (dd.waitFor() != 0) {
        throw new IllegalStateException("dd of " + ballast + " failed");
      }
    } finally {
      Files.deleteIfExists(ballast);
    }
  }

  /** MemAvailable from /proc/meminfo, in MiB; 0 when it cannot be read. */
  private static long availableMemoryMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no /proc: the ballast goes to disk
    }
    return 0;
  }

  /** The file floor: {@code cp -r} of a snapshot; the copy stays for the S3 floor. */
  private Path rawCopy(String suffix) throws Exception {
    BenchProcess.nodetool(node, "snapshot", "-t", "rawcopy", KS);
    process.memoryFreed(); // nodetool's JVM
    Path target = copySnapshot("file://", "rawcopy" + suffix, "", CP, "floor");
    // Kassette syncs every object it writes (a backup that a power cut can lose is not one);
    // cp does not, and on a machine with free memory writes only to the page cache.
    copySnapshot(
        "file://", "rawcopy-synced" + suffix, "sync -f " + work + "; ", CP_SYNC, "durable floor");
    BenchProcess.nodetool(node, "clearsnapshot", "-t", "rawcopy", "--", KS);
    process.memoryFreed();
    return target;
  }

  private Path copySnapshot(String store, String dir, String after, String tool, String note)
      throws Exception {
    Path target = Files.createDirectories(work.resolve(dir));
    List<String> cmd =
        List.of(
            "bash",
            "-c",
            "for d in "
                + node.dataDir().resolve(KS)
                + "/*/snapshots/rawcopy; do cp -r \"$d\" "
                + target
                + "/$(basename $(dirname $(dirname $d))); done; "
                + after);
    BenchProcess.Timed t = process.timed(cmd, Map.of(), memoryWarm);
    rows.add(new Row(tool, store, FULL, dataGiB, t.seconds(), t.cpuSeconds(), t.rssKiB(), note));
    return target;
  }

  /** A tool's run, with the S3 server's CPU time during it when an S3 server is in use. */
  private BenchProcess.Timed timed(List<String> cmd, Map<String, String> env) throws Exception {
    BenchProcess.settle(); // the server's share of the sync is no run's
    process.awaitQuietMemory(memoryWarm); // nor its idling during the wait
    double before = serverCpu == null ? 0 : serverCpu.getAsDouble();
    BenchProcess.Timed t = process.timed(cmd, env, memoryWarm);
    lastServerCpu = serverCpu == null ? 0 : serverCpu.getAsDouble() - before;
    return t;
  }

  /**
   * One run's row: its note when the process succeeded (computed only then: a restore's note counts
   * the rows), else the failure's last line.
   */
  private void add(
      String tool, String store, String run, BenchProcess.Timed t, Supplier<String> okNote) {
    Row row =
        new Row(
            tool,
            store,
            run,
            dataGiB,
            t.seconds(),
            t.cpuSeconds(),
            t.rssKiB(),
            t.exit() == 0 ? okNote.get() : "FAILED: " + t.tail());
    rows.add(row);
    if (serverCpu != null) {
      serverCpuByRow.put(row, lastServerCpu);
      lastServerCpu = 0;
    }
  }

  /** A Kassette command on backup {@code name} of the benchmark's cluster at {@code location}. */
  private List<String> onNode(String command, String location, String name, String... rest) {
    List<String> args =
        new ArrayList<>(
            List.of(command, "--location", location, "--cluster", "bench", "--name", name));
    args.addAll(List.of(rest));
    return process.kassette(args.toArray(String[]::new));
  }

  /** Kassette's JVM starting and printing its help: the fixed cost of every CLI run. */
  private void jvmStart() throws Exception {
    BenchProcess.Timed t = process.timed(process.kassette("--help"), Map.of());
    rows.add(
        new Row(KASSETTE, "jvm", "start", 0, t.seconds(), t.cpuSeconds(), t.rssKiB(), "--help"));
  }

  /**
   * The S3 floor, then Kassette's and Medusa's full backup and re-run, on one S3 server, in {@link
   * #ROUNDS} rounds; each round's objects are deleted after it (the disk holds the node, the stores
   * and the server's objects at once).
   */
  private void s3Runs(String store, java.net.URI endpoint, Path rawCopy) throws Exception {
    for (int round = 1; round <= ROUNDS; round++) {
      String prefix = "r" + round + "/";
      // Medusa's prefix may not hold a slash
      String medusaPrefix = "medusa-r" + round;
      Path medusaS3 =
          PEERS
              ? medusa.s3Config(
                  store.replaceAll("\\W", "") + round, endpoint, "bench", medusaPrefix)
              : null;
      inTurn(
          round,
          () -> awsCopy(store, rawCopy, endpoint, prefix + "awscli/"),
          () -> {
            kassette(store, "s3://bench/" + prefix + "kassette", FULL, "s1", endpoint.toString());
            kassette(store, "s3://bench/" + prefix + "kassette", RERUN, "s2", endpoint.toString());
          },
          () -> {
            if (PEERS) {
              medusaRun(store, FULL, medusa.backup(medusaS3, "ms1"));
              medusaRun(store, RERUN, medusa.backup(medusaS3, "ms2"));
            }
          });
      removeObjects(endpoint, prefix);
      removeObjects(endpoint, medusaPrefix + "/");
      process.memoryFreed();
    }
  }

  /** One tool's runs in a round. */
  @FunctionalInterface
  private interface Turn {
    void run() throws Exception;
  }

  /**
   * The floor's, Kassette's and the peer's runs of one round, each round starting one turn later:
   * no tool always runs first (into an idle machine) or last (after the others' writes).
   */
  private static void inTurn(int round, Turn... turns) throws Exception {
    for (int i = 0; i < turns.length; i++) {
      turns[(i + round - 1) % turns.length].run();
    }
  }

  /** Deletes every object under {@code prefix} of the benchmark's bucket, untimed. */
  private void removeObjects(java.net.URI endpoint, String prefix) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(awsS3(endpoint, "rm", "s3://bench/" + prefix))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(BenchProcess.s3Env());
    if (pb.start().waitFor() != 0) {
      throw new IllegalStateException("could not delete s3://bench/" + prefix);
    }
  }

  /** The S3 floor: the AWS CLI's recursive copy of the same snapshot to the same S3 server. */
  private void awsCopy(String store, Path rawCopy, java.net.URI endpoint, String prefix)
      throws Exception {
    BenchProcess.Timed t =
        timed(
            awsS3(endpoint, "cp", rawCopy.toString(), "s3://bench/" + prefix),
            BenchProcess.s3Env());
    add(AWS, store, FULL, t, () -> "floor");
  }

  /** The AWS CLI's recursive {@code s3 <command>} against {@code endpoint}, errors only. */
  private List<String> awsS3(java.net.URI endpoint, String command, String... paths) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                awsBin.toString(),
                "--endpoint-url",
                endpoint.toString(),
                "s3",
                command,
                "--recursive",
                "--only-show-errors"));
    cmd.addAll(List.of(paths));
    return cmd;
  }

  private void medusaRun(String store, String run, List<String> cmd) throws Exception {
    BenchProcess.Timed t = timed(cmd, Map.of());
    add(MedusaTool.NAME, store, run, t, () -> "");
  }

  /**
   * Medusa's restore into the running node (sstableloader). Medusa does not truncate: the tables
   * are truncated first, outside the timing, so the rows counted are the restored ones.
   */
  private void restoreMedusa(Path config, String name) throws Exception {
    try (CqlSession cql = CqlSessions.open(node)) {
      for (int t = 0; t < TABLES; t++) {
        cql.execute("TRUNCATE " + KS + ".t" + t);
      }
    }
    process.memoryFreed();
    BenchProcess.Timed t = process.timed(medusa.restore(config, name, KS), Map.of());
    add(MedusaTool.NAME, "file://", RESTORE, t, () -> "sstableloader; " + rowCheck());
  }

  private void kassette(String store, String location, String run, String name, String s3Endpoint)
      throws Exception {
    List<String> cmd = onNode("backup", location, name, "--keyspaces", KS, "--json");
    cmd.addAll(BenchProcess.nodeFlags(node));
    if (s3Endpoint != null) {
      cmd.addAll(List.of("--s3-endpoint", s3Endpoint));
    }
    cmd.addAll(encryption);
    BenchProcess.Timed t = timed(cmd, BenchProcess.s3Env());
    add(KASSETTE, store, run, t, () -> "phases ms " + t.phases());
  }

  private void esop(String store, String location, String run, String tag, String s3Endpoint)
      throws Exception {
    String sl = location + (location.startsWith("file://") ? "/bucket" : "") + "/bench/dc1/node1";
    List<String> cmd =
        new ArrayList<>(
            List.of(
                BenchProcess.java(),
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
      env.putAll(BenchProcess.s3Env());
      env.put("AWS_ENDPOINT", s3Endpoint);
      env.put("AWS_ENABLE_PATH_STYLE_ACCESS", "true");
      cmd.add("--insecure-http");
    }
    BenchProcess.Timed t = process.timed(cmd, env);
    add(ESOP, store, run, t, () -> "");
  }

  /** Kassette's online restore of its first backup: download, verify, truncate, import. */
  private void restoreKassette(String location, String name) throws Exception {
    List<String> cmd = onNode("restore", location, name, "--truncate");
    cmd.addAll(BenchProcess.nodeFlags(node));
    BenchProcess.Timed t = process.timed(cmd, Map.of());
    add(KASSETTE, "file://", RESTORE, t, () -> "truncate+import; " + rowCheck());
  }

  /** esop's import restore of its first backup, one process per phase as esop runs it. */
  private void restoreEsop(String location, String tag) throws Exception {
    String sl = location + "/bucket/bench/dc1/node1";
    Path importDir = Files.createDirectories(work.resolve("esop-import"));
    double seconds = 0;
    double cpu = 0;
    long rss = 0;
    String failure = null;
    for (String phase : List.of("download", "truncate", "import", "cleanup")) {
      List<String> cmd =
          List.of(
              BenchProcess.java(),
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
      BenchProcess.Timed t = process.timed(cmd, Map.of());
      seconds += t.seconds();
      cpu += t.cpuSeconds();
      rss = Math.max(rss, t.rssKiB());
      if (t.exit() != 0 && failure == null) {
        failure = "FAILED in " + phase + ": " + t.tail();
      }
    }
    rows.add(
        new Row(
            ESOP,
            "file://",
            RESTORE,
            dataGiB,
            seconds,
            cpu,
            rss,
            failure == null ? "truncate+import; " + rowCheck() : failure));
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

  /**
   * One row per tool, store and run: the median round by wall time (with that round's CPU, server
   * CPU and phases), the largest RSS of any round, and the rounds' range in the note. A run that
   * failed in any round shows that failure instead.
   */
  private void collapseRounds() {
    Map<List<String>, List<Row>> groups = new java.util.LinkedHashMap<>();
    for (Row r : rows) {
      groups.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
    }
    List<Row> collapsed = new ArrayList<>();
    Map<Row, Double> server = new java.util.LinkedHashMap<>();
    for (List<Row> samples : groups.values()) {
      java.util.Optional<Row> failed = samples.stream().filter(r -> !r.ran()).findFirst();
      Row row;
      Row from;
      if (samples.size() == 1 || failed.isPresent()) {
        row = failed.orElse(samples.get(0));
        from = row;
      } else {
        List<Row> sorted =
            samples.stream().sorted(java.util.Comparator.comparingDouble(Row::seconds)).toList();
        // a row's own time: the slower of two middle rounds when the count is even (ratios between
        // rows are taken round by round: speedup)
        from = sorted.get(sorted.size() / 2);
        String range =
            String.format(
                Locale.ROOT,
                "median of %d (%.1f-%.1f s)",
                sorted.size(),
                sorted.get(0).seconds,
                sorted.get(sorted.size() - 1).seconds);
        row =
            new Row(
                from.tool,
                from.store,
                from.run,
                from.gib,
                from.seconds,
                from.cpuSeconds,
                samples.stream().mapToLong(Row::rssKiB).max().orElse(0),
                from.note.isEmpty() ? range : range + "; " + from.note);
      }
      collapsed.add(row);
      if (failed.isEmpty()) {
        roundsOf.put(key(row), samples);
      }
      if (serverCpuByRow.containsKey(from)) {
        server.put(row, serverCpuByRow.get(from));
      }
    }
    rows.clear();
    rows.addAll(collapsed);
    serverCpuByRow.clear();
    serverCpuByRow.putAll(server);
  }

  private void print() {
    collapseRounds();
    String header = "%-14s %-19s %-17s %5s %8s %7s %7s %7s %9s %7s %8s  %s%n";
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        header,
        "tool",
        "store",
        "run",
        "GiB",
        "seconds",
        "MiB/s",
        "CPU-s",
        "RSS MiB",
        "vs medusa",
        "vs esop",
        "of floor",
        "note");
    for (Row r : rows) {
      if (r.seconds == 0) {
        System.out.printf(
            Locale.ROOT,
            header,
            r.tool,
            r.store,
            r.run,
            fmt(r.gib),
            "-",
            "-",
            "-",
            "-",
            "",
            "",
            "",
            r.note);
        continue;
      }
      String vsMedusa = "";
      String vsEsop = "";
      String ofFloor = "";
      if (!r.store.endsWith(ENCRYPTED) && r.ran()) {
        if (!r.tool.equals(MedusaTool.NAME) && !isFloor(r)) {
          vsMedusa = find(MedusaTool.NAME, r.store, r.run).map(m -> ratio(m, r)).orElse("");
        }
        if (r.tool.equals(KASSETTE)) {
          vsEsop = find(ESOP, r.store, r.run).map(e -> ratio(e, r)).orElse("");
        }
        if (r.run.equals(FULL) && !isFloor(r)) {
          ofFloor =
              floor(r.store)
                  .map(f -> String.format(Locale.ROOT, "%.0f%%", 100 * speedup(f, r)))
                  .orElse("");
        }
      }
      System.out.printf(
          Locale.ROOT,
          header,
          r.tool,
          r.store,
          r.run,
          fmt(r.gib),
          String.format(Locale.ROOT, "%.1f", r.seconds),
          String.format(Locale.ROOT, "%.1f", r.gib * 1024 / r.seconds),
          String.format(Locale.ROOT, "%.1f", r.cpuSeconds),
          String.format(Locale.ROOT, "%.0f", r.rssKiB / 1024.0),
          vsMedusa,
          vsEsop,
          ofFloor,
          r.note);
    }
    System.out.println(
        "\n'vs X' = X's wall time / this row's for the same store and run (above 1: this row is"
            + " faster; for runs in rounds, the median of the ratios within each round); 'of floor' = the floor's wall time / this row's (cp -r for file://, aws s3"
            + " cp --recursive for S3). Every tool is a separate process, one after the other, on"
            + " the same node, after a sync; RSS is GNU time's maximum resident set size (of"
            + " every round). Compared runs: the median of "
            + ROUNDS
            + " rounds, the tools taking turns in each.");
    if (QUIET_SECONDS > 0) {
      System.out.println(
          "Memory: every run started "
              + QUIET_SECONDS
              + " s after the memory freed before it (by the previous run or deleted copies)"
              + (BenchProcess.freePageReporting()
                  ? ", which this VM's balloon has by then returned to the hypervisor: each run pays"
                      + " a host page fault for every page it writes into"
                  : "")
              + ". '"
              + WARM
              + "': the floors' and Kassette's file:// full backups, each started right after "
              + "the data's size + 256 MiB was written and deleted, into memory the guest still backs"
              + " (docs/performance.md, finding 16; BENCH_QUIET_SECONDS).");
    }
    if (!BenchProcess.KASSETTE_PREFIX.isEmpty()) {
      System.out.println(
          "Kassette ran under: "
              + String.join(" ", BenchProcess.KASSETTE_PREFIX)
              + " (BENCH_KASSETTE_PREFIX); the other tools did not.");
    }
    encryptionCosts();
    s3Cpu();
    targets();
  }

  /** The targets, each met or not, from this run's rows. */
  private void targets() {
    System.out.println("\ntargets (this run):");
    for (String store : List.of("file://", WARM, S3PROXY, SEAWEEDFS)) {
      find(KASSETTE, store, FULL)
          .ifPresent(
              k -> {
                find(MedusaTool.NAME, store, FULL)
                    .ifPresent(
                        m -> target("full backup >= 2x Medusa on " + store, speedup(m, k), 2, "x"));
                floor(store)
                    .ifPresent(
                        f ->
                            target(
                                "full backup >= 90% of the floor on " + store,
                                100 * speedup(f, k),
                                90,
                                "%"));
              });
    }
    for (String store : List.of("file://", WARM)) {
      find(KASSETTE, store, FULL)
          .ifPresent(
              k ->
                  find(CP_SYNC, store, FULL)
                      .ifPresent(
                          f ->
                              target(
                                  "full backup >= 90% of cp -r + sync (the durable floor) on "
                                      + store,
                                  100 * speedup(f, k),
                                  90,
                                  "%")));
    }
    find(KASSETTE, "file://", RERUN)
        .ifPresent(
            k ->
                find(KASSETTE, "jvm", "start")
                    .ifPresent(
                        j ->
                            target(
                                "unchanged re-run on file:// <= 1 s + JVM start ("
                                    + fmt(j.seconds)
                                    + " s)",
                                1 + j.seconds - k.seconds,
                                0,
                                " s to spare")));
    for (String store : List.of(S3PROXY, SEAWEEDFS)) {
      find(KASSETTE, store, RERUN)
          .ifPresent(
              k ->
                  target(
                      "unchanged re-run on " + store + " <= 2 s", 2 - k.seconds, 0, " s to spare"));
    }
    find(KASSETTE, "file://", RESTORE)
        .ifPresent(
            k ->
                find(MedusaTool.NAME, "file://", RESTORE)
                    .or(() -> find(ESOP, "file://", RESTORE))
                    .ifPresent(
                        m ->
                            target(
                                "restore >= 2x " + m.tool + " on file://", speedup(m, k), 2, "x")));
    rows.stream()
        .filter(r -> r.tool.equals(KASSETTE) && r.seconds > 0)
        .mapToLong(Row::rssKiB)
        .max()
        .ifPresent(
            rss ->
                target(
                    "Kassette's peak RSS <= 256 MiB on every run",
                    256 - rss / 1024.0,
                    0,
                    " MiB to spare"));
  }

  private static void target(String what, double value, double atLeast, String unit) {
    System.out.printf(
        Locale.ROOT,
        "  %-70s %8.2f%s  %s%n",
        what,
        value,
        unit,
        value >= atLeast ? "met" : "NOT MET");
  }

  /**
   * Each S3 run's CPU, the tool's and the S3 server's: on 2 cores, a run whose two add up to about
   * twice its wall time is bound by the CPU of this machine, not by either program's design.
   */
  private void s3Cpu() {
    if (serverCpuByRow.isEmpty()) {
      return;
    }
    System.out.println(
        "\nCPU of each S3 run (client: the tool's processes; server: the S3 server's, for s3proxy"
            + " the whole benchmark JVM it runs in; busy: both over 2 cores x wall time, the"
            + " Cassandra node's own CPU left out):");
    serverCpuByRow.forEach(
        (r, server) -> {
          if (r.ran()) {
            System.out.printf(
                Locale.ROOT,
                "  %-14s %-22s %-17s wall %6.1f s  client %6.1f  server %6.1f CPU-s  busy %3.0f%%%n",
                r.tool,
                r.store,
                r.run,
                r.seconds,
                r.cpuSeconds,
                server,
                100 * (r.cpuSeconds + server) / (2 * r.seconds));
          }
        });
  }

  private void encryptionCosts() {
    for (Row r : rows) {
      if (!r.tool.equals(KASSETTE) || !r.store.endsWith(ENCRYPTED) || !r.ran()) {
        continue;
      }
      String plainStore = r.store.substring(0, r.store.length() - ENCRYPTED.length());
      find(KASSETTE, plainStore, r.run)
          .ifPresent(
              p ->
                  System.out.printf(
                      Locale.ROOT,
                      "encryption on %s: %.2fx the unencrypted wall time, %.2fx its RSS%n",
                      plainStore,
                      r.seconds / p.seconds,
                      (double) r.rssKiB / p.rssKiB));
    }
  }

  private java.util.Optional<Row> find(String tool, String store, String run) {
    return rows.stream()
        .filter(r -> r.tool.equals(tool) && r.store.equals(store) && r.run.equals(run) && r.ran())
        .findFirst();
  }

  private java.util.Optional<Row> floor(String store) {
    return find(store.startsWith("s3") ? AWS : CP, store, FULL);
  }

  private static boolean isFloor(Row r) {
    return r.tool.equals(CP) || r.tool.equals(CP_SYNC) || r.tool.equals(AWS);
  }

  /**
   * {@code other}'s wall time over {@code r}'s: when both ran in the same rounds, the median of the
   * ratios within each round (the lower one of an even count), so that a round where the machine
   * was slow for both counts as one; else the ratio of the two rows.
   */
  private double speedup(Row other, Row r) {
    List<Row> a = roundsOf.get(key(other));
    List<Row> b = roundsOf.get(key(r));
    if (a == null || b == null || a.size() != b.size() || a.size() < 2) {
      return other.seconds / r.seconds;
    }
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      ratios.add(a.get(i).seconds / b.get(i).seconds);
    }
    java.util.Collections.sort(ratios);
    return ratios.get((ratios.size() - 1) / 2);
  }

  private static List<String> key(Row r) {
    return List.of(r.tool, r.store, r.run);
  }

  private String ratio(Row other, Row r) {
    return String.format(Locale.ROOT, "%.1fx", speedup(other, r));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
