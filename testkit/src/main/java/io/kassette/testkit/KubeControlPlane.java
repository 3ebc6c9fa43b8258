package io.kassette.testkit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.http.HttpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver with {@code
 * --authorization-mode RBAC} (and an audit log) and a kube-controller-manager running only the
 * controllers that need no kubelet (service accounts and their tokens, namespace deletion, garbage
 * collection of owner references, the root CA ConfigMap, aggregated ClusterRoles). Pods can be
 * created (bound to a node that does not exist) and their status patched to Running.
 *
 * <p>Each instance lives in its own directory on free ports, and {@link #close()} stops exactly the
 * processes it started. Each runs under a small watchdog that stops it if this JVM dies, so a
 * crashed test run leaves nothing behind.
 *
 * <p>With {@code KASSETTE_IT_KUBECONFIG} set, {@link #shared()} uses that cluster instead of
 * starting one (the ITs against any API server); it must let its user create namespaces, CRDs, RBAC
 * objects and service-account tokens.
 */
public final class KubeControlPlane implements AutoCloseable {
  private static final String CONTROLLERS =
      String.join(
          ",",
          "serviceaccount-controller",
          "serviceaccount-token-controller",
          "namespace-controller",
          "garbage-collector-controller",
          "root-ca-certificate-publisher-controller",
          "clusterrole-aggregation-controller");

  private static KubeControlPlane shared;

  private final Path dir;
  private final KubeBinaries binaries;
  private final List<Process> processes = new ArrayList<>();
  private final Path adminKubeconfig;
  private final KubernetesClient admin;
  private final String server;
  private final boolean external;

  private KubeControlPlane(
      Path dir,
      KubeBinaries binaries,
      Path adminKubeconfig,
      String server,
      boolean external,
      List<Process> processes) {
    this.dir = dir;
    this.binaries = binaries;
    this.adminKubeconfig = adminKubeconfig;
    this.server = server;
    this.external = external;
    this.processes.addAll(processes);
    this.admin = clientFor(adminKubeconfig, null);
  }

  /**
   * The control plane of this JVM, started on first use and stopped when the JVM exits; or the
   * cluster of {@code KASSETTE_IT_KUBECONFIG}. Tests that share it keep to namespaces of their own.
   */
  public static synchronized KubeControlPlane shared() {
    if (shared == null) {
      String kubeconfig = System.getenv("KASSETTE_IT_KUBECONFIG");
      try {
        if (kubeconfig != null && !kubeconfig.isBlank()) {
          shared = external(Path.of(kubeconfig));
        } else {
          shared =
              start(
                  Path.of("target", "kube-control-plane-" + ProcessHandle.current().pid())
                      .toAbsolutePath());
          Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kube-control-plane"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** An existing cluster, reached with a kubeconfig whose user may do what the tests need. */
  public static KubeControlPlane external(Path kubeconfig) throws IOException {
    String server =
        Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString())
            .getMasterUrl();
    Path dir = Files.createTempDirectory("kassette-kube-");
    return new KubeControlPlane(dir, KubeBinaries.locate(), kubeconfig, server, true, List.of());
  }

  /** Starts a control plane whose files (certificates, data, logs) live in {@code dir}. */
  public static KubeControlPlane start(Path dir) throws IOException {
    KubeBinaries bin = KubeBinaries.locate();
    Files.createDirectories(dir);
    Path pki = Files.createDirectories(dir.resolve("pki"));
    Pki.create(pki);
    Path watchdog = writeWatchdog(dir);
    List<Process> started = new ArrayList<>();
    try {
      int etcdPort = CassandraNode.freePort();
      int etcdPeerPort = CassandraNode.freePort();
      started.add(
          launch(
              watchdog,
              dir.resolve("etcd.log"),
              List.of(
                  bin.etcd().toString(),
                  "--name=kassette",
                  "--data-dir=" + dir.resolve("etcd-data"),
                  "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                  "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                  "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                  "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                  "--initial-cluster=kassette=http://127.0.0.1:" + etcdPeerPort,
                  "--listen-metrics-urls=",
                  // Tests only: nothing here must survive a power cut.
                  "--unsafe-no-fsync",
                  "--log-level=warn")));
      int port = CassandraNode.freePort();
      Files.writeString(
          dir.resolve("audit-policy.yaml"),
          "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\n"
              + "rules:\n- level: Metadata\n");
      started.add(
          launch(
              watchdog,
              dir.resolve("kube-apiserver.log"),
              List.of(
                  bin.kubeApiServer().toString(),
                  "--etcd-servers=http://127.0.0.1:" + etcdPort,
                  "--bind-address=127.0.0.1",
                  "--advertise-address=127.0.0.1",
                  "--secure-port=" + port,
                  "--tls-cert-file=" + pki.resolve("apiserver.crt"),
                  "--tls-private-key-file=" + pki.resolve("apiserver.key"),
                  "--client-ca-file=" + pki.resolve("ca.crt"),
                  "--authorization-mode=RBAC",
                  "--anonymous-auth=false",
                  "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                  "--service-account-key-file=" + pki.resolve("sa.pub"),
                  "--service-account-signing-key-file=" + pki.resolve("sa.key"),
                  "--service-cluster-ip-range=10.0.0.0/24",
                  "--endpoint-reconciler-type=none",
                  "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
                  "--audit-log-path=" + dir.resolve("audit.log"),
                  "--audit-log-format=json",
                  "--profiling=false",
                  "--v=0")));
      String server = "https://127.0.0.1:" + port;
      Path adminKubeconfig =
          writeKubeconfig(
              dir.resolve("admin.kubeconfig"),
              server,
              pki.resolve("ca.crt"),
              "client-certificate: "
                  + pki.resolve("admin.crt")
                  + "\n    client-key: "
                  + pki.resolve("admin.key"));
      awaitReady(server, pki, dir, Duration.ofMinutes(2));
      started.add(
          launch(
              watchdog,
              dir.resolve("kube-controller-manager.log"),
              List.of(
                  bin.kubeControllerManager().toString(),
                  "--kubeconfig=" + adminKubeconfig,
                  "--authentication-kubeconfig=" + adminKubeconfig,
                  "--authorization-kubeconfig=" + adminKubeconfig,
                  "--controllers=" + CONTROLLERS,
                  "--leader-elect=false",
                  "--service-account-private-key-file=" + pki.resolve("sa.key"),
                  "--root-ca-file=" + pki.resolve("ca.crt"),
                  "--bind-address=127.0.0.1",
                  "--secure-port=" + CassandraNode.freePort(),
                  "--v=0")));
      KubeControlPlane plane =
          new KubeControlPlane(dir, bin, adminKubeconfig, server, false, started);
      plane.awaitServiceAccounts(Duration.ofMinutes(2));
      return plane;
    } catch (IOException | RuntimeException e) {
      stopAll(started);
      throw e;
    }
  }

  /**
   * {@code make kube}: starts a control plane in {@code args[0]} (default {@code target/kube}) and
   * keeps it until Ctrl-C, for trying the chart, the CRDs or {@code DEMO_KUBECONFIG} by hand.
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/kube").toAbsolutePath();
    KubeControlPlane plane = start(dir);
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  plane.close();
                  stopped.countDown();
                }));
    System.out.println("API server " + plane.server() + " is up (Ctrl-C stops it)");
    System.out.println("export KUBECONFIG=" + plane.adminKubeconfig());
    System.out.println(
        "kubectl: " + plane.binaries().kubectl() + "   helm: " + plane.binaries().helm());
    System.out.flush();
    stopped.await();
  }

  /** The API server's URL. */
  public String server() {
    return server;
  }

  /** A client with every right (system:masters). */
  public KubernetesClient admin() {
    return admin;
  }

  /** The kubeconfig of {@link #admin()}, for kubectl and helm. */
  public Path adminKubeconfig() {
    return adminKubeconfig;
  }

  public KubeBinaries binaries() {
    return binaries;
  }

  /** The kube-apiserver's audit log (JSON lines); null for an external cluster. */
  public Path auditLog() {
    return external ? null : dir.resolve("audit.log");
  }

  /** Creates the namespace unless it exists. */
  public void ensureNamespace(String name) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .createOr(NonDeletingOperation::update);
  }

  /**
   * A kubeconfig that authenticates as the ServiceAccount {@code namespace/name} with a fresh token
   * (a day long), so that everything its client does passes the API server's real RBAC. The
   * ServiceAccount is created if missing.
   */
  public Path serviceAccountKubeconfig(String namespace, String name) throws IOException {
    ensureNamespace(namespace);
    if (admin.serviceAccounts().inNamespace(namespace).withName(name).get() == null) {
      admin
          .serviceAccounts()
          .inNamespace(namespace)
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .endMetadata()
                  .build())
          .create();
    }
    String token =
        admin
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(86_400L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Path caFile = certificateAuthority();
    return writeKubeconfig(
        Files.createTempFile(dir, "sa-" + namespace + "-" + name + "-", ".kubeconfig"),
        server,
        caFile,
        "token: " + token);
  }

  /** A client authenticated as the ServiceAccount {@code namespace/name}. */
  public KubernetesClient serviceAccountClient(String namespace, String name) throws IOException {
    return clientFor(serviceAccountKubeconfig(namespace, name), null);
  }

  /**
   * A client of that ServiceAccount whose HTTP client the caller may extend (an interceptor that
   * records requests, say).
   */
  public KubernetesClient serviceAccountClient(
      String namespace, String name, Consumer<HttpClient.Builder> http) throws IOException {
    return clientFor(serviceAccountKubeconfig(namespace, name), http);
  }

  /** A fabric8 client for a kubeconfig file, ignoring ~/.kube and the environment. */
  public static KubernetesClient clientFor(Path kubeconfig, Consumer<HttpClient.Builder> http) {
    Config config;
    try {
      config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config.setRequestTimeout(30_000);
    KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config);
    if (http != null) {
      builder.withHttpClientBuilderConsumer(http);
    }
    return builder.build();
  }

  private Path certificateAuthority() throws IOException {
    if (!external) {
      return dir.resolve("pki/ca.crt");
    }
    Config c =
        Config.fromKubeconfig(null, Files.readString(adminKubeconfig), adminKubeconfig.toString());
    if (c.getCaCertFile() != null) {
      return Path.of(c.getCaCertFile());
    }
    Path ca = dir.resolve("ca.crt");
    Files.write(ca, java.util.Base64.getDecoder().decode(c.getCaCertData().replaceAll("\\s", "")));
    return ca;
  }

  /** Runs kubectl against this control plane as admin; returns its output, fails on non-zero. */
  public String kubectl(String... args) {
    return run(binaries.kubectl(), List.of(args), null);
  }

  /** kubectl with {@code stdin} piped in (e.g. {@code apply -f -}). */
  public String kubectlWithInput(String stdin, String... args) {
    return run(binaries.kubectl(), List.of(args), stdin);
  }

  /** Runs helm against this control plane as admin; returns its output, fails on non-zero. */
  public String helm(String... args) {
    return run(binaries.helm(), List.of(args), null);
  }

  /** The result of a command that may fail. */
  public record Result(int exitCode, String output) {}

  /** Runs kubectl and returns its exit code and output, whatever they are. */
  public Result tryKubectl(String stdin, String... args) {
    return exec(binaries.kubectl(), List.of(args), stdin);
  }

  private String run(Path binary, List<String> args, String stdin) {
    Result r = exec(binary, args, stdin);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          binary.getFileName()
              + " "
              + String.join(" ", args)
              + " exited "
              + r.exitCode()
              + ":\n"
              + r.output());
    }
    return r.output();
  }

  private Result exec(Path binary, List<String> args, String stdin) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("KUBECONFIG", adminKubeconfig.toString());
    // helm keeps its caches and config under HOME; keep them in this control plane's directory.
    env.put("HELM_CACHE_HOME", dir.resolve("helm/cache").toString());
    env.put("HELM_CONFIG_HOME", dir.resolve("helm/config").toString());
    env.put("HELM_DATA_HOME", dir.resolve("helm/data").toString());
    try {
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } else {
        p.getOutputStream().close();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " did not finish in 5 minutes:\n" + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the processes this instance started, newest first, and nothing else. */
  @Override
  public void close() {
    admin.close();
    synchronized (processes) {
      stopAll(processes);
      processes.clear();
    }
  }

  // ---- starting and stopping ------------------------------------------------------------------

  private static Path writeWatchdog(Path dir) throws IOException {
    Path script = dir.resolve("watchdog.sh");
    // Runs one server; stops it when asked (TERM) or when the JVM that started it has gone.
    Files.writeString(
        script,
        String.join(
            "\n",
            "#!/usr/bin/env bash",
            "parent=$1; shift",
            "\"$@\" &",
            "child=$!",
            "stop() { kill -TERM \"$child\" 2>/dev/null; wait \"$child\"; exit 0; }",
            "trap stop TERM INT",
            "while kill -0 \"$parent\" 2>/dev/null && kill -0 \"$child\" 2>/dev/null; do",
            "  sleep 1 & wait $!",
            "done",
            "stop",
            ""));
    return script;
  }

  private static Process launch(Path watchdog, Path log, List<String> command) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("bash");
    cmd.add(watchdog.toString());
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.addAll(command);
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static void stopAll(List<Process> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      List<ProcessHandle> tree = p.descendants().toList();
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          tree.forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      tree.forEach(
          h -> {
            if (h.isAlive()) {
              h.destroyForcibly();
            }
          });
    }
  }

  private static void awaitReady(String server, Path pki, Path dir, Duration timeout)
      throws IOException {
    Path kubeconfig = dir.resolve("admin.kubeconfig");
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try (KubernetesClient c = clientFor(kubeconfig, null)) {
      while (System.nanoTime() < deadline) {
        try {
          String ready = c.raw("/readyz");
          if (ready != null && ready.strip().equals("ok")) {
            return;
          }
        } catch (Exception e) {
          last = e;
        }
        sleep(250);
      }
    }
    throw new IOException(
        "kube-apiserver at "
            + server
            + " not ready in "
            + timeout.toSeconds()
            + " s (see "
            + dir.resolve("kube-apiserver.log")
            + ")",
        last);
  }

  /** Pods can be created once a namespace's default ServiceAccount exists. */
  private void awaitServiceAccounts(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (admin.serviceAccounts().inNamespace("default").withName("default").get() != null) {
          return;
        }
      } catch (Exception e) {
        // Right after start the RBAC cache may not have synced: a 403 or 429 passes.
      }
      sleep(250);
    }
    throw new IOException(
        "kube-controller-manager created no default ServiceAccount in "
            + timeout.toSeconds()
            + " s (see "
            + dir.resolve("kube-controller-manager.log")
            + ")");
  }

  private static Path writeKubeconfig(Path file, String server, Path ca, String credentials)
      throws IOException {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: kassette-test",
            "  cluster:",
            "    server: " + server,
            "    certificate-authority: " + ca,
            "users:",
            "- name: kassette-test",
            "  user:",
            "    " + credentials,
            "contexts:",
            "- name: kassette-test",
            "  context:",
            "    cluster: kassette-test",
            "    user: kassette-test",
            "current-context: kassette-test",
            "");
    Files.writeString(file, yaml);
    try {
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to tighten
    }
    return file;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Certificates and keys made with openssl: a CA, the server, an admin client, the SA keys. */
  static final class Pki {
    private Pki() {}

    static void create(Path pki) throws IOException {
      if (Files.exists(pki.resolve("admin.crt"))) {
        return;
      }
      OpenSsl.ca(pki, "ca", "/CN=kassette-test-ca");
      OpenSsl.signed(
          pki,
          "ca",
          "apiserver",
          "/CN=kube-apiserver",
          "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,"
              + "DNS:kubernetes.default,DNS:kubernetes.default.svc,"
              + "DNS:kubernetes.default.svc.cluster.local\n"
              + "extendedKeyUsage=serverAuth\n");
      OpenSsl.signed(
          pki,
          "ca",
          "admin",
          "/O=system:masters/CN=kassette-admin",
          "extendedKeyUsage=clientAuth\n");
      OpenSsl.run(pki, "genrsa", "-out", "sa.key", "2048");
      OpenSsl.run(pki, "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
    }
  }
}
