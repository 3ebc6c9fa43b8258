package io.kassette.restore;

import io.kassette.node.HostPort;
import io.kassette.node.NodeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cassandra's own bulk loader (sstableloader semantics) in a child JVM: it reads the ring from the
 * target cluster and streams each row to the replicas that own it, so SSTables from any topology
 * land in any other. The loader needs Cassandra's jars, which the sidecar does not carry: in a pod,
 * the database image's {@code lib/} directory, mounted or copied.
 *
 * @param cassandraLib directory holding Cassandra's jars
 * @param cql a node of the target cluster (native port)
 * @param storagePort the target cluster's internode port
 */
public record BulkLoader(Path cassandraLib, HostPort cql, int storagePort) {

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
              "-Xmx512m",
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
      int exit = p.waitFor();
      if (exit != 0) {
        List<String> lines = Files.readAllLines(log);
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
}
