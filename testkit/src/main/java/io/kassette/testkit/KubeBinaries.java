package io.kassette.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real control plane's binaries are: {@code KASSETTE_KUBE_BIN} (a directory holding etcd,
 * kube-apiserver, kube-controller-manager and kubectl, e.g. envtest's) and {@code KASSETTE_HELM},
 * else the per-version cache that {@code tools/kube/build.sh} fills from the Go module proxy; a
 * missing binary is built on first use, with a progress line.
 *
 * @param etcd the etcd binary
 * @param kubeApiServer the kube-apiserver binary
 * @param kubeControllerManager the kube-controller-manager binary
 * @param kubectl the kubectl binary
 * @param helm the helm binary
 */
public record KubeBinaries(
    Path etcd, Path kubeApiServer, Path kubeControllerManager, Path kubectl, Path helm) {
  public static final String KUBE_VERSION = "v1.35.4";
  public static final String ETCD_VERSION = "v3.6.16";
  public static final String HELM_VERSION = "v3.22.0";

  private static KubeBinaries located;

  /** The binaries, built first if the cache lacks one. */
  public static synchronized KubeBinaries locate() {
    if (located == null) {
      KubeBinaries b = cached();
      if (!b.allPresent()) {
        build();
        b = cached();
        if (!b.allPresent()) {
          throw new IllegalStateException("tools/kube/build.sh ran but binaries are missing: " + b);
        }
      }
      located = b;
    }
    return located;
  }

  static KubeBinaries cached() {
    Path cache =
        Path.of(env("KASSETTE_CACHE", System.getProperty("user.home") + "/.cache/kassette"));
    String kubeBinEnv = env("KASSETTE_KUBE_BIN", "");
    Path kubeBin =
        kubeBinEnv.isEmpty() ? cache.resolve("kube/" + KUBE_VERSION + "/bin") : Path.of(kubeBinEnv);
    Path etcdBin =
        kubeBinEnv.isEmpty() ? cache.resolve("etcd/" + ETCD_VERSION + "/bin") : Path.of(kubeBinEnv);
    String helmEnv = env("KASSETTE_HELM", "");
    Path helm =
        helmEnv.isEmpty() ? cache.resolve("helm/" + HELM_VERSION + "/bin/helm") : Path.of(helmEnv);
    return new KubeBinaries(
        etcdBin.resolve("etcd"),
        kubeBin.resolve("kube-apiserver"),
        kubeBin.resolve("kube-controller-manager"),
        kubeBin.resolve("kubectl"),
        helm);
  }

  boolean allPresent() {
    return Files.isExecutable(etcd)
        && Files.isExecutable(kubeApiServer)
        && Files.isExecutable(kubeControllerManager)
        && Files.isExecutable(kubectl)
        && Files.isExecutable(helm);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** The repository root: {@code kassette.root}, else the nearest parent holding tools/kube. */
  static Path repositoryRoot() {
    String configured = System.getProperty("kassette.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "tools/kube"))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("tools/kube/build.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "tools/kube/build.sh not found above " + Path.of("").toAbsolutePath());
  }

  /** Runs {@code tools/kube/build.sh}, its progress lines on stderr. */
  private static void build() {
    Path script = repositoryRoot().resolve("tools/kube/build.sh");
    System.err.printf(
        "[kassette] building the Kubernetes control plane (etcd %s, kube-apiserver %s, helm %s) from"
            + " the Go module proxy into the cache; the first time takes about 20 minutes on 2"
            + " cores, later runs start in seconds%n",
        ETCD_VERSION, KUBE_VERSION, HELM_VERSION);
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    pb.environment().put("KUBE_VERSION", KUBE_VERSION);
    pb.environment().put("ETCD_VERSION", ETCD_VERSION);
    pb.environment().put("HELM_VERSION", HELM_VERSION);
    try {
      Process p = pb.start();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          System.err.println("  " + line);
        }
      }
      if (p.waitFor() != 0) {
        throw new IllegalStateException(
            script + " failed with exit code " + p.exitValue() + " (output above)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the control plane", e);
    }
  }
}
