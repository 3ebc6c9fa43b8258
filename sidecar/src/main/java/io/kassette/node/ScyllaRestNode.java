package io.kassette.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kassette.api.Ring;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * ScyllaDB over its REST API (port 10000 on the node). Paths and payloads follow Scylla's api-doc:
 * {@code /storage_service/hostid/local}, {@code /storage_service/snapshots}, {@code
 * /column_family/}, {@code /snitch/datacenter} and friends.
 */
public final class ScyllaRestNode implements NodeAccess {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;

  public ScyllaRestNode(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  private JsonNode call(String method, String path, Map<String, String> query)
      throws NodeException {
    StringBuilder uri = new StringBuilder(base.toString()).append(path);
    char sep = '?';
    for (Map.Entry<String, String> q : new TreeMap<>(query).entrySet()) {
      uri.append(sep)
          .append(q.getKey())
          .append('=')
          .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(uri.toString()))
            .timeout(Duration.ofMinutes(10)) // a snapshot flushes memtables first
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Accept", "application/json")
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new NodeException(
            "Scylla API "
                + method
                + " "
                + path
                + " at "
                + base
                + " answered "
                + response.statusCode()
                + ": "
                + message(response.body()));
      }
      String body = response.body();
      return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
    } catch (IOException e) {
      throw new NodeException(
          "cannot reach the Scylla API at "
              + base
              + " ("
              + e.getMessage()
              + "): is the node"
              + " running and --scylla-api right?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeException("interrupted while calling the Scylla API", e);
    }
  }

  private static String message(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n.has("message") ? n.get("message").asText() : body;
    } catch (IOException e) {
      return body;
    }
  }

  private String text(String path) throws NodeException {
    return call("GET", path, Map.of()).asText();
  }

  @Override
  public NodeInfo describe() throws NodeException {
    String hostId = text("/storage_service/hostid/local");
    String address = null;
    for (JsonNode entry : call("GET", "/storage_service/host_id", Map.of())) {
      if (hostId.equals(entry.path("value").asText())) {
        address = entry.path("key").asText();
      }
    }
    if (address == null) {
      throw new NodeException("Scylla at " + base + " does not list its own host id " + hostId);
    }
    List<String> tokens = new ArrayList<>();
    call("GET", "/storage_service/tokens", Map.of()).forEach(t -> tokens.add(t.asText()));
    return new NodeInfo(
        hostId,
        text("/storage_service/cluster_name"),
        call("GET", "/snitch/datacenter", Map.of("host", address)).asText(),
        call("GET", "/snitch/rack", Map.of("host", address)).asText(),
        List.copyOf(tokens),
        text("/storage_service/scylla_release_version"),
        NodeInfo.Engine.SCYLLA);
  }

  @Override
  public Ring ring(Collection<String> keyspaces) throws NodeException {
    Map<String, String> hostIdByAddress = new TreeMap<>();
    for (JsonNode entry : call("GET", "/storage_service/host_id", Map.of())) {
      hostIdByAddress.put(entry.path("key").asText(), entry.path("value").asText());
    }
    Map<String, List<String>> tokens = new TreeMap<>();
    for (JsonNode entry : call("GET", "/storage_service/tokens_endpoint", Map.of())) {
      tokens
          .computeIfAbsent(entry.path("value").asText(), k -> new ArrayList<>())
          .add(entry.path("key").asText());
    }
    java.util.Set<String> down = new java.util.TreeSet<>();
    call("GET", "/gossiper/endpoint/down", Map.of()).forEach(a -> down.add(a.asText()));
    List<Ring.Member> members = new ArrayList<>();
    for (Map.Entry<String, String> e : hostIdByAddress.entrySet()) {
      String address = e.getKey();
      members.add(
          new Ring.Member(
              e.getValue(),
              address,
              call("GET", "/snitch/datacenter", Map.of("host", address)).asText(),
              call("GET", "/snitch/rack", Map.of("host", address)).asText(),
              tokens.getOrDefault(address, List.of()),
              !down.contains(address)));
    }
    List<Ring.KeyspaceReplicas> replicas = new ArrayList<>();
    for (String keyspace : new TreeSet<>(keyspaces)) {
      java.util.Set<List<String>> sets = new java.util.LinkedHashSet<>();
      for (JsonNode range :
          call("GET", "/storage_service/range_to_endpoint_map/" + keyspace, Map.of())) {
        List<String> set = new ArrayList<>();
        range
            .path("value")
            .forEach(a -> set.add(hostIdByAddress.getOrDefault(a.asText(), a.asText())));
        set.sort(null);
        sets.add(set);
      }
      replicas.add(new Ring.KeyspaceReplicas(keyspace, new ArrayList<>(sets)));
    }
    return new Ring(text("/storage_service/cluster_name"), members, replicas);
  }

  @Override
  public String schemaVersion() throws NodeException {
    return text("/storage_service/schema_version");
  }

  @Override
  public List<TableRef> listTables() throws NodeException {
    TreeSet<TableRef> tables = new TreeSet<>();
    for (JsonNode t : call("GET", "/column_family/", Map.of())) {
      tables.add(new TableRef(t.path("ks").asText(), t.path("cf").asText()));
    }
    return new ArrayList<>(tables);
  }

  @Override
  public void takeSnapshot(String tag, Collection<TableRef> tables) throws NodeException {
    // The API takes several tables only within one keyspace.
    Map<String, List<String>> byKeyspace = new TreeMap<>();
    for (TableRef t : tables) {
      byKeyspace.computeIfAbsent(t.keyspace(), k -> new ArrayList<>()).add(t.table());
    }
    for (Map.Entry<String, List<String>> e : byKeyspace.entrySet()) {
      call(
          "POST",
          "/storage_service/snapshots",
          Map.of("tag", tag, "kn", e.getKey(), "cf", String.join(",", e.getValue())));
    }
  }

  @Override
  public void clearSnapshot(String tag, Collection<String> keyspaces) throws NodeException {
    call(
        "DELETE",
        "/storage_service/snapshots",
        Map.of("tag", tag, "kn", String.join(",", new TreeSet<>(keyspaces))));
  }

  @Override
  public void truncate(TableRef table) throws NodeException {
    throw new NodeException("restore into ScyllaDB is not supported yet");
  }

  @Override
  public List<String> importSSTables(TableRef table, Path directory) throws NodeException {
    throw new NodeException("restore into ScyllaDB is not supported yet");
  }

  @Override
  public List<Path> dataDirectories() throws NodeException {
    List<Path> dirs = new ArrayList<>();
    call("GET", "/storage_service/data_file/locations", Map.of())
        .forEach(d -> dirs.add(Path.of(d.asText())));
    return dirs;
  }

  @Override
  public void close() {}
}
