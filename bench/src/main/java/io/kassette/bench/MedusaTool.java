package io.kassette.bench;

import io.kassette.testkit.CassandraNode;
import io.kassette.testkit.LocalS3Server;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * cassandra-medusa 0.31.0 (installed from PyPI by bench/run.sh) pointed at the benchmark's node and
 * stores: its {@code nodetool} is Cassandra's own NodeTool class from the node's jars, its storage
 * is either Medusa's local storage or {@code s3_compatible} against the same loopback S3 server.
 *
 * <p>Medusa's defaults would cap it at 50 MB/s and one transfer at a time; both are raised to what
 * Kassette gets ({@code --parallel 8}, no bandwidth limit) so the comparison is of the tools, not
 * of their defaults.
 */
final class MedusaTool {
  static final String NAME = "medusa 0.31.0";
  static final int CONCURRENT_TRANSFERS = 8;

  private final Path medusa;
  private final Path dir;
  private final CassandraNode node;

  /**
   * @param medusa the {@code medusa} executable of the virtualenv
   * @param dir where its configuration, nodetool wrapper and logs go
   */
  MedusaTool(Path medusa, Path dir, CassandraNode node) throws IOException {
    this.medusa = medusa;
    this.dir = Files.createDirectories(dir);
    this.node = node;
    writeCassandraTool("nodetool", "org.apache.cassandra.tools.NodeTool");
    writeCassandraTool("sstableloader", "org.apache.cassandra.tools.BulkLoader");
  }

  /** A configuration for Medusa's local storage under {@code basePath}. */
  Path localConfig(String name, Path basePath) throws IOException {
    Files.createDirectories(basePath);
    return write(
        name,
        """
        [storage]
        storage_provider = local
        base_path = %s
        bucket_name = medusa
        """
            .formatted(basePath));
  }

  /** A configuration for {@code s3_compatible} storage in {@code bucket}/{@code prefix}. */
  Path s3Config(String name, URI endpoint, String bucket, String prefix) throws IOException {
    Path credentials = dir.resolve("aws-credentials");
    Files.writeString(
        credentials,
        "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
            .formatted(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY));
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
    return write(
        name,
        """
        [storage]
        storage_provider = s3_compatible
        host = %s
        port = %d
        secure = False
        key_file = %s
        bucket_name = %s
        prefix = %s
        region = us-east-1
        s3_addressing_style = path
        """
            .formatted(endpoint.getHost(), endpoint.getPort(), credentials, bucket, prefix));
  }

  /**
   * {@code medusa backup-node} in its default and recommended differential mode, as Kassette runs
   * in its own: the first backup uploads every file, the next only what changed. (A Medusa full
   * backup keeps its files apart, so a differential one after it re-uploads everything.)
   */
  List<String> backup(Path config, String name) {
    return command(config, "backup-node", "--backup-name", name, "--mode", "differential");
  }

  /**
   * {@code medusa restore-node --use-sstableloader}: Medusa's restore into a running node (its
   * in-place restore stops and starts Cassandra through service commands, which this node has not).
   */
  List<String> restore(Path config, String name, String keyspace) throws IOException {
    return command(
        config,
        "restore-node",
        "--backup-name",
        name,
        "--keyspace",
        keyspace,
        "--use-sstableloader",
        "--temp-dir",
        Files.createDirectories(dir.resolve("restore-tmp")).toString());
  }

  private List<String> command(Path config, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(medusa.toString(), "--config-file", config.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Path write(String name, String storage) throws IOException {
    String common =
        """
        fqdn = %s
        concurrent_transfers = %d
        transfer_max_bandwidth = 10GB/s
        multi_part_upload_threshold = 20MB
        use_sudo_for_restore = False

        [cassandra]
        config_file = %s
        nodetool_executable = %s
        nodetool_flags =
        nodetool_host = 127.0.0.1
        nodetool_port = %d
        check_running = %s version
        sstableloader_bin = %s
        use_sudo = False
        resolve_ip_addresses = False

        [grpc]
        enabled = False

        [kubernetes]
        enabled = False

        [logging]
        enabled = True
        file = %s
        level = INFO
        """
            .formatted(
                node.ip(),
                CONCURRENT_TRANSFERS,
                node.dir().resolve("conf/cassandra.yaml"),
                dir.resolve("nodetool"),
                node.jmxPort(),
                dir.resolve("nodetool"),
                dir.resolve("sstableloader"),
                dir.resolve(name + ".log"));
    return Files.writeString(dir.resolve(name + ".ini"), storage + common);
  }

  /** One of Cassandra's tools from the node's own jars, as Medusa calls it by name. */
  private void writeCassandraTool(String name, String mainClass) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(
        script,
        """
        #!/bin/sh
        exec '%s' -Xmx256m '@%s' '-Dcassandra.logdir=%s' -cp '%s/*' %s "$@"
        """
            .formatted(
                Path.of(System.getProperty("java.home"), "bin", "java"),
                node.dir().resolve("conf/jvm17-jpms.args"),
                node.dir().resolve("logs"),
                CassandraNode.cassandraLib(),
                mainClass));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
