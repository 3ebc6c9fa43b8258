package io.kassette.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes API test server (fabric8's, in CRUD mode) with Kassette's generated CRDs
 * registered, so that status behaves as a subresource, and every request recorded as {@code METHOD
 * path} for the RBAC check.
 */
public final class TestApiServer implements AutoCloseable {
  // Held: java.util.logging keeps loggers weakly. One INFO line per request drowns the test logs.
  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    QUIET.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Set<String> requests = ConcurrentHashMap.newKeySet();
  private final Set<String> operatorRequests = ConcurrentHashMap.newKeySet();
  static final String ACTOR = "X-Kassette-Test-Actor";

  public TestApiServer() throws IOException {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new RecordingDispatcher(), false);
    server.init();
    client = server.createClient();
    for (String crd : List.of("cassandrabackups", "backupschedules", "cassandrarestores")) {
      try (InputStream in =
          Files.newInputStream(
              Path.of(
                  System.getProperty("kassette.root", ".."),
                  "crds",
                  crd + ".kassette.io-v1.yml"))) {
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(Serialization.unmarshal(in, CustomResourceDefinition.class))
            .create();
      }
    }
    requests.clear(); // the CRDs: installed by Helm, not by the operator
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * A client for the operator: its requests are told apart from the test's own, which set up pods
   * and read statuses, so that the RBAC check sees only what the operator asked.
   */
  public KubernetesClient operatorClient() {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(client.getConfiguration())
                .withCustomHeaders(Map.of(ACTOR, "operator"))
                .build())
        .build();
  }

  /** Every request so far, as {@code METHOD /path?query}. */
  public Set<String> requests() {
    return Set.copyOf(requests);
  }

  /** The requests of {@link #operatorClient()}s. */
  public Set<String> operatorRequests() {
    return Set.copyOf(operatorRequests);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** The CRUD dispatcher, remembering what was asked. */
  private final class RecordingDispatcher extends KubernetesCrudDispatcher {
    RecordingDispatcher() {
      super(List.of());
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String line = request.getMethod() + " " + request.getPath();
      requests.add(line);
      if ("operator".equals(request.getHeader(ACTOR))) {
        operatorRequests.add(line);
      }
      if ("POST".equals(request.getMethod())
          && request.getPath().endsWith("/selfsubjectrulesreviews")) {
        return rulesReview(request);
      }
      return super.dispatch(request);
    }

    /**
     * The test server has no RBAC: a review of our own rules (JOSDK asks before leader election)
     * answers what the chart grants on Leases; {@code ChartRbacTest} checks the chart does.
     */
    private MockResponse rulesReview(RecordedRequest request) {
      SelfSubjectRulesReview review =
          Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
      review.setStatus(
          new SubjectRulesReviewStatusBuilder()
              .withIncomplete(false)
              .addNewResourceRule()
              .withApiGroups("coordination.k8s.io")
              .withResources("leases")
              .withVerbs("get", "create", "update")
              .endResourceRule()
              .build());
      return new MockResponse()
          .setResponseCode(201)
          .addHeader("Content-Type", "application/json")
          .setBody(Serialization.asJson(review));
    }
  }
}
