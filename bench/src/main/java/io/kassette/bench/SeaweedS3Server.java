package io.kassette.bench;

import io.kassette.testkit.LocalS3Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second S3 server for the benchmark: SeaweedFS ({@code weed mini}: master, volume server, filer
 * and S3 gateway in one Go process, Apache-2.0), built by bench/run.sh from the Go module proxy. It
 * answers the question s3proxy alone cannot: whether a figure on S3 is the client's or the
 * server's. It takes the loopback server's credentials so every tool's S3 settings carry over.
 */
final class SeaweedS3Server implements AutoCloseable {
  private final Process process;
  private final URI endpoint;
  private final Path log;

  private SeaweedS3Server(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /**
   * Starts {@code weed mini} on loopback ports with its data under {@code dir} and {@code bucket}.
   */
  static SeaweedS3Server start(Path weed, Path dir, String bucket) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Path config =
        Files.writeString(
            dir.resolve("s3.json"),
            """
            {"identities":[{"name":"bench","credentials":[{"accessKey":"%s","secretKey":"%s"}],
              "actions":["Admin","Read","Write","List","Tagging"]}]}
            """
                .formatted(LocalS3Server.ACCESS_KEY, LocalS3Server.SECRET_KEY));
    int[] ports = freePorts(9);
    int s3Port = ports[0];
    List<String> cmd =
        new ArrayList<>(
            List.of(
                weed.toString(),
                "mini",
                "-dir=" + dir.resolve("data"),
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-master.telemetry=false",
                "-admin.ui=false",
                "-webdav=false",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-s3.config=" + config,
                "-bucket=" + bucket,
                "-s3.port=" + s3Port,
                "-s3.port.grpc=" + ports[1]));
    // Its other servers on free ports too, so a node or a second run beside it cannot collide
    // (each gRPC port is named: its default, the HTTP port + 10000, may not exist).
    List<String> servers = List.of("master", "volume", "filer");
    for (int i = 0; i < servers.size(); i++) {
      cmd.add("-" + servers.get(i) + ".port=" + ports[2 + 2 * i]);
      cmd.add("-" + servers.get(i) + ".port.grpc=" + ports[3 + 2 * i]);
    }
    Path log = dir.resolve("weed.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    URI endpoint = URI.create("http://127.0.0.1:" + s3Port);
    SeaweedS3Server server = new SeaweedS3Server(p, endpoint, log);
    Thread stopAtExit = new Thread(p::destroy, "stop-seaweedfs");
    Runtime.getRuntime().addShutdownHook(stopAtExit); // a benchmark stopped with Ctrl-C
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(log).contains("All enabled components are running")
          || !answers(s3Port)) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("SeaweedFS did not start; its log: " + log);
        }
        Thread.sleep(200);
      }
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  URI endpoint() {
    return endpoint;
  }

  Path log() {
    return log;
  }

  /** The CPU time (user + system) the server has used so far, from /proc; NaN once it is gone. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      // the fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
  private static final int CLOCK_TICKS = 100;

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code n} distinct free ports: every socket is held until all are chosen. */
  private static int[] freePorts(int n) throws IOException {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
