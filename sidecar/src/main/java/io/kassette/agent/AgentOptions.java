package io.kassette.agent;

import io.kassette.storage.StorageOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the agent serves.
 *
 * @param tlsCertificate PEM certificate chain; null with {@code tlsKey} null for plain HTTP
 * @param stateDir where operations are journaled (survives a container restart on a volume)
 * @param httpThreads threads answering requests; requests beyond them wait, memory stays bounded
 * @param maxParallel the largest {@code parallel} a request may ask for
 * @param stopWait how long a pause, cancel or SIGTERM waits for a run to stop
 * @param restoreKeepFreeBytes disk a restore must leave free on the data volume (room for
 *     compaction); a restore that would not is refused before any download
 */
public record AgentOptions(
    InetSocketAddress listen,
    Path tokenFile,
    Path tlsCertificate,
    Path tlsKey,
    Path stateDir,
    int httpThreads,
    int maxParallel,
    StorageOptions storage,
    Duration stopWait,
    long restoreKeepFreeBytes,
    AllowedLocations allowedLocations) {

  /**
   * An agent embedded in another process (the demo, the operator's tests): plain HTTP, 4 request
   * threads, parallel up to 16, 30 s to stop, no disk kept free beyond the restore's own margin,
   * only the {@code allowed} locations.
   */
  public static AgentOptions embedded(
      InetSocketAddress listen,
      Path tokenFile,
      Path stateDir,
      StorageOptions storage,
      AllowedLocations allowed) {
    return new AgentOptions(
        listen,
        tokenFile,
        null,
        null,
        stateDir,
        4,
        16,
        storage,
        Duration.ofSeconds(30),
        0,
        allowed);
  }

  /** The same options, serving HTTPS with this certificate chain and key (PEM files). */
  public AgentOptions withTls(Path certificate, Path key) {
    return new AgentOptions(
        listen,
        tokenFile,
        certificate,
        key,
        stateDir,
        httpThreads,
        maxParallel,
        storage,
        stopWait,
        restoreKeepFreeBytes,
        allowedLocations);
  }

  /** The same options, keeping {@code bytes} free on the data volume after a restore. */
  public AgentOptions withRestoreKeepFree(long bytes) {
    return new AgentOptions(
        listen,
        tokenFile,
        tlsCertificate,
        tlsKey,
        stateDir,
        httpThreads,
        maxParallel,
        storage,
        stopWait,
        bytes,
        allowedLocations);
  }
}
