package io.kassette.storage;

import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * What a transfer shares with the rest of the operation: the rate limit (null for none; it may
 * change while the transfer runs), a progress sink told how many bytes just moved, and whether the
 * operation was asked to stop (pause or cancel), checked before every chunk so no byte moves after
 * a stop.
 */
public record TransferControl(RateLimit rateLimit, LongConsumer progress, BooleanSupplier stop) {

  public static final TransferControl NONE = new TransferControl(null, bytes -> {});

  public TransferControl(RateLimit rateLimit, LongConsumer progress) {
    this(rateLimit, progress, () -> false);
  }

  /** Thrown in the transfer's thread when the operation was asked to stop. */
  public static final class StoppedException extends InterruptedIOException {
    public StoppedException() {
      super("the operation was asked to stop");
    }
  }

  /** Blocks until {@code bytes} may pass the limit, then reports them as moved. */
  public void pass(int bytes) throws StoppedException {
    throttle(bytes);
    if (bytes > 0) {
      progress.accept(bytes);
    }
  }

  /** Blocks until {@code bytes} may pass the limit; throws when the operation is stopping. */
  public void throttle(int bytes) throws StoppedException {
    if (stop.getAsBoolean()) {
      throw new StoppedException();
    }
    if (rateLimit != null && !rateLimit.acquire(bytes, stop)) {
      throw new StoppedException();
    }
    if (stop.getAsBoolean()) {
      throw new StoppedException(); // a long wait for the limiter may span the stop
    }
  }
}
