package io.kassette.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kassette.operator.api.ClusterRef;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The database pods a resource selects, from an informer's cache: a pod that changes (becomes
 * Ready, restarts with a new IP, goes) wakes the resources whose selector matches it, and no
 * reconciliation lists pods from the API.
 */
public final class ClusterPods {
  private final InformerEventSource<Pod, ?> informer;

  private ClusterPods(InformerEventSource<Pod, ?> informer) {
    this.informer = informer;
  }

  /**
   * The pod event source of a controller whose resources select pods with {@code cluster}: a pod
   * event maps to every resource of the namespace whose selector matches the pod's labels.
   */
  public static <P extends HasMetadata> InformerEventSource<Pod, P> eventSource(
      EventSourceContext<P> context, Class<P> type, Function<P, ClusterRef> cluster) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, type)
            .withName("pods")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                pod ->
                    context
                        .getPrimaryCache()
                        .list(
                            pod.getMetadata().getNamespace(),
                            r -> {
                              ClusterRef c = cluster.apply(r);
                              return c != null && matches(c.getPodSelector(), pod);
                            })
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build(),
        context);
  }

  public static ClusterPods of(InformerEventSource<Pod, ?> informer) {
    return new ClusterPods(informer);
  }

  /** Every pod the cluster's selector matches, any phase, by name. */
  public Map<String, Pod> selected(String namespace, ClusterRef cluster) {
    Map<String, Pod> pods = new TreeMap<>();
    if (cluster == null || cluster.getPodSelector() == null || cluster.getPodSelector().isEmpty()) {
      return pods;
    }
    informer
        .list(namespace, p -> matches(cluster.getPodSelector(), p))
        .forEach(p -> pods.put(p.getMetadata().getName(), p));
    return pods;
  }

  /** The selected pods that are Running and Ready with an IP, by name. */
  public Map<String, Pod> ready(String namespace, ClusterRef cluster) {
    Map<String, Pod> ready = new TreeMap<>();
    selected(namespace, cluster)
        .forEach(
            (n, p) -> {
              if (ready(p)) {
                ready.put(n, p);
              }
            });
    return ready;
  }

  static boolean matches(Map<String, String> selector, Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return selector != null
        && !selector.isEmpty()
        && labels != null
        && labels.entrySet().containsAll(selector.entrySet());
  }

  /** Running, Ready, with an IP, not being deleted: its sidecar can work. */
  public static boolean ready(Pod pod) {
    return pod != null && notReady(pod) == null;
  }

  /** Why the pod cannot work now ({@code is Pending}, {@code is not Ready} ...), or null. */
  public static String notReady(Pod pod) {
    if (pod == null) {
      return "does not exist";
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return "is terminating";
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (!"Running".equals(phase)) {
      return "is " + (phase == null ? "not started" : phase);
    }
    if (pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isBlank()) {
      return "has no IP";
    }
    boolean readyCondition =
        pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return readyCondition ? null : "is not Ready";
  }

  /**
   * Whether the pod has ended (Succeeded, Failed: evicted, say). It may keep its IP in its status
   * while the network has handed that address to another pod: never call it.
   */
  public static boolean ended(Pod pod) {
    String phase = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public static String ip(Pod pod) {
    return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
  }

  /** Names of the pods, for messages. */
  public static Set<String> names(Collection<Pod> pods) {
    return pods.stream()
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Bytes for people: 3.0 GiB. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String units = "KMGTPE";
    int exp = (int) (Math.log(bytes) / Math.log(1024));
    return String.format(
        java.util.Locale.ROOT, "%.1f %siB", bytes / Math.pow(1024, exp), units.charAt(exp - 1));
  }

  /** The sidecar operation's name: the resource's name and UID, so a re-sent call finds it. */
  public static String operationName(HasMetadata owner, String suffix) {
    String name = owner.getMetadata().getName();
    if (name.length() > 160) {
      name = name.substring(0, 160);
    }
    return name
        + "-"
        + owner.getMetadata().getUid().replace("-", "").substring(0, 8)
        + "-"
        + suffix;
  }

  public static String message(Throwable e) {
    return NodeOperations.message(e);
  }
}
