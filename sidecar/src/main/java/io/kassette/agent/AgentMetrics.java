package io.kassette.agent;

import io.kassette.api.ErrorCause;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's Prometheus metrics. Every label comes from a fixed enum (kind, outcome, cause), never
 * from a backup's or a table's name, so the series count stays bounded.
 */
final class AgentMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter uploadedBytes =
      counter("kassette.uploaded.bytes", "bytes uploaded to the store");
  private final Counter uploadedFiles = counter("kassette.uploaded.files", "files uploaded");
  private final Counter downloadedBytes =
      counter("kassette.downloaded.bytes", "bytes downloaded and verified");
  private final Counter downloadedFiles = counter("kassette.downloaded.files", "files downloaded");
  private final Counter skippedBytes =
      counter("kassette.skipped.bytes", "bytes not uploaded because the store already held them");
  private final Counter skippedFiles =
      counter("kassette.skipped.files", "files not uploaded because the store already held them");
  private final Map<OperationKind, AtomicInteger> inFlight = new EnumMap<>(OperationKind.class);
  private final Map<OperationKind, AtomicLong> lastSuccess = new EnumMap<>(OperationKind.class);

  AgentMetrics() {
    for (OperationKind kind : OperationKind.values()) {
      String k = label(kind);
      inFlight.put(kind, new AtomicInteger());
      lastSuccess.put(kind, new AtomicLong());
      Gauge.builder("kassette.operations.in.flight", inFlight.get(kind), AtomicInteger::get)
          .description("operations running now")
          .tag("kind", k)
          .register(registry);
      Gauge.builder(
              "kassette.last.success.timestamp.seconds", lastSuccess.get(kind), AtomicLong::get)
          .description("when an operation of this kind last succeeded (0: never, since start)")
          .tag("kind", k)
          .register(registry);
    }
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** When the certificate served now expires, so that an alert fires before it does. */
  void certificateExpiry(java.util.function.Supplier<Instant> notAfter) {
    Gauge.builder(
            "kassette.tls.certificate.expiration.timestamp.seconds",
            notAfter,
            n -> n.get().getEpochSecond())
        .description("when the certificate the agent serves expires")
        .strongReference(true) // nothing else holds the supplier: a weak gauge would go NaN
        .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  void transferred(EngineRun.Transferred delta) {
    uploadedBytes.increment(delta.uploadedBytes());
    uploadedFiles.increment(delta.uploadedFiles());
    downloadedBytes.increment(delta.downloadedBytes());
    downloadedFiles.increment(delta.downloadedFiles());
    skippedBytes.increment(delta.skippedBytes());
    skippedFiles.increment(delta.skippedFiles());
  }

  void started(OperationKind kind) {
    inFlight.get(kind).incrementAndGet();
  }

  /** A run ended: its duration by outcome, its error by cause, the last success time. */
  void ended(OperationKind kind, OperationState outcome, Duration took, ErrorCause cause) {
    inFlight.get(kind).decrementAndGet();
    Timer.builder("kassette.operation.duration")
        .description("how long runs of operations took, by outcome")
        .tag("kind", label(kind))
        .tag("outcome", label(outcome))
        .register(registry)
        .record(took);
    if (cause != null) {
      Counter.builder("kassette.operation.errors")
          .description("operations that failed, by cause")
          .tag("kind", label(kind))
          .tag("cause", label(cause))
          .register(registry)
          .increment();
    }
    if (outcome == OperationState.SUCCEEDED) {
      lastSuccess.get(kind).set(Instant.now().getEpochSecond());
    }
  }

  String scrape() {
    return registry.scrape();
  }

  void close() {
    registry.close();
  }
}
