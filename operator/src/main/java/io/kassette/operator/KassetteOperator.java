package io.kassette.operator;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.kassette.operator.backup.CassandraBackupReconciler;
import io.kassette.operator.restore.CassandraRestoreReconciler;
import io.kassette.operator.schedule.BackupScheduleReconciler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar operator/target/kassette-operator.jar}: the controllers, with {@code /healthz},
 * {@code /readyz} and {@code /metrics} on the health port. Kubeconfig or in-cluster config, as
 * fabric8 finds it.
 *
 * <p>Environment: {@code KASSETTE_NAMESPACES} (comma-separated; empty or unset for all), {@code
 * KASSETTE_HEALTH_PORT} (8080), {@code KASSETTE_POLL_SECONDS} (5), {@code
 * KASSETTE_LEADER_ELECTION_NAMESPACE} (unset: no leader election; set: replicas elect a leader
 * through the Lease {@code kassette-operator} there, and a replica that loses it exits), {@code
 * KASSETTE_RESOURCE_SELECTOR} (a label selector: only the resources it matches are reconciled),
 * {@code KASSETTE_LOCK_NAMESPACE} (where the per-cluster lock Leases live; defaults to the leader
 * election namespace, else each resource's own), {@code KASSETTE_SIDECAR_CA} (the CA file the
 * sidecars' certificates are checked against when a resource names no {@code caSecret}; the chart
 * mounts its own).
 */
public final class KassetteOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KassetteOperator.class);

  /**
   * How the operator runs.
   *
   * @param poll how often running work is looked at
   * @param retryBase the first backoff after a failure, doubled on every further one
   * @param clock what every controller reads the time from
   * @param scheduleCheck the longest a schedule waits between looks when nothing runs
   * @param leaseNamespace where the leader-election Lease lives; null to run without leader
   *     election (one replica)
   * @param resourceSelector a label selector: only Kassette resources it matches are reconciled
   *     (two operators in one cluster, a canary); null for all
   * @param lockNamespace where the per-cluster lock Leases live (the operator's own namespace);
   *     null for the namespace of each resource
   */
  public record Settings(
      Set<String> namespaces,
      Duration poll,
      Duration retryBase,
      int healthPort,
      Clock clock,
      Duration scheduleCheck,
      String leaseNamespace,
      String resourceSelector,
      String lockNamespace) {
    static final String LEASE_NAME = "kassette-operator";

    public Settings(Set<String> namespaces, Duration poll, Duration retryBase, int healthPort) {
      this(
          namespaces,
          poll,
          retryBase,
          healthPort,
          Clock.systemUTC(),
          Duration.ofMinutes(1),
          null,
          null,
          null);
    }

    /** The same, reconciling only the resources with these labels ({@code a=b,c=d}). */
    public Settings withResourceSelector(String selector) {
      return new Settings(
          namespaces,
          poll,
          retryBase,
          healthPort,
          clock,
          scheduleCheck,
          leaseNamespace,
          selector,
          lockNamespace);
    }

    /**
     * The same, with leader election through a Lease in {@code namespace}, and the cluster locks
     * there too: the operator's own namespace.
     */
    public Settings withLeaderElection(String namespace) {
      return new Settings(
          namespaces,
          poll,
          retryBase,
          healthPort,
          clock,
          scheduleCheck,
          namespace,
          resourceSelector,
          namespace);
    }

    /** The same, with the cluster locks' Leases in {@code namespace}. */
    public Settings withLockNamespace(String namespace) {
      return new Settings(
          namespaces,
          poll,
          retryBase,
          healthPort,
          clock,
          scheduleCheck,
          leaseNamespace,
          resourceSelector,
          namespace);
    }

    /** The same, with a clock of the test's and a bound on a schedule's sleep. */
    public Settings withClock(Clock clock, Duration scheduleCheck) {
      return new Settings(
          namespaces,
          poll,
          retryBase,
          healthPort,
          clock,
          scheduleCheck,
          leaseNamespace,
          resourceSelector,
          lockNamespace);
    }

    static Settings fromEnvironment(java.util.Map<String, String> env) {
      String ns = env.getOrDefault("KASSETTE_NAMESPACES", "");
      Settings s =
          new Settings(
              Arrays.stream(ns.split(","))
                  .map(String::strip)
                  .filter(x -> !x.isEmpty())
                  .collect(Collectors.toUnmodifiableSet()),
              Duration.ofSeconds(Long.parseLong(env.getOrDefault("KASSETTE_POLL_SECONDS", "5"))),
              Duration.ofSeconds(10),
              Integer.parseInt(env.getOrDefault("KASSETTE_HEALTH_PORT", "8080")));
      String selector = env.getOrDefault("KASSETTE_RESOURCE_SELECTOR", "").strip();
      if (!selector.isEmpty()) {
        s = s.withResourceSelector(selector);
      }
      String lease = env.getOrDefault("KASSETTE_LEADER_ELECTION_NAMESPACE", "").strip();
      if (!lease.isEmpty()) {
        s = s.withLeaderElection(lease);
      }
      String locks = env.getOrDefault("KASSETTE_LOCK_NAMESPACE", "").strip();
      return locks.isEmpty() ? s : s.withLockNamespace(locks);
    }
  }

  private final Operator operator;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpServer health;
  private final boolean leaderElection;
  private volatile boolean leading;
  private volatile boolean closing;

  private KassetteOperator(
      KubernetesClient kubernetes, SidecarConnector sidecars, Settings settings)
      throws IOException {
    LeaderElectionConfiguration election =
        settings.leaseNamespace() == null
            ? null
            : new LeaderElectionConfiguration(
                Settings.LEASE_NAME,
                settings.leaseNamespace(),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                identity(),
                new LeaderCallbacks(
                    () -> leading = true,
                    this::lostLeadership,
                    leader -> LOG.info("leader: {}", leader)),
                // Not JOSDK's exit: it would call System.exit inside our shutdown hook.
                false);
    this.leaderElection = election != null;
    this.operator =
        new Operator(
            o ->
                o.withKubernetesClient(kubernetes)
                    .withLeaderElectionConfiguration(election)
                    // JOSDK's default, kept on purpose: status and finalizers go by server-side
                    // apply under the controller's own field manager, so a GitOps tool that
                    // server-side applies the spec never conflicts with the operator.
                    .withUseSSAToPatchPrimaryResource(true)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                    .withCloseClientOnStop(false));
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    OperatorServices services =
        new OperatorServices(
            sidecars,
            new EventRecorder(kubernetes, settings.clock()),
            new ClusterLock(kubernetes, settings.clock(), settings.lockNamespace()),
            new NodeOperations(settings.retryBase()),
            registry,
            settings.clock(),
            settings.poll(),
            settings.retryBase());
    operator.register(new CassandraBackupReconciler(services), c -> watch(c, settings));
    operator.register(new CassandraRestoreReconciler(services), c -> watch(c, settings));
    operator.register(
        new BackupScheduleReconciler(kubernetes, services, settings.scheduleCheck()),
        c -> watch(c, settings));
    this.health =
        settings.healthPort() < 0
            ? null
            : HttpServer.create(new InetSocketAddress(settings.healthPort()), 16);
    if (health != null) {
      health.createContext("/healthz", ex -> answer(ex, 200, "ok"));
      health.createContext(
          "/readyz",
          ex -> {
            if (leaderElection && !leading) {
              answer(ex, 200, "standby: another replica leads");
              return;
            }
            boolean ready =
                operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy();
            answer(ex, ready ? 200 : 503, ready ? "ready" : "informers not synced");
          });
      health.createContext("/metrics", ex -> answer(ex, 200, registry.scrape()));
    }
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> void watch(
      io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<R> c,
      Settings settings) {
    if (settings.namespaces().isEmpty()) {
      c.watchingAllNamespaces();
    } else {
      c.settingNamespaces(settings.namespaces());
    }
    if (settings.resourceSelector() != null) {
      c.withLabelSelector(settings.resourceSelector());
    }
  }

  private static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body)
      throws IOException {
    try (ex) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static final String PROCESS_ID = "kassette-" + java.util.UUID.randomUUID();

  /**
   * The pod's name, so that a restarted container of the same pod takes its Lease back at once;
   * outside a pod, one identity per process.
   */
  private static String identity() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? PROCESS_ID : host;
  }

  private void lostLeadership() {
    boolean was = leading;
    leading = false;
    if (was && !closing) {
      // Another replica leads now (or the API was unreachable past the renew deadline): exit, so
      // that no two replicas reconcile at once; the restarted container rejoins the election.
      LOG.error("lost the leader Lease; exiting");
      new Thread(() -> System.exit(1), "kassette-exit").start();
    }
  }

  /** Starts the controllers (and the health server unless its port is negative). */
  public static KassetteOperator start(
      KubernetesClient kubernetes, SidecarConnector sidecars, Settings settings)
      throws IOException {
    KassetteOperator o = new KassetteOperator(kubernetes, sidecars, settings);
    o.operator.start();
    if (o.health != null) {
      o.health.start();
    }
    LOG.info(
        "kassette operator started, watching {}",
        settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces());
    return o;
  }

  /** Where /healthz, /readyz and /metrics answer; null when the health port is off. */
  public InetSocketAddress healthAddress() {
    return health == null ? null : health.getAddress();
  }

  @Override
  public void close() {
    closing = true;
    operator.stop();
    if (health != null) {
      health.stop(0);
    }
    registry.close();
  }

  /** {@code KASSETTE_SIDECAR_CA}: the CA file trusted for sidecars when a resource names none. */
  static java.nio.file.Path sidecarCa(java.util.Map<String, String> env) {
    String ca = env.getOrDefault("KASSETTE_SIDECAR_CA", "").strip();
    return ca.isEmpty() ? null : java.nio.file.Path.of(ca);
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromEnvironment(System.getenv());
    KubernetesClient kubernetes = new KubernetesClientBuilder().build();
    KassetteOperator operator =
        start(
            kubernetes,
            new HttpSidecarConnector(
                kubernetes, Duration.ofSeconds(30), sidecarCa(System.getenv())),
            settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  kubernetes.close();
                  stopped.countDown();
                },
                "kassette-shutdown"));
    stopped.await();
  }
}
