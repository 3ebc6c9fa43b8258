package io.kassette.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.kassette.api.ApiError;
import io.kassette.api.ApiJson;
import io.kassette.api.BackupListing;
import io.kassette.api.BackupOperationRequest;
import io.kassette.api.CommitRequest;
import io.kassette.api.CommitResult;
import io.kassette.api.DeletionResult;
import io.kassette.api.NodeDescription;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationUpdate;
import io.kassette.api.PemFiles;
import io.kassette.api.PurgeRequest;
import io.kassette.api.PurgeResult;
import io.kassette.api.RestoreOperationRequest;
import io.kassette.api.Ring;
import io.kassette.backup.BackupCatalog;
import io.kassette.backup.BackupDeletion;
import io.kassette.backup.BackupException;
import io.kassette.backup.BackupPurge;
import io.kassette.backup.BackupService;
import io.kassette.backup.BucketLayout;
import io.kassette.backup.ClusterManifest;
import io.kassette.backup.Selection;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.node.NodeInfo;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.ObjectStores;
import io.kassette.storage.StorageLocation;
import io.kassette.storage.WorkerPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar agent: the {@code /v1} API the operator drives, plus open {@code /healthz}, {@code
 * /readyz} and {@code /metrics}. Served by the JDK's own HTTP server: the API is a handful of small
 * JSON calls, which does not earn a web framework its place in every database pod.
 */
public final class AgentServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
  private static final int MAX_BODY = 1 << 20;
  private static final long READY_CACHE_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long READY_WAIT_MILLIS = 800;
  private static final long READY_HUNG_SECONDS = 10;

  private final AgentOptions options;
  private final NodeConnector node;
  private final ObjectMapper strict = ApiJson.strict();
  private final ObjectMapper json = ApiJson.tolerant();
  private final BearerToken token;
  private final AgentMetrics metrics = new AgentMetrics();
  private final OperationService operations;
  // The steps of a restore arrive as separate operations: each reuses the manifests read once.
  private final io.kassette.restore.RestoreSources restoreSources =
      new io.kassette.restore.RestoreSources();
  private final EngineRequests requests;
  private final HttpServer server;
  private final ThreadPoolExecutor handlers;
  private volatile long readyCheckedAt;
  private volatile String notReady = "not checked yet";
  // One readiness check at a time, off the request threads: reaching a node that is still
  // starting can hang on JMX, and a probe (1 s by default) must not wait for it, nor /healthz
  // queue behind it (a real node restarted its sidecar that way).
  private final ExecutorService readinessChecks = WorkerPool.fixed("kassette-readiness", 1);
  private final AtomicReference<Future<String>> readyCheck = new AtomicReference<>();
  private volatile long readyCheckStartedAt;

  private AgentServer(AgentOptions options, NodeConnector node) throws IOException {
    this.options = options;
    this.node = node;
    this.token = new BearerToken(options.tokenFile());
    EngineRequests requests =
        new EngineRequests(
            options.maxParallel(),
            node,
            options.restoreKeepFreeBytes(),
            options.allowedLocations());
    this.requests = requests;
    this.operations =
        new OperationService(
            new OperationJournal(options.stateDir(), json),
            metrics,
            new OperationService.RunFactory() {
              @Override
              public EngineRun create(OperationKind kind, Object request) throws ApiException {
                return switch (kind) {
                  case BACKUP -> {
                    BackupOperationRequest r = (BackupOperationRequest) request;
                    yield new BackupRun(
                        requests.backup(r),
                        r.snapshotOnly(),
                        StorageLocation.parse(r.location()),
                        storage(r.parallel()),
                        node,
                        json);
                  }
                  case RESTORE -> {
                    RestoreOperationRequest r = (RestoreOperationRequest) request;
                    yield new RestoreRun(
                        requests.restore(r),
                        StorageLocation.parse(r.location()),
                        storage(r.parallel()),
                        node,
                        json,
                        restoreSources);
                  }
                  case PURGE -> {
                    PurgeRequest r = (PurgeRequest) request;
                    yield new PurgeRun(
                        r,
                        requests.purge(r, true),
                        StorageLocation.parse(r.location()),
                        storage(4),
                        json);
                  }
                };
              }

              @Override
              public Object withRateLimit(OperationKind kind, Object request, double mibPerSecond)
                  throws ApiException {
                EngineRequests.requireRateLimit(mibPerSecond);
                return switch (kind) {
                  case BACKUP -> ((BackupOperationRequest) request).withRateLimit(mibPerSecond);
                  case RESTORE -> ((RestoreOperationRequest) request).withRateLimit(mibPerSecond);
                  case PURGE ->
                      throw ApiException.badField(
                          "rateLimitMiBps", "a purge moves no data: it has no rate limit");
                };
              }

              @Override
              public void discard(OperationKind kind, Object request) throws Exception {
                if (kind == OperationKind.BACKUP) {
                  BackupRun.discardSnapshot(
                      node, requests.backup((BackupOperationRequest) request));
                }
              }
            },
            json,
            options.stopWait());
    // Bounded: when every handler is busy and the queue is full, the accepting thread answers
    // itself, which slows accepting instead of growing memory under a flood of polls.
    this.handlers =
        new ThreadPoolExecutor(
            options.httpThreads(),
            options.httpThreads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64),
            r -> {
              Thread t = new Thread(r, "kassette-http");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    if (options.tlsCertificate() != null) {
      HttpsServer https = HttpsServer.create(options.listen(), 64);
      PemFiles.Server tls = PemFiles.server(options.tlsCertificate(), options.tlsKey());
      https.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
      metrics.certificateExpiry(tls.notAfter());
      this.server = https;
    } else {
      this.server = HttpServer.create(options.listen(), 64);
    }
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
  }

  /** Starts serving; the operations journaled by an earlier agent are loaded, paused. */
  public static AgentServer start(AgentOptions options, NodeConnector node) throws IOException {
    AgentServer agent = new AgentServer(options, node);
    agent.server.start();
    LOG.info(
        "kassette agent listening on {}://{}:{}",
        options.tlsCertificate() != null ? "https" : "http",
        agent.address().getHostString(),
        agent.address().getPort());
    if (options.allowedLocations().prefixes().isEmpty()) {
      LOG.warn(
          "no storage location is allowed: every request that names one is refused until the"
              + " sidecar gets {}",
          AllowedLocations.HOW);
    } else {
      LOG.info(
          "allowed storage locations: {}",
          options.allowedLocations().prefixes().stream()
              .map(io.kassette.storage.StorageLocation::uri)
              .toList());
    }
    return agent;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** SIGTERM: pause the running operation (snapshot kept), then stop answering. */
  @Override
  public void close() {
    operations.close();
    server.stop(1);
    handlers.shutdownNow();
    readinessChecks.shutdownNow();
    metrics.close();
  }

  /** A 2xx answer. */
  private record Answer(int status, Object body) {}

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Answer answer;
      try {
        answer = route(ex);
      } catch (ApiException e) {
        answer = new Answer(e.status(), e.body());
      } catch (io.kassette.backup.InvalidManifestException e) {
        // A defect of what the bucket holds, said as such: not a failure of this pod.
        answer = new Answer(422, new ApiError(422, e.getMessage(), "location", null));
      } catch (io.kassette.backup.PurgeRefusedException e) {
        answer =
            new Answer(409, new ApiError(409, e.getMessage(), null, null, ApiError.INVALID_STATE));
      } catch (IOException e) {
        LOG.warn(
            "{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
        answer =
            new Answer(
                502,
                new ApiError(502, "storage or disk: " + OperationService.message(e), null, null));
      } catch (RuntimeException e) {
        LOG.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
        answer =
            new Answer(
                500,
                new ApiError(500, "internal error: " + OperationService.message(e), null, null));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer = new Answer(503, new ApiError(503, "the agent is stopping", null, null));
      }
      if (answer.body() instanceof String text) {
        send(
            ex,
            answer.status(),
            "text/plain; version=0.0.4; charset=utf-8",
            text.getBytes(StandardCharsets.UTF_8));
      } else {
        send(ex, answer.status(), "application/json", json.writeValueAsBytes(answer.body()));
      }
    }
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    if (status == 401) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"kassette\"");
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private Answer route(HttpExchange ex) throws ApiException, InterruptedException, IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    switch (path) {
      case "/healthz" -> {
        requireMethod(method, "GET");
        return new Answer(200, Map.of("status", "ok"));
      }
      case "/readyz" -> {
        requireMethod(method, "GET");
        String problem = readiness();
        return problem == null
            ? new Answer(200, Map.of("status", "ready"))
            : new Answer(503, new ApiError(503, "node not reachable: " + problem, null, null));
      }
      case "/metrics" -> {
        requireMethod(method, "GET");
        operations.syncMetrics();
        return new Answer(200, metrics.scrape());
      }
      default -> {
        // below
      }
    }
    if (!path.startsWith("/v1/")) {
      throw ApiException.notFound("no route " + path + "; the API lives under /v1");
    }
    if (!token.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
      throw new ApiException(
          401, "missing or wrong bearer token (Authorization: Bearer <token>)", null, null);
    }
    List<String> parts = new ArrayList<>();
    for (String p : path.substring(4).split("/", -1)) {
      parts.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
    }
    String first = parts.get(0);
    OperationKind kind = kindOf(first);
    if (kind != null) {
      return operationRoute(ex, method, kind, parts);
    }
    switch (first) {
      case "node" -> {
        requireParts(parts, 1, path);
        requireMethod(method, "GET");
        return new Answer(200, describeNode());
      }
      case "ring" -> {
        requireParts(parts, 1, path);
        requireMethod(method, "GET");
        return new Answer(200, ring(query(ex).get("keyspaces")));
      }
      case "operations" -> {
        requireParts(parts, 1, path);
        requireMethod(method, "GET");
        return new Answer(200, operations.list());
      }
      case "backups" -> {
        if (parts.size() == 1) {
          requireMethod(method, "GET");
          return new Answer(200, listBackups(query(ex)));
        }
        if (parts.size() == 2) {
          requireMethod(method, "DELETE");
          return new Answer(200, deleteBackup(parts.get(1), query(ex)));
        }
        if (parts.size() == 3 && parts.get(2).equals("commit")) {
          requireMethod(method, "POST");
          return new Answer(200, commit(parts.get(1), body(ex, CommitRequest.class)));
        }
        throw ApiException.notFound("no route " + path);
      }
      case "purge" -> {
        requireParts(parts, 1, path);
        requireMethod(method, "POST");
        return new Answer(200, purge(body(ex, PurgeRequest.class)));
      }
      case "snapshots" -> {
        requireParts(parts, 2, path);
        requireMethod(method, "DELETE");
        return new Answer(200, clearSnapshot(parts.get(1)));
      }
      default -> throw ApiException.notFound("no route " + path);
    }
  }

  private Answer operationRoute(
      HttpExchange ex, String method, OperationKind kind, List<String> parts)
      throws ApiException, InterruptedException, IOException {
    if (parts.size() == 1) {
      requireMethod(method, "POST");
      Object request = body(ex, OperationService.requestType(kind));
      String name =
          request instanceof BackupOperationRequest b
              ? b.name()
              : request instanceof RestoreOperationRequest r
                  ? r.name()
                  : ((PurgeRequest) request).name();
      EngineRequests.field("name", () -> BucketLayout.requireName("name", name));
      OperationService.Started started = operations.start(kind, name, request);
      return new Answer(started.created() ? 201 : 200, started.operation());
    }
    String name = parts.get(1);
    if (parts.size() == 2) {
      if (method.equals("PATCH")) {
        OperationUpdate update = body(ex, OperationUpdate.class);
        if (update.rateLimitMiBps() == null) {
          throw ApiException.badField("rateLimitMiBps", "nothing to change: set rateLimitMiBps");
        }
        return new Answer(200, operations.setRateLimit(kind, name, update.rateLimitMiBps()));
      }
      requireMethod(method, "GET");
      return new Answer(200, operations.get(kind, name));
    }
    if (parts.size() == 3) {
      requireMethod(method, "POST");
      return switch (parts.get(2)) {
        case "pause" -> new Answer(200, operations.pause(kind, name));
        case "resume" -> new Answer(200, operations.resume(kind, name));
        case "cancel" -> new Answer(200, operations.cancel(kind, name));
        default ->
            throw ApiException.notFound(
                "no action " + parts.get(2) + "; use pause, resume or cancel");
      };
    }
    throw ApiException.notFound("no route " + ex.getRequestURI().getRawPath());
  }

  private static OperationKind kindOf(String segment) {
    for (OperationKind k : OperationKind.values()) {
      if (k.path().equals(segment)) {
        return k;
      }
    }
    return null;
  }

  private static void requireMethod(String method, String allowed) throws ApiException {
    if (!method.equals(allowed)) {
      throw new ApiException(405, method + " is not allowed here; use " + allowed, null, null);
    }
  }

  private static void requireParts(List<String> parts, int n, String path) throws ApiException {
    if (parts.size() != n) {
      throw ApiException.notFound("no route " + path);
    }
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }

  /** Reads and maps a JSON body; every mapping failure is a 400 that names the field. */
  private <T> T body(HttpExchange ex, Class<T> type) throws ApiException, IOException {
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new ApiException(413, "request body larger than 1 MiB", null, null);
    }
    if (bytes.length == 0) {
      throw ApiException.badField(null, "a JSON request body is required");
    }
    try {
      T value = strict.readValue(bytes, type);
      if (value == null) {
        throw ApiException.badField(null, "a JSON object is required, got null");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badField(
          e.getPropertyName(),
          "unknown field '"
              + e.getPropertyName()
              + "'; known fields: "
              + e.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    } catch (MismatchedInputException e) {
      String field = fieldPath(e);
      throw ApiException.badField(
          field,
          (field == null ? "the body" : "field '" + field + "'")
              + " has the wrong type: "
              + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonMappingException e) {
      String field = fieldPath(e);
      throw ApiException.badField(
          field, (field == null ? "" : "field '" + field + "': ") + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw ApiException.badField(
          null,
          "malformed JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage());
    }
  }

  private static String fieldPath(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return path.isEmpty() ? null : path;
  }

  private NodeDescription describeNode() throws ApiException {
    try (NodeAccess access = node.connect()) {
      NodeInfo info = access.describe();
      List<Path> dirs =
          node.dataDirectories().isEmpty() ? access.dataDirectories() : node.dataDirectories();
      return new NodeDescription(
          info.hostId(),
          info.clusterName(),
          info.datacenter(),
          info.rack(),
          info.tokens(),
          info.releaseVersion(),
          info.engine().name().toLowerCase(Locale.ROOT),
          dirs.stream().map(Path::toString).toList());
    } catch (NodeException e) {
      throw new ApiException(503, "node not reachable: " + e.getMessage(), null, null);
    }
  }

  /** The ring, with the replica sets of the keyspaces the globs select (every user keyspace). */
  private Ring ring(String keyspaces) throws ApiException {
    Selection selection = EngineRequests.field("keyspaces", () -> Selection.parse(keyspaces));
    try (NodeAccess access = node.connect()) {
      java.util.Set<String> selected = new java.util.TreeSet<>();
      try {
        selection.resolve(access.listTables()).forEach(t -> selected.add(t.keyspace()));
      } catch (IllegalArgumentException nothingSelected) {
        // No table yet (a restore's empty target) or a glob that matches none: the members are
        // still the ring's; the step that needs the tables says what is wrong with the selection.
      }
      return access.ring(selected);
    } catch (NodeException e) {
      throw new ApiException(503, "node not reachable: " + e.getMessage(), null, null);
    }
  }

  /** Null when ready; a node that is down answers 503 for a few seconds at most after it is up. */
  private String readiness() {
    if (System.nanoTime() - readyCheckedAt <= READY_CACHE_NANOS && notReady == null) {
      return null;
    }
    Future<String> check = readyCheck.get();
    if (check == null || check.isDone()) {
      FutureTask<String> next = new FutureTask<>(this::checkNode);
      if (readyCheck.compareAndSet(check, next)) {
        readyCheckStartedAt = System.nanoTime();
        readinessChecks.execute(next);
      }
      check = readyCheck.get();
    }
    try {
      return check.get(READY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // A node that has not answered for a while is not ready, whatever it answered before.
      long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - readyCheckStartedAt);
      if (waited >= READY_HUNG_SECONDS) {
        return "the node has not answered for " + waited + " s";
      }
      String last = notReady;
      return last == null ? null : "still checking the node; last check: " + last;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return notReady;
    } catch (ExecutionException e) {
      return OperationService.message(e.getCause());
    }
  }

  private String checkNode() {
    String problem;
    try (NodeAccess access = node.connect()) {
      access.describe();
      problem = null;
    } catch (NodeException | RuntimeException e) {
      problem = OperationService.message(e);
    }
    notReady = problem;
    readyCheckedAt = System.nanoTime();
    return problem;
  }

  private ObjectStore open(String location) throws ApiException, IOException {
    return ObjectStores.open(options.allowedLocations().check(location), storage(4));
  }

  private io.kassette.storage.StorageOptions storage(int parallel) {
    return options
        .storage()
        .withMaxConcurrency(parallel)
        .withUploadLedger(options.stateDir().resolve("uploads"));
  }

  private BackupListing listBackups(Map<String, String> query) throws ApiException, IOException {
    String cluster = query.get("cluster");
    EngineRequests.field("cluster", () -> BucketLayout.requireName("cluster", cluster));
    boolean incomplete = Boolean.parseBoolean(query.getOrDefault("incomplete", "false"));
    try (ObjectStore store = open(query.get("location"))) {
      List<BackupListing.Entry> entries = new ArrayList<>();
      for (BackupCatalog.Listing l : new BackupCatalog(store, cluster).list(incomplete)) {
        entries.add(
            new BackupListing.Entry(
                l.name(),
                l.complete(),
                l.mode(),
                l.startedAt(),
                l.completedAt(),
                l.nodes(),
                l.files(),
                l.bytes(),
                l.defect()));
      }
      return new BackupListing(entries);
    } catch (io.kassette.storage.StorageException e) {
      throw new ApiException(502, "storage: " + e.getMessage(), "location", null);
    }
  }

  private DeletionResult deleteBackup(String backup, Map<String, String> query)
      throws ApiException, IOException {
    EngineRequests.field("backup", () -> BucketLayout.requireName("backup", backup));
    String cluster = query.get("cluster");
    EngineRequests.field("cluster", () -> BucketLayout.requireName("cluster", cluster));
    try (ObjectStore store = open(query.get("location"))) {
      String owner = query.get("owner");
      ClusterManifest committed = new BackupCatalog(store, cluster).clusterManifest(backup);
      if (owner != null
          && committed != null
          && committed.owner() != null
          && !owner.equals(committed.owner())) {
        throw ApiException.nameTaken(
            "backup "
                + backup
                + " in this location was committed by "
                + committed.owner()
                + ", not by "
                + owner
                + ": left alone",
            null);
      }
      BackupDeletion.Result r = new BackupDeletion(store, cluster).delete(backup);
      LOG.info("deleted backup {}: {} objects, {} bytes", backup, r.objects(), r.bytes());
      return new DeletionResult(r.backup(), r.existed(), r.objects(), r.bytes());
    } catch (io.kassette.storage.StorageException e) {
      throw new ApiException(502, "storage: " + e.getMessage(), "location", null);
    }
  }

  private PurgeResult purge(PurgeRequest r) throws ApiException, IOException {
    BackupPurge.Policy policy = requests.purge(r, false);
    try (ObjectStore store = open(r.location())) {
      return PurgeRun.result(
          new BackupPurge(store, r.cluster()).purge(policy, r.dryRun(), java.time.Instant.now()),
          r);
    } catch (io.kassette.storage.StorageException e) {
      throw new ApiException(502, "storage: " + e.getMessage(), "location", null);
    }
  }

  /** Refused while a backup operation of this agent runs. */
  private Map<String, Object> clearSnapshot(String tag) throws ApiException {
    if (!tag.matches("kassette-[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw ApiException.badField(
          "tag", "only snapshots Kassette took (kassette-<backup>) can be cleared, got " + tag);
    }
    for (var o : operations.list()) {
      if (o.kind() == OperationKind.BACKUP && o.state().active()) {
        // Conservative: a running backup may be reading any Kassette snapshot of this node.
        throw ApiException.busy(
            "backup operation " + o.name() + " is running; clear " + tag + " after it", o);
      }
    }
    try (NodeAccess access = node.connect()) {
      new BackupService(null, access, null).clearSnapshot(tag);
      return Map.of("tag", tag, "cleared", true);
    } catch (NodeException e) {
      throw new ApiException(503, "node not reachable: " + e.getMessage(), null, null);
    } catch (BackupException e) {
      throw ApiException.badField("tag", e.getMessage());
    }
  }

  /**
   * Writes the cluster manifest once every named node's manifest is there; committing again is a
   * no-op that answers the same.
   */
  private CommitResult commit(String backup, CommitRequest request)
      throws ApiException, IOException {
    EngineRequests.field("backup", () -> BucketLayout.requireName("backup", backup));
    EngineRequests.field("cluster", () -> BucketLayout.requireName("cluster", request.cluster()));
    try (ObjectStore store = open(request.location())) {
      BackupCatalog catalog = new BackupCatalog(store, request.cluster());
      ClusterManifest manifest = catalog.clusterManifest(backup);
      if (manifest == null) {
        // Listed, not read: the commit below reads (and validates) every node manifest once.
        TreeSet<String> present = new TreeSet<>(catalog.manifestHosts(backup));
        TreeSet<String> missing = new TreeSet<>(request.hostIds());
        missing.removeAll(present);
        if (!missing.isEmpty()) {
          throw ApiException.conflict(
              "backup " + backup + " lacks the node manifests of " + missing + "; not committed",
              null);
        }
        manifest = catalog.commit(backup, request.owner(), request.missingNodes());
      } else if (request.owner() != null
          && manifest.owner() != null
          && !request.owner().equals(manifest.owner())) {
        throw ApiException.nameTaken(
            "backup "
                + backup
                + " in this location was committed by "
                + manifest.owner()
                + ", not by "
                + request.owner()
                + "; not overwritten",
            null);
      }
      List<String> hostIds =
          manifest.nodes().stream().map(ClusterManifest.NodeRef::hostId).toList();
      if (!hostIds.containsAll(request.hostIds())) {
        throw ApiException.conflict(
            "backup " + backup + " was committed without some of " + request.hostIds(), null);
      }
      return new CommitResult(backup, hostIds, manifest.files(), manifest.bytes());
    } catch (BackupException e) {
      throw ApiException.conflict(e.getMessage(), null);
    } catch (io.kassette.storage.StorageException e) {
      throw new ApiException(502, "storage: " + e.getMessage(), "location", null);
    }
  }
}
