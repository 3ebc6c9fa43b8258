package io.kassette.operator.machine;

import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.Ring;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.SidecarConnector;
import io.kassette.operator.api.ClusterRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A database cluster of scripted sidecars, one per node (routed by pod IP, as the real connector
 * does), whose ring every sidecar reports: its members, and replica sets of {@code rf} consecutive
 * nodes, so that with rf 2 any one node may be left out and every range keeps a replica.
 */
final class ScriptedCluster implements SidecarConnector {
  final String name;
  final int rf;
  final List<ScriptedSidecar> nodes = new ArrayList<>();
  final Map<String, ScriptedSidecar> byAddress = new ConcurrentHashMap<>();

  /** Requests refused as "a different request under this name": must stay empty. */
  final List<String> nameTaken = new CopyOnWriteArrayList<>();

  /**
   * The cluster manifests in the buckets, by location, cluster and backup: the owner that wrote
   * each ("" for none). Like the real sidecar's, a commit finding its own manifest there returns it
   * without writing again (an operator that died between the commit and its status patch sends the
   * commit twice).
   */
  final Map<String, String> committed = new ConcurrentHashMap<>();

  /** The owner of every backup request sent. */
  final List<String> owners = new CopyOnWriteArrayList<>();

  ScriptedCluster(String name, String subnet, int nodes, int rf) {
    this.name = name;
    this.rf = rf;
    for (int i = 0; i < nodes; i++) {
      ScriptedSidecar s =
          new ScriptedSidecar(
              this,
              String.format(
                  "00000000-0000-4000-8000-%012d", Math.abs(subnet.hashCode() % 1000) * 100 + i),
              subnet + "." + (i + 1),
              "dc1");
      this.nodes.add(s);
      byAddress.put(s.address, s);
    }
  }

  ScriptedSidecar node(int i) {
    return nodes.get(i);
  }

  @Override
  public SidecarClient connect(String namespace, Pod pod, ClusterRef cluster) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    ScriptedSidecar s = ip == null ? null : byAddress.get(ip);
    if (s == null) {
      ScriptedSidecar nobody = new ScriptedSidecar(this, "none", String.valueOf(ip), "dc1");
      nobody.unreachable = true;
      return nobody;
    }
    return s;
  }

  /** The sidecar now answering at {@code address} (a restarted pod's new IP). */
  void move(ScriptedSidecar s, String address) {
    byAddress.remove(s.address);
    s.address = address;
    byAddress.put(address, s);
  }

  Ring ring() {
    List<Ring.Member> members = new ArrayList<>();
    for (ScriptedSidecar s : nodes) {
      members.add(new Ring.Member(s.hostId, s.address, s.datacenter, "rack1", List.of("0"), true));
    }
    List<List<String>> sets = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      List<String> set = new ArrayList<>();
      for (int k = 0; k < rf; k++) {
        set.add(nodes.get((i + k) % nodes.size()).hostId);
      }
      set.sort(null);
      sets.add(set);
    }
    return new Ring(name, members, List.of(new Ring.KeyspaceReplicas("app", sets)));
  }

  /** The hosts the restored backup holds ({@code load} mode's sources); all nodes unless set. */
  volatile List<String> backedUp;

  List<String> backedUpHosts() {
    return backedUp != null ? backedUp : nodes.stream().map(s -> s.hostId).sorted().toList();
  }

  static SidecarException unreachable(String address) {
    return new SidecarException(0, null, "unreachable " + address, null);
  }
}
