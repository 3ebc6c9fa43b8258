package io.kassette.it;

import io.kassette.api.HttpSidecarClient;
import io.kassette.api.PemFiles;
import io.kassette.api.SidecarClient;
import io.kassette.testkit.SidecarCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The real agent, {@code java -jar kassette-sidecar.jar serve}, as a child process: killed with
 * SIGKILL or stopped with SIGTERM like a container. It serves HTTPS with a certificate of a CA of
 * its own, as the chart issues them (unless started with {@code --plain-http}), and its clients
 * trust that CA and the sidecar's name only.
 */
final class AgentProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (https?)://[^:]+:(\\d+)");

  private final Process process;
  private final Path out;
  private final Path err;
  final URI base;
  private final SidecarCertificates tls;

  /** The key of the certificate the agent serves (a secret the tests search for). */
  Path tlsKey() {
    return tls.key();
  }

  private AgentProcess(Process process, Path out, Path err, URI base, SidecarCertificates tls) {
    this.process = process;
    this.out = out;
    this.err = err;
    this.base = base;
    this.tls = tls;
  }

  /** Starts the agent on a free port and waits until it listens. */
  static AgentProcess start(Path workDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-jar");
    cmd.add(CliProcess.jar().toString());
    cmd.add("serve");
    cmd.addAll(List.of("--listen", "127.0.0.1", "--port", "0"));
    SidecarCertificates tls = null;
    if (!List.of(args).contains("--plain-http")) {
      tls = SidecarCertificates.issue(workDir.resolve("tls"));
      cmd.addAll(
          List.of("--tls-cert", tls.certificate().toString(), "--tls-key", tls.key().toString()));
    }
    cmd.addAll(List.of(args));
    String stamp = Long.toString(System.nanoTime());
    Path out = workDir.resolve("agent-" + stamp + ".out");
    Path err = workDir.resolve("agent-" + stamp + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(Files.readString(out));
      if (m.find()) {
        return new AgentProcess(
            p, out, err, URI.create(m.group(1) + "://127.0.0.1:" + m.group(2)), tls);
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "agent exited with " + p.exitValue() + ": " + Files.readString(err));
      }
      Thread.sleep(50);
    }
    p.destroyForcibly();
    throw new IllegalStateException("agent did not listen in 60 s: " + Files.readString(err));
  }

  SidecarClient client(String token) {
    return HttpSidecarClient.builder(base, () -> token)
        .requestTimeout(Duration.ofSeconds(90))
        .sslContext(trust())
        .build();
  }

  /** A plain java.net.http client that trusts this agent, for raw requests. */
  HttpClient http() {
    return HttpSidecarClient.httpClient(Duration.ofSeconds(5), trust());
  }

  private SSLContext trust() {
    if (tls == null) {
      return null;
    }
    try {
      return PemFiles.trusting(
          Files.readAllBytes(tls.ca()), tls.ca().toString(), SidecarCertificates.SERVER_NAME);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hook runs, as when a node is lost or the container is OOM-killed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, and the exit code once the agent has paused its work and exited. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("agent ignored SIGTERM for 90 s");
    }
    return process.exitValue();
  }

  String log() throws IOException {
    return Files.readString(out) + Files.readString(err);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
