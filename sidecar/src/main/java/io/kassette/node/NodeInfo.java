package io.kassette.node;

import java.util.List;

/** A node's identity and placement, as recorded in every node manifest. */
public record NodeInfo(
    String hostId,
    String clusterName,
    String datacenter,
    String rack,
    List<String> tokens,
    String releaseVersion,
    Engine engine) {

  public enum Engine {
    CASSANDRA,
    SCYLLA
  }
}
