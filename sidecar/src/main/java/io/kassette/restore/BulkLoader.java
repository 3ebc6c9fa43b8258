package io.kassette.restore;

import io.kassette.node.HostPort;
import io.kassette.node.NodeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Cassandra's own bulk loader (sstableloader semantics) in a child JVM: it reads the ring from the
 * target cluster and streams each row to the replicas that own it, so SSTables from any topology
 * land in any other. The loader needs Cassandra's jars, which the sidecar does not carry: in a pod,
 * the database image's {@code lib/} directory, mounted or copied.
 *
 * <p>The child is a second JVM in the sidecar's container: its heap ({@code KASSETTE_LOADER_HEAP},
 * default {@value #DEFAULT_HEAP}) must fit beside the agent's own within the container's memory
 * limit. It runs at most {@code timeout} ({@code KASSETTE_LOADER_TIMEOUT}, default 6h) per table
 * directory; on timeout, cancel or interrupt it is killed with every process it started.
 *
 * @param cassandraLib directory holding Cassandra's jars
 * @param cql a node of the target cluster (native port)
 * @param storagePort the target cluster's internode port
 * @param heap the child JVM's -Xmx, e.g. 256m
 * @param timeout how long one table directory may take
 */
public record BulkLoader(
    Path cassandraLib, HostPort cql, int storagePort, String heap, Duration timeout) {
  static final String DEFAULT_HEAP = "256m";
  private static final java.util.regex.Pattern HEAP =
      java.util.regex.Pattern.compile("[1-9][0-9]{0,5}[mMgG]");

  public BulkLoader {
    if (heap == null || !HEAP.matcher(heap).matches()) {
      throw new IllegalArgumentException(
          "KASSETTE_LOADER_HEAP must be a JVM heap size such as 256m or 1g, got '" + heap + "'");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("KASSETTE_LOADER_TIMEOUT must be positive");
    }
  }

  /** With the heap and timeout from the environment, or their defaults. */
  public BulkLoader(Path cassandraLib, HostPort cql, int storagePort) {
    this(
        cassandraLib,
        cql,
        storagePort,
        System.getenv().getOrDefault("KASSETTE_LOADER_HEAP", DEFAULT_HEAP),
        System.getenv("KASSETTE_LOADER_TIMEOUT") == null
            ? Duration.ofHours(6)
            : io.kassette.backup.Durations.parse(
                "KASSETTE_LOADER_TIMEOUT", System.getenv("KASSETTE_LOADER_TIMEOUT")));
  }

  public void load(Path tableDir, double throttleMiBps, Path workDir) throws NodeException {
    if (cassandraLib == null || !Files.isDirectory(cassandraLib)) {
      throw new NodeException(
          "restoring into another topology needs Cassandra's jars for the bulk loader: set"
              + " --loader-lib or KASSETTE_CASSANDRA_LIB to Cassandra's lib/ directory");
    }
    try {
      Files.createDirectories(workDir);
      Path args = workDir.resolve("jvm17-jpms.args");
      try (InputStream in = BulkLoader.class.getResourceAsStream("jvm17-jpms.args")) {
        Files.copy(in, args, StandardCopyOption.REPLACE_EXISTING);
      }
      Path log = Files.createTempFile(workDir, "sstableloader-", ".log");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(
          List.of(
              "-Xmx" + heap,
              "@" + args,
              "-Dcassandra.logdir=" + workDir,
              "-cp",
              cassandraLib + "/*",
              "org.apache.cassandra.tools.BulkLoader",
              "--no-progress",
              "-d",
              cql.host(),
              "-p",
              String.valueOf(cql.port()),
              "-sp",
              String.valueOf(storagePort)));
      if (throttleMiBps > 0) {
        cmd.addAll(
            List.of(
                "--throttle-mib", String.format(Locale.ROOT, "%.0f", Math.max(1, throttleMiBps))));
      }
      cmd.add(tableDir.toString());
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      int exit;
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          kill(p);
          throw new NodeException(
              "bulk load of "
                  + tableDir
                  + " ran longer than "
                  + timeout
                  + " and was killed; raise KASSETTE_LOADER_TIMEOUT if the table is that large");
        }
        exit = p.exitValue();
      } catch (InterruptedException e) {
        kill(p); // a cancel or a stop must not leave a JVM streaming behind the agent's back
        throw e;
      }
      if (exit != 0) {
        List<String> lines = tail(log);
        throw new NodeException(
            "bulk load of "
                + tableDir
                + " into "
                + cql
                + " failed (exit "
                + exit
                + "): "
                + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
      }
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new NodeException("cannot run the bulk loader: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted while bulk loading " + tableDir, e);
    }
  }

  /** The child and everything it started, forcibly, then waits (bounded) for them to go. */
  static void kill(Process p) {
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    for (ProcessHandle h : tree) {
      h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join();
    }
    p.toHandle().onExit().completeOnTimeout(p.toHandle(), 10, TimeUnit.SECONDS).join();
  }

  /** The last lines of the loader's log, read from its end: the log may be large. */
  private static List<String> tail(Path log) throws IOException {
    try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(log)) {
      long size = f.size();
      int n = (int) Math.min(size, 8192);
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n);
      f.read(buf, size - n);
      String text =
          new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8);
      return text.lines().toList();
    }
  }
}
