package io.kassette.api;

import java.util.List;

/**
 * {@code POST /v1/backups/{backup}/commit}: write the cluster manifest once every node's manifest
 * is in the location.
 *
 * @param hostIds the nodes that must be in the backup; the commit is refused when one is missing,
 *     so a half-written backup never looks complete
 * @param owner stamped in the cluster manifest (the CassandraBackup's UID); a manifest committed by
 *     another owner is never overwritten
 * @param missingNodes ring members the backup does not hold, recorded in the cluster manifest so
 *     that a restore plans around them
 */
public record CommitRequest(
    String location,
    String cluster,
    List<String> hostIds,
    String owner,
    List<MissingNode> missingNodes) {
  public CommitRequest {
    hostIds = hostIds == null ? List.of() : List.copyOf(hostIds);
    missingNodes = missingNodes == null ? List.of() : List.copyOf(missingNodes);
  }

  public CommitRequest(String location, String cluster, List<String> hostIds) {
    this(location, cluster, hostIds, null, List.of());
  }
}
