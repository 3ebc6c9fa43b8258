package io.kassette.cli;

import io.kassette.agent.AgentOptions;
import io.kassette.agent.AgentServer;
import io.kassette.agent.AllowedLocations;
import io.kassette.agent.NodeConnector;
import io.kassette.node.CqlSchema;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.restore.BulkLoader;
import io.kassette.storage.StorageOptions;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kassette serve}: the sidecar agent the operator drives over {@code /v1}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the /v1 API beside the node: backups and restores started by the operator,",
      "authenticated by a bearer token; /healthz, /readyz and /metrics stay open.",
      "SIGTERM pauses the running operation; a re-sent start continues it."
    })
final class ServeCommand implements Callable<Integer> {
  @Mixin NodeOptions node;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--listen",
      defaultValue = "0.0.0.0",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--port",
      defaultValue = "8090",
      paramLabel = "PORT",
      description = "Port (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(
      names = "--token-file",
      required = true,
      paramLabel = "FILE",
      description = "File holding the bearer token (a mounted Secret); re-read when it changes.")
  Path tokenFile;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description =
          "Certificate chain for HTTPS (with --tls-key), re-read when the file changes; the"
              + " operator expects the DNS name kassette-sidecar.<namespace> in it"
              + " (spec.cluster.sidecar.serverName, then the pod's namespace).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "Private key for HTTPS (PKCS#8 or PKCS#1).")
  Path tlsKey;

  @Option(
      names = "--plain-http",
      description =
          "Serve plain HTTP instead of HTTPS: the bearer token then crosses the network in clear."
              + " For a loopback address or a network you trust; the resources must then say"
              + " spec.cluster.sidecar.scheme: http.")
  boolean plainHttp;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where operations are journaled across restarts (default: ${DEFAULT-VALUE}).",
      defaultValue = "${java.io.tmpdir}/kassette-agent")
  Path stateDir;

  @Option(
      names = "--http-threads",
      defaultValue = "4",
      paramLabel = "N",
      description = "Threads answering requests (default: ${DEFAULT-VALUE}).")
  int httpThreads;

  @Option(
      names = "--max-parallel",
      defaultValue = "16",
      paramLabel = "N",
      description = "Largest 'parallel' a request may ask for (default: ${DEFAULT-VALUE}).")
  int maxParallel;

  @Option(
      names = "--loader-lib",
      paramLabel = "DIR",
      description =
          "Cassandra's lib/ directory, for restores in load mode (or KASSETTE_CASSANDRA_LIB).")
  Path loaderLib;

  @Option(
      names = "--storage-port",
      defaultValue = "7000",
      paramLabel = "PORT",
      description = "The cluster's internode port, for load mode (default: ${DEFAULT-VALUE}).")
  int storagePort;

  @Option(
      names = "--stop-wait",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description =
          "How long pause, cancel and SIGTERM wait for a run to stop (default: ${DEFAULT-VALUE}).")
  int stopWaitSeconds;

  @Option(
      names = "--restore-keep-free-mib",
      defaultValue = "0",
      paramLabel = "MiB",
      description =
          "Disk a restore must leave free on the data volume (default: none beyond the margin).")
  long restoreKeepFreeMib;

  @Option(
      names = "--allowed-locations",
      defaultValue = "${env:KASSETTE_ALLOWED_LOCATIONS}",
      paramLabel = "LOCATION[,LOCATION...]",
      description = {
        "The only locations requests may name, with everything under them, e.g."
            + " s3://backups/prod (default: $KASSETTE_ALLOWED_LOCATIONS; without either, every"
            + " location is refused with 403).",
        "file:// locations only when a file:// entry is listed."
      })
  String allowedLocations;

  @picocli.CommandLine.Mixin EncryptionOptions encryption;

  @Override
  public Integer call() throws Exception {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    if (tlsCert == null && !plainHttp) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the agent serves HTTPS: give --tls-cert and --tls-key (the chart's Secret"
              + " kassette-sidecar-tls holds them), or --plain-http to send the token in clear");
    }
    if (tlsCert != null && plainHttp) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--plain-http and --tls-cert exclude each other");
    }
    if (httpThreads < 1 || maxParallel < 1 || maxParallel > 256) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--http-threads must be at least 1, --max-parallel 1 to 256");
    }
    AllowedLocations allowed;
    try {
      allowed = AllowedLocations.parse(allowedLocations);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    io.kassette.storage.ClientEncryption keys;
    try {
      keys = encryption.load();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path lib = loaderLib;
    if (lib == null && System.getenv("KASSETTE_CASSANDRA_LIB") != null) {
      lib = Path.of(System.getenv("KASSETTE_CASSANDRA_LIB"));
    }
    BulkLoader loader;
    try {
      loader = lib == null ? null : new BulkLoader(lib, node.cqlEndpoint(), storagePort);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    NodeConnector connector =
        new NodeConnector() {
          @Override
          public NodeAccess connect() throws NodeException {
            return node.connect();
          }

          @Override
          public CqlSchema cqlSchema() {
            return node.cqlSchema();
          }

          @Override
          public BulkLoader loader() {
            return loader;
          }

          @Override
          public List<Path> dataDirectories() {
            return List.copyOf(node.dataDirs);
          }
        };
    AgentOptions options =
        new AgentOptions(
            new InetSocketAddress(listen, port),
            tokenFile,
            tlsCert,
            tlsKey,
            stateDir,
            httpThreads,
            maxParallel,
            StorageOptions.fromEnvironment(System.getenv()).withEncryption(keys),
            Duration.ofSeconds(stopWaitSeconds),
            restoreKeepFreeMib << 20,
            allowed);
    AgentServer agent = AgentServer.start(options, connector);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "kassette-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "kassette agent listening on %s://%s:%d%n",
        tlsCert != null ? "https" : "http",
        agent.address().getHostString(),
        agent.address().getPort());
    out.flush();
    stopped.await();
    return 0;
  }
}
