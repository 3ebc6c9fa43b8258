package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.SidecarClient;
import io.kassette.operator.api.ClusterRef;

/** How the operator reaches the sidecar of one pod. */
public interface SidecarConnector {

  /**
   * @throws IllegalStateException naming what is missing (no pod IP, no token Secret)
   */
  SidecarClient connect(String namespace, Pod pod, ClusterRef cluster);
}
