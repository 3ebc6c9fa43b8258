package io.kassette.operator;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * What every step of every controller uses, made once by {@link KassetteOperator}.
 *
 * @param poll how often running work is looked at; also the bound on status patches while it runs
 * @param retryBase the first backoff after a failure, doubled on every further one
 */
public record OperatorServices(
    SidecarConnector sidecars,
    EventRecorder events,
    ClusterLock lock,
    NodeOperations operations,
    MeterRegistry metrics,
    Clock clock,
    Duration poll,
    Duration retryBase) {}
