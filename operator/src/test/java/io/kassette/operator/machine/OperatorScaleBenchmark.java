package io.kassette.operator.machine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.testkit.KubeControlPlane;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The operator at scale, for {@code make bench-scale} (not a test: its name keeps it out of {@code
 * make test}): the real API server, the real operator with the production poll interval, and a
 * cluster of 100 Ready pods whose sidecars are scripted (100 real sidecars with 100 Cassandra nodes
 * do not fit on this machine; the engine's own scale figures are ScaleBenchmark's). It reports, per
 * backup, the time until the first status and until Succeeded, the API requests the operator made
 * by verb and resource, the sidecar calls, and the heap the operator holds.
 *
 * <p>Run: {@code mvn -pl operator test-compile surefire:test -Dtest=OperatorScaleBenchmark}. System
 * properties: {@code scale.pods} (100), {@code scale.backups} (3), {@code scale.pollSeconds} (5,
 * the chart's default).
 */
class OperatorScaleBenchmark extends StateMachines {
  private static final int PODS = Integer.getInteger("scale.pods", 100);
  private static final int BACKUPS = Integer.getInteger("scale.backups", 3);
  private static final Duration POLL_EVERY =
      Duration.ofSeconds(Integer.getInteger("scale.pollSeconds", 5));

  /** Requests the operator's client sent, by "VERB resource". */
  private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();

  @Test
  void hundredPodsBackedUpByTheRealOperator() throws Exception {
    startApiServer();
    Fixture f = fixture(PODS, 3);
    KubernetesClient counted =
        KubeControlPlane.clientFor(
            kube.adminKubeconfig(),
            http ->
                http.addOrReplaceInterceptor(
                    "count",
                    new Interceptor() {
                      @Override
                      public void before(
                          BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests
                            .computeIfAbsent(classify(request), k -> new AtomicLong())
                            .incrementAndGet();
                      }
                    }));
    long heapBefore = heapAfterGc();
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "operator: %d Ready pods, scripted sidecars, poll %d s, real API server; load average"
                + " %s",
            PODS,
            POLL_EVERY.toSeconds(),
            Files.readString(Path.of("/proc/loadavg")).trim()));
    try (KassetteOperator operator =
        KassetteOperator.start(
            counted,
            CONNECTOR,
            new KassetteOperator.Settings(Set.of(f.ns()), POLL_EVERY, POLL_EVERY, -1))) {
      Thread.sleep(2000); // informers synced
      Map<String, Long> startup = snapshot();
      lines.add("start-up requests (informers, lease): " + total(startup) + " " + startup);
      lines.add(
          String.format(
              Locale.ROOT,
              "%-8s %14s %12s %10s %14s  %s",
              "backup",
              "first status s",
              "succeeded s",
              "API reqs",
              "sidecar calls",
              "API requests by verb and resource"));
      for (int b = 0; b < BACKUPS; b++) {
        String name = "scale-" + b;
        Map<String, Long> before = snapshot();
        long calls0 = sidecarCalls(f);
        long t0 = System.nanoTime();
        // Every node at once: the operator's own cost at its widest. The defaults (8 snapshots,
        // 2 uploads at once) spare the database cluster and take ceil(100/8) + ceil(100/2)
        // rounds of polls on 100 nodes.
        f.backup(
            name,
            s -> {
              s.setKeyspaces("app");
              s.setSnapshotParallel(PODS);
              s.setUploadParallel(PODS);
            });
        Map<BackupPhase, Double> entered = new java.util.EnumMap<>(BackupPhase.class);
        CassandraBackup done = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (done == null && System.nanoTime() < deadline) {
          CassandraBackup now = f.getBackup(name);
          if (now != null && now.getStatus() != null && now.getStatus().getPhase() != null) {
            entered.putIfAbsent(now.getStatus().getPhase(), (System.nanoTime() - t0) / 1e9);
            if (now.getStatus().getPhase().finished()) {
              done = now;
            }
          }
          Thread.sleep(20);
        }
        assertThat(done)
            .as("%s finished within 10 minutes; phases seen %s", name, entered)
            .isNotNull();
        assertThat(done.getStatus().getPhase()).isEqualTo(BackupPhase.Succeeded);
        assertThat(done.getStatus().getNodes()).hasSize(PODS);
        double firstStatus =
            entered.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double succeeded = entered.get(BackupPhase.Succeeded);
        Map<String, Long> used = minus(snapshot(), before);
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s %14.2f %12.1f %10d %14d  %s; phases entered at (s) %s",
                name,
                firstStatus,
                succeeded,
                total(used),
                sidecarCalls(f) - calls0,
                used,
                rounded(entered)));
      }
      long heapAfter = heapAfterGc();
      lines.add(
          String.format(
              Locale.ROOT,
              "heap after GC: %.1f MiB before the operator started, %.1f MiB after %d backups of"
                  + " %d pods (the operator's share: %.1f MiB; the JVM also holds the test's"
                  + " scripted cluster)",
              heapBefore / 1048576.0,
              heapAfter / 1048576.0,
              BACKUPS,
              PODS,
              (heapAfter - heapBefore) / 1048576.0));
    }
    String report = String.join("\n", lines);
    System.out.println("\n" + report + "\n");
    Path out = Path.of("target", "operator-scale.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report + "\n");
  }

  private static Map<BackupPhase, String> rounded(Map<BackupPhase, Double> seconds) {
    Map<BackupPhase, String> m = new java.util.EnumMap<>(BackupPhase.class);
    seconds.forEach((phase, s) -> m.put(phase, String.format(Locale.ROOT, "%.1f", s)));
    return m;
  }

  private static long sidecarCalls(Fixture f) {
    return f.cluster().nodes.stream().mapToLong(s -> s.calls.size()).sum();
  }

  private Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    requests.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> m = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d > 0) {
            m.put(k, d);
          }
        });
    return m;
  }

  private static long total(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * "VERB resource[/subresource]" of a request: GET of a collection is LIST, and WATCH when it
   * watches.
   */
  static String classify(HttpRequest request) {
    String path = request.uri().getPath();
    String query = request.uri().getQuery() == null ? "" : request.uri().getQuery();
    String[] parts = path.split("/");
    int ns = -1;
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].equals("namespaces") && i + 2 < parts.length) {
        ns = i + 2;
      }
    }
    int at = ns >= 0 ? ns : parts.length - 1;
    String resource = parts[at];
    boolean named = at + 1 < parts.length;
    if (at + 2 < parts.length) {
      resource += "/" + parts[at + 2];
    }
    String verb = request.method();
    if (verb.equals("GET") && !named) {
      verb = query.contains("watch=true") ? "WATCH" : "LIST";
    }
    return verb + " " + resource;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
