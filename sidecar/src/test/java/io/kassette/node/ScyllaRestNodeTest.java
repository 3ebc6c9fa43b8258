package io.kassette.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ScyllaDB cannot run on this machine, so {@link ScyllaRestNode} is tested against a recorded
 * contract: a local HTTP stub serving the endpoint paths and JSON payloads of Scylla's REST API
 * (api/api-doc/storage_service.json, endpoint_snitch_info.json, column_family.json). This is a
 * hand-written fake by necessity, not a substitute for a real node.
 */
class ScyllaRestNodeTest {
  static final String HOST_ID = "8e0f3b4c-2f1a-4c1e-9d7b-1f2e3d4c5b6a";
  static final Map<String, String> RECORDED =
      Map.ofEntries(
          Map.entry("GET /storage_service/hostid/local", "\"" + HOST_ID + "\""),
          Map.entry(
              "GET /storage_service/host_id",
              "[{\"key\":\"10.0.0.7\",\"value\":\""
                  + HOST_ID
                  + "\"},"
                  + "{\"key\":\"10.0.0.8\",\"value\":\"00000000-0000-0000-0000-000000000001\"}]"),
          Map.entry("GET /storage_service/cluster_name", "\"prod-scylla\""),
          Map.entry(
              "GET /storage_service/tokens",
              "[\"-9087163410285612350\",\"-3241\",\"4611686018427387904\"]"),
          Map.entry(
              "GET /storage_service/scylla_release_version",
              "\"2025.1.3-0.20250611.aa0cba9e1b06\""),
          Map.entry("GET /snitch/datacenter", "\"eu-west\""),
          Map.entry("GET /snitch/rack", "\"eu-west-1a\""),
          Map.entry(
              "GET /column_family/",
              "[{\"ks\":\"app\",\"cf\":\"users\",\"type\":\"ColumnFamilies\"},"
                  + "{\"ks\":\"app\",\"cf\":\"events\",\"type\":\"ColumnFamilies\"},"
                  + "{\"ks\":\"system\",\"cf\":\"local\",\"type\":\"ColumnFamilies\"}]"),
          Map.entry("GET /storage_service/data_file/locations", "[\"/var/lib/scylla/data\"]"),
          Map.entry(
              "GET /storage_service/tokens_endpoint",
              "[{\"key\":\"-9087163410285612350\",\"value\":\"10.0.0.7\"},"
                  + "{\"key\":\"-3241\",\"value\":\"10.0.0.8\"},"
                  + "{\"key\":\"4611686018427387904\",\"value\":\"10.0.0.7\"}]"),
          Map.entry("GET /gossiper/endpoint/down", "[\"10.0.0.8\"]"),
          Map.entry(
              "GET /storage_service/range_to_endpoint_map/app",
              "[{\"key\":[\"-9087163410285612350\",\"-3241\"],"
                  + "\"value\":[\"10.0.0.8\",\"10.0.0.7\"]},"
                  + "{\"key\":[\"-3241\",\"4611686018427387904\"],"
                  + "\"value\":[\"10.0.0.7\",\"10.0.0.8\"]}]"),
          Map.entry("POST /storage_service/snapshots", ""),
          Map.entry("DELETE /storage_service/snapshots", ""));

  HttpServer server;
  final List<String> calls = new CopyOnWriteArrayList<>();
  ScyllaRestNode node;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
          String query = exchange.getRequestURI().getQuery();
          calls.add(key + (query == null ? "" : "?" + query));
          String body = RECORDED.get(key);
          byte[] bytes =
              (body == null ? "{\"message\":\"Not found\",\"code\":404}" : body)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(
              body == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
          if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    server.start();
    node = new ScyllaRestNode(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void describesTheNodeFromItsOwnHostIdAndAddress() throws Exception {
    NodeInfo info = node.describe();
    assertThat(info)
        .isEqualTo(
            new NodeInfo(
                HOST_ID,
                "prod-scylla",
                "eu-west",
                "eu-west-1a",
                List.of("-9087163410285612350", "-3241", "4611686018427387904"),
                "2025.1.3-0.20250611.aa0cba9e1b06",
                NodeInfo.Engine.SCYLLA));
    assertThat(calls)
        .contains("GET /snitch/datacenter?host=10.0.0.7", "GET /snitch/rack?host=10.0.0.7");
  }

  @Test
  void listsTablesAndDataDirectories() throws Exception {
    assertThat(node.listTables())
        .containsExactly(
            new TableRef("app", "events"),
            new TableRef("app", "users"),
            new TableRef("system", "local"));
    assertThat(node.dataDirectories()).containsExactly(Path.of("/var/lib/scylla/data"));
  }

  @Test
  void snapshotsOneKeyspaceAtATimeAndClearsByTag() throws Exception {
    node.takeSnapshot(
        "kassette-b1",
        List.of(
            new TableRef("app", "users"),
            new TableRef("app", "events"),
            new TableRef("web", "hits")));
    node.clearSnapshot("kassette-b1", List.of("web", "app"));
    assertThat(calls)
        .containsExactly(
            "POST /storage_service/snapshots?cf=users,events&kn=app&tag=kassette-b1",
            "POST /storage_service/snapshots?cf=hits&kn=web&tag=kassette-b1",
            "DELETE /storage_service/snapshots?kn=app,web&tag=kassette-b1");
  }

  @Test
  void errorsNameTheCallAndTheNodesMessage() {
    server.removeContext("/");
    server.createContext(
        "/",
        exchange -> {
          byte[] b =
              "{\"message\":\"Keyspace app does not exist\",\"code\":400}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(400, b.length);
          exchange.getResponseBody().write(b);
          exchange.close();
        });
    assertThatThrownBy(() -> node.takeSnapshot("t", List.of(new TableRef("app", "x"))))
        .isInstanceOf(NodeException.class)
        .hasMessageContaining("POST /storage_service/snapshots")
        .hasMessageContaining("400: Keyspace app does not exist");
  }

  @Test
  void anAbsentNodeIsReportedClearly() {
    ScyllaRestNode absent = new ScyllaRestNode(URI.create("http://127.0.0.1:1"));
    assertThatThrownBy(absent::describe)
        .isInstanceOf(NodeException.class)
        .hasMessageContaining("cannot reach the Scylla API at http://127.0.0.1:1");
  }

  @Test
  void theRingListsEveryMemberUpOrDownAndTheReplicaSetsByHostId() throws Exception {
    io.kassette.api.Ring ring = node.ring(List.of("app"));
    assertThat(ring.cluster()).isEqualTo("prod-scylla");
    assertThat(ring.members())
        .extracting(io.kassette.api.Ring.Member::hostId, io.kassette.api.Ring.Member::up)
        .containsExactlyInAnyOrder(
            org.assertj.core.api.Assertions.tuple(HOST_ID, true),
            org.assertj.core.api.Assertions.tuple("00000000-0000-0000-0000-000000000001", false));
    assertThat(ring.members())
        .filteredOn(m -> m.hostId().equals(HOST_ID))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.address()).isEqualTo("10.0.0.7");
              assertThat(m.datacenter()).isEqualTo("eu-west");
              assertThat(m.tokens()).containsExactly("-9087163410285612350", "4611686018427387904");
            });
    // Both ranges have the same two replicas: one replica set, whichever order Scylla lists.
    assertThat(ring.replicas())
        .singleElement()
        .satisfies(
            k ->
                assertThat(k.replicaSets())
                    .containsExactly(List.of("00000000-0000-0000-0000-000000000001", HOST_ID)));
    assertThat(ring.uncovered(List.of(HOST_ID))).isEmpty();
    assertThat(ring.uncovered(List.of())).hasSize(1);
  }
}
