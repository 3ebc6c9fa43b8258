package io.kassette.bench;

import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.LocalS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the benchmarks run a tool: as a process of its own under {@code /usr/bin/time}, for wall
 * time, CPU time and peak RSS; Kassette with the JVM options of its container image.
 */
final class BenchProcess {
  /** Extra JVM options for Kassette's runs (e.g. -XX:NativeMemoryTracking=summary). */
  static final List<String> KASSETTE_JAVA_OPTS =
      List.of(System.getenv().getOrDefault("BENCH_KASSETTE_JAVA_OPTS", "").split(" ")).stream()
          .filter(o -> !o.isBlank())
          .toList();

  /**
   * A command Kassette's runs go through (e.g. {@code eatmydata}, to see what its fsyncs cost;
   * {@code perf stat -e ...}); the floors and the peers do not. Printed under the table.
   */
  static final List<String> KASSETTE_PREFIX =
      List.of(System.getenv().getOrDefault("BENCH_KASSETTE_PREFIX", "").split(" ")).stream()
          .filter(o -> !o.isBlank())
          .toList();

  /**
   * The JVM options of the sidecar image (docker/sidecar.Dockerfile), with the heap capped at 256m
   * as the benchmark always ran it, and the image's class-data sharing archive when bench/run.sh
   * made one for the jar (-Dkassette.cds; tools/cds/archive.sh).
   */
  static final List<String> KASSETTE_JVM = kassetteJvm(System.getProperty("kassette.cds"));

  private static List<String> kassetteJvm(String archive) {
    List<String> options =
        new ArrayList<>(
            List.of(
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Xms16m",
                "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30",
                "-Dio.netty.allocator.type=unpooled"));
    if (archive != null && Files.isRegularFile(Path.of(archive))) {
      options.add("-XX:SharedArchiveFile=" + archive);
    }
    return List.copyOf(options);
  }

  /**
   * One process's run. {@code rssKiB} is GNU time's maximum resident set size: that of the largest
   * single process of the tree (a tool's child such as Medusa's nodetool counts if it is larger);
   * {@code cpuSeconds} is user plus system time of the whole tree; {@code log} holds its output.
   */
  record Timed(
      int exit,
      double seconds,
      double cpuSeconds,
      long rssKiB,
      String tail,
      String phases,
      Path log) {}

  private final Path work;
  private final Path kassetteJar;

  BenchProcess(Path work, Path kassetteJar) {
    this(work, kassetteJar, 0);
  }

  /**
   * With {@code quietSeconds} above 0, every {@link #timed} run starts that long after the previous
   * one ended (or after {@link #memoryFreed}), so that all start with the memory in the same state
   * (see {@link #quietSecondsForThisMachine}).
   */
  BenchProcess(Path work, Path kassetteJar, int quietSeconds) {
    this.work = work;
    this.kassetteJar = kassetteJar;
    this.quietSeconds = quietSeconds;
  }

  private final int quietSeconds;
  private long lastMemoryFreedNanos = System.nanoTime();

  /**
   * How long a run must wait for the memory freed before it (by the previous run's exit, or by
   * deleted copies) to be handed back to the hypervisor: BENCH_QUIET_SECONDS, else 12 on a VM whose
   * balloon reports free pages, 0 elsewhere. On such a VM a page the guest freed is returned to the
   * host within seconds, and writing into it again costs a host page fault per page: the same
   * {@code cp -r} of 2 GiB takes 1.2 s right after 2 GiB was freed and 5.5 s 15 s later, all of it
   * system time (docs/performance.md, finding 16). Without the wait a run's speed depended on how
   * long ago its predecessor freed memory.
   */
  static int quietSecondsForThisMachine() {
    String set = System.getenv("BENCH_QUIET_SECONDS");
    if (set != null && !set.isBlank()) {
      try {
        return Integer.parseInt(set.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "BENCH_QUIET_SECONDS=" + set + " is not a whole number of seconds (e.g. 0 or 12)");
      }
    }
    return freePageReporting() ? 12 : 0;
  }

  /**
   * The kernel's free page reporting loaded and a virtio balloon bound that negotiated it
   * (VIRTIO_BALLOON_F_REPORTING, feature bit 5; sysfs lists the bits lowest first).
   */
  static boolean freePageReporting() {
    Path balloon = Path.of("/sys/bus/virtio/drivers/virtio_balloon");
    if (!Files.isDirectory(Path.of("/sys/module/page_reporting")) || !Files.isDirectory(balloon)) {
      return false;
    }
    try (Stream<Path> devices = Files.list(balloon)) {
      return devices
          .filter(d -> d.getFileName().toString().startsWith("virtio"))
          .anyMatch(
              d -> {
                try {
                  String bits = Files.readString(d.resolve("features")).trim();
                  return bits.length() > 5 && bits.charAt(5) == '1';
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until the quiet period has passed since memory was last freed; at once when {@code
   * memoryWarm}.
   */
  void awaitQuietMemory(boolean memoryWarm) throws InterruptedException {
    if (memoryWarm) {
      return;
    }
    long waitMillis = (lastMemoryFreedNanos - System.nanoTime()) / 1_000_000 + quietSeconds * 1000L;
    if (waitMillis > 0) {
      Thread.sleep(waitMillis);
    }
  }

  /** The caller just freed memory (deleted a copy): the next run waits for it to be returned. */
  void memoryFreed() {
    lastMemoryFreedNanos = System.nanoTime();
  }

  /** Kassette's command line, with the JVM options its container image gives it. */
  List<String> kassette(String... args) {
    List<String> cmd = new ArrayList<>(KASSETTE_PREFIX);
    cmd.add(java());
    cmd.addAll(KASSETTE_JVM);
    cmd.addAll(KASSETTE_JAVA_OPTS);
    cmd.addAll(List.of("-jar", kassetteJar.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  Timed timed(List<String> cmd, Map<String, String> env) throws Exception {
    return timed(cmd, env, false);
  }

  /**
   * A run under GNU time. {@code memoryWarm}: start at once, into the memory just freed, instead of
   * after the quiet period (the "warm" rows of the benchmark).
   */
  Timed timed(List<String> cmd, Map<String, String> env, boolean memoryWarm) throws Exception {
    settle();
    awaitQuietMemory(memoryWarm);
    Path rss = Files.createTempFile(work, "time", ".txt");
    Path log = Files.createTempFile(work, "run", ".log");
    List<String> full =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", rss.toString()));
    full.addAll(cmd);
    ProcessBuilder pb =
        new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    if (cmd.contains(kassetteJar.toString())) {
      pb.environment().put("MALLOC_ARENA_MAX", "2"); // as the sidecar image sets it
    }
    long t0 = System.nanoTime();
    Process p = pb.start();
    int exit = p.waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    memoryFreed(); // the process's own memory
    long rssKiB = 0;
    double cpuSeconds = 0;
    for (String line : Files.readAllLines(rss)) {
      if (line.trim().matches("\\d+ [\\d.]+ [\\d.]+")) {
        String[] f = line.trim().split(" ");
        rssKiB = Long.parseLong(f[0]);
        cpuSeconds = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
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
        exit,
        seconds,
        cpuSeconds,
        rssKiB,
        tail.length() > 160 ? tail.substring(0, 160) : tail,
        phases,
        log);
  }

  /**
   * Writes out what an earlier run left in the page cache, so that no run pays for another's
   * writes; a caller that measures around {@link #timed} calls it first too.
   */
  static void settle() throws IOException, InterruptedException {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  /** How Kassette's backup and restore reach {@code node}, with 8 files at once. */
  static List<String> nodeFlags(CassandraNode node) {
    return List.of("--jmx", node.jmxAddress(), "--cql", node.cqlAddress(), "--parallel", "8");
  }

  /** Cassandra's own {@code nodetool} against {@code node}, from the node's jars. */
  static void nodetool(CassandraNode node, String... args) throws Exception {
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

  /** The loopback S3 server's credentials, for a tool that reads them from the environment. */
  static Map<String, String> s3Env() {
    return Map.of(
        "AWS_ACCESS_KEY_ID",
        LocalS3Server.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY",
        LocalS3Server.SECRET_KEY,
        "AWS_REGION",
        "us-east-1");
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Empties {@code work} for a benchmark's run and marks it as a benchmark's: bench/run.sh clears
   * another benchmark's work dir for the disk it needs, and only one carrying this mark.
   */
  static void freshWorkDir(Path work) throws IOException {
    deleteTree(work);
    Files.createDirectories(work);
    Files.writeString(work.resolve(".kassette-bench"), "");
  }

  static void deleteTree(Path dir) throws IOException {
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
