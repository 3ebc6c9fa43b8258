package io.kassette.api;

import java.util.List;

/** {@code GET /v1/node}: who this node is and where its data lives. */
public record NodeDescription(
    String hostId,
    String cluster,
    String datacenter,
    String rack,
    List<String> tokens,
    String version,
    String engine,
    List<String> dataDirectories) {}
