package io.kassette.storage;

import com.google.common.util.concurrent.RateLimiter;
import java.util.function.LongConsumer;

/**
 * What a transfer shares with the rest of the operation: the rate limiter (bytes per second, or
 * null for no limit) and a progress sink told how many bytes just moved.
 */
public record TransferControl(RateLimiter rateLimiter, LongConsumer progress) {

  public static final TransferControl NONE = new TransferControl(null, bytes -> {});

  /** Blocks until {@code bytes} may pass the limit, then reports them as moved. */
  public void pass(int bytes) {
    throttle(bytes);
    if (bytes > 0) {
      progress.accept(bytes);
    }
  }

  /** Blocks until {@code bytes} may pass the limit. */
  public void throttle(int bytes) {
    if (bytes > 0 && rateLimiter != null) {
      rateLimiter.acquire(bytes);
    }
  }
}
