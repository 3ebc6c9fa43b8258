package io.kassette.api;

import java.util.List;

/**
 * {@code GET /v1/ring?keyspaces=...}: the cluster as this node sees it. The operator takes the
 * nodes a backup must cover from here, not from the pods it happens to find.
 *
 * @param members every node of the ring, up or down
 * @param replicas per selected keyspace, the distinct sets of host ids that replicate some token
 *     range: a backup without some nodes still covers every range when each set keeps one of its
 *     nodes
 */
public record Ring(String cluster, List<Member> members, List<KeyspaceReplicas> replicas) {
  public Ring {
    members = members == null ? List.of() : List.copyOf(members);
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }

  /** One node of the ring. {@code up}: gossip sees it alive. */
  public record Member(
      String hostId,
      String address,
      String datacenter,
      String rack,
      List<String> tokens,
      boolean up) {
    public Member {
      tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }
  }

  /** The replica sets of one keyspace's token ranges, as host ids. */
  public record KeyspaceReplicas(String keyspace, List<List<String>> replicaSets) {
    public KeyspaceReplicas {
      replicaSets =
          replicaSets == null ? List.of() : replicaSets.stream().map(List::copyOf).toList();
    }
  }

  /**
   * The replica sets, of any selected keyspace, none of whose nodes is in {@code covered}: empty
   * when a backup of the {@code covered} nodes holds every row at least once.
   */
  public List<String> uncovered(java.util.Collection<String> covered) {
    List<String> missing = new java.util.ArrayList<>();
    for (KeyspaceReplicas k : replicas) {
      for (List<String> set : k.replicaSets()) {
        if (set.stream().noneMatch(covered::contains)) {
          missing.add(k.keyspace() + " " + set);
        }
      }
    }
    return missing;
  }
}
