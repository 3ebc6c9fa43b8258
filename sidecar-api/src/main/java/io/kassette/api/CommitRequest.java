package io.kassette.api;

import java.util.List;

/**
 * {@code POST /v1/backups/{backup}/commit}: write the cluster manifest once every node's manifest
 * is in the location.
 *
 * @param hostIds the nodes that must be in the backup; the commit is refused when one is missing,
 *     so a half-written backup never looks complete
 */
public record CommitRequest(String location, String cluster, List<String> hostIds) {
  public CommitRequest {
    hostIds = hostIds == null ? List.of() : List.copyOf(hostIds);
  }
}
