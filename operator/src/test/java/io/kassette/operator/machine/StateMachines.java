package io.kassette.operator.machine;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.api.SidecarClient;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.SidecarConnector;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.RestorePhase;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import io.kassette.operator.chart.ChartInstall;
import io.kassette.testkit.KubeControlPlane;
import io.kassette.testkit.LocalPods;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What the fast state-machine tests share: the real API server, one namespace and one scripted
 * cluster per test, and the operator's sidecars routed to the scripted ones of the test's
 * namespace. Polls every 100 ms and backs off from 100 ms, so a whole backup takes about a second.
 */
abstract class StateMachines {
  static final Duration POLL = Duration.ofMillis(100);

  /** Only the resources of these tests: other test classes share the API server. */
  static final String SELECTOR = "kassette.io/suite=machines";

  private static final AtomicInteger TESTS = new AtomicInteger();
  static final Map<String, ScriptedCluster> CLUSTERS = new ConcurrentHashMap<>();

  /** Routes a pod's sidecar to the scripted cluster of its namespace. */
  static final SidecarConnector CONNECTOR =
      (namespace, pod, cluster) -> {
        ScriptedCluster c = CLUSTERS.get(namespace);
        SidecarClient client = c == null ? null : c.connect(namespace, pod, cluster);
        if (client == null) {
          throw new IllegalStateException("no scripted cluster in " + namespace);
        }
        return client;
      };

  static KubeControlPlane kube;
  static KubernetesClient kubernetes;

  static void startApiServer() {
    kube = KubeControlPlane.shared();
    ChartInstall.installCrds(kube);
    kubernetes = kube.admin();
  }

  static KassetteOperator startOperator(Set<String> namespaces) throws Exception {
    return KassetteOperator.start(
        kubernetes, CONNECTOR, new KassetteOperator.Settings(namespaces, POLL, POLL, -1));
  }

  /** A namespace of its own, with a scripted cluster of {@code nodes} pods, all Ready. */
  static Fixture fixture(int nodes, int rf) {
    int n = TESTS.incrementAndGet();
    String ns = "sm-" + n;
    kube.ensureNamespace(ns);
    kubernetes
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("kassette-sidecar")
                .endMetadata()
                .withStringData(Map.of("token", "t"))
                .build())
        .create();
    ScriptedCluster cluster = new ScriptedCluster("c" + n, "10.77." + n, nodes, rf);
    CLUSTERS.put(ns, cluster);
    Fixture f = new Fixture(ns, cluster);
    for (int i = 0; i < nodes; i++) {
      f.pod(i);
    }
    return f;
  }

  /** One test's namespace and cluster. */
  record Fixture(String ns, ScriptedCluster cluster) {
    String podName(int i) {
      return "cass-" + i;
    }

    void pod(int i) {
      LocalPods.running(
          kubernetes, ns, podName(i), cluster.node(i).address, Map.of("app", "cassandra"));
    }

    /** The pod's phase and readiness as a kubelet would report them. */
    void podStatus(int i, String phase, boolean ready) {
      Pod pod = kubernetes.pods().inNamespace(ns).withName(podName(i)).get();
      LocalPods.setStatus(kubernetes, pod, cluster.node(i).address, phase, ready);
    }

    void deletePod(int i) {
      LocalPods.delete(kubernetes, ns, podName(i));
    }

    ClusterRef clusterRef() {
      SecretKeyRef token = new SecretKeyRef();
      token.setName("kassette-sidecar");
      SidecarRef sidecar = new SidecarRef();
      sidecar.setTokenSecret(token);
      ClusterRef ref = new ClusterRef();
      ref.setName(cluster.name);
      ref.setPodSelector(Map.of("app", "cassandra"));
      ref.setSidecar(sidecar);
      return ref;
    }

    CassandraBackup backup(String name, java.util.function.Consumer<CassandraBackupSpec> tweak) {
      CassandraBackup b = new CassandraBackup();
      b.getMetadata().setName(name);
      b.getMetadata().setNamespace(ns);
      b.getMetadata().setLabels(Map.of("kassette.io/suite", "machines"));
      CassandraBackupSpec spec = new CassandraBackupSpec();
      spec.setCluster(clusterRef());
      spec.setLocation("s3://bucket/" + ns);
      spec.setKeyspaces("app");
      tweak.accept(spec);
      b.setSpec(spec);
      return kubernetes.resource(b).create();
    }

    CassandraBackup getBackup(String name) {
      return kubernetes.resources(CassandraBackup.class).inNamespace(ns).withName(name).get();
    }

    CassandraRestore getRestore(String name) {
      return kubernetes.resources(CassandraRestore.class).inNamespace(ns).withName(name).get();
    }

    CassandraBackup awaitBackup(String name, Predicate<CassandraBackup> until) {
      return await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> getBackup(name), b -> b != null && until.test(b));
    }

    CassandraBackup awaitBackupPhase(String name, BackupPhase phase) {
      return awaitBackup(name, b -> b.getStatus() != null && b.getStatus().getPhase() == phase);
    }

    CassandraRestore awaitRestore(String name, Predicate<CassandraRestore> until) {
      return await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> getRestore(name), r -> r != null && until.test(r));
    }

    CassandraRestore awaitRestorePhase(String name, RestorePhase phase) {
      return awaitRestore(name, r -> r.getStatus() != null && r.getStatus().getPhase() == phase);
    }

    List<Event> events(String object) {
      return kubernetes.v1().events().inNamespace(ns).list().getItems().stream()
          .filter(e -> object.equals(e.getInvolvedObject().getName()))
          .toList();
    }
  }

  /**
   * A user's edit, read-modify-write as kubectl edit does: retried when the operator patched the
   * status in between (409).
   */
  static void retryOnConflict(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  static Condition condition(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  static boolean conditionIs(List<Condition> conditions, String type, String reason) {
    Condition c = condition(conditions, type);
    return c != null && "True".equals(c.getStatus()) && reason.equals(c.getReason());
  }
}
