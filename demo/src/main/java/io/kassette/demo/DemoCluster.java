package io.kassette.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.testkit.KubeNamespaces;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * What the demo owns in the cluster: one namespace with its resources and pods. Removed before a
 * run (what a killed run left) and after it, so that {@code make demo} can run again and again
 * against the same API server and leaves nothing behind.
 */
final class DemoCluster {
  static final List<Class<? extends HasMetadata>> KASSETTE =
      List.of(CassandraRestore.class, BackupSchedule.class, CassandraBackup.class);

  private final KubernetesClient kubernetes;
  private final String namespace;
  private final PrintStream out;

  DemoCluster(KubernetesClient kubernetes, String namespace, PrintStream out) {
    this.kubernetes = kubernetes;
    this.namespace = namespace;
    this.out = out;
  }

  static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * A previous run that was killed left its namespace: its operator and sidecars are gone, so
   * nothing will release the finalizers of its resources, and there is nothing left for them to
   * stop. They are removed, then the namespace.
   */
  void removeLeftovers() {
    if (kubernetes.namespaces().withName(namespace).get() != null) {
      out.println("  removing what an earlier run left in namespace " + namespace);
      KubeNamespaces.deleteStripping(kubernetes, namespace, KASSETTE, m -> out.println("  " + m));
    }
  }

  /**
   * The end of a run, while the operator still runs: its finalizers do their work (stop what runs,
   * clear snapshots) and release the resources; then the pods and the namespace go.
   */
  void removeAll() {
    KubeNamespaces.deleteReleasing(
        kubernetes, namespace, KASSETTE, Duration.ofMinutes(2), m -> out.println("  " + m));
  }
}
