package io.kassette.storage;

import com.google.common.util.concurrent.RateLimiter;

/**
 * A transfer rate limit in MiB/s that may change while the transfers run (the operator lowers it
 * during business hours, say): every chunk asks the current limiter, so a change applies within one
 * chunk. 0 means no limit.
 */
public final class RateLimit {
  private volatile RateLimiter limiter;
  private volatile double mibPerSecond;
  private volatile boolean set;

  /** No limit until {@link #set} or {@link #initialize}. */
  public static RateLimit unlimited() {
    return new RateLimit();
  }

  public static RateLimit of(double mibPerSecond) {
    RateLimit r = new RateLimit();
    r.set(mibPerSecond);
    return r;
  }

  /** The lowest limit: below it a single chunk would hold a transfer for minutes. */
  public static final double MIN_MIB_PER_SECOND = 0.01;

  /** Sets the limit now; 0 for none. */
  public synchronized void set(double mibPerSecond) {
    if (!(mibPerSecond >= 0)
        || Double.isInfinite(mibPerSecond)
        || (mibPerSecond > 0 && mibPerSecond < MIN_MIB_PER_SECOND)) {
      throw new IllegalArgumentException(
          "the rate limit must be 0 (none) or at least "
              + MIN_MIB_PER_SECOND
              + " MiB/s, got "
              + mibPerSecond);
    }
    this.mibPerSecond = mibPerSecond;
    this.set = true;
    if (mibPerSecond == 0) {
      limiter = null;
    } else if (limiter == null) {
      limiter = RateLimiter.create(mibPerSecond * (1 << 20));
    } else {
      limiter.setRate(mibPerSecond * (1 << 20));
    }
  }

  /** Sets the limit unless it was set already (a change that came before the run began wins). */
  public synchronized void initialize(double mibPerSecond) {
    if (!set) {
      set(mibPerSecond);
    }
  }

  public double mibPerSecond() {
    return mibPerSecond;
  }

  /**
   * Blocks until {@code bytes} may pass, looking at {@code stop} (and at a changed limit) every 200
   * ms, so that a pause, a cancel or a raised limit never waits behind a long reservation.
   *
   * @return false when {@code stop} said so before the bytes could pass
   */
  boolean acquire(int bytes, java.util.function.BooleanSupplier stop) {
    while (bytes > 0) {
      RateLimiter l = limiter;
      if (l == null) {
        return true;
      }
      if (l.tryAcquire(bytes, 200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (stop.getAsBoolean()) {
        return false;
      }
    }
    return true;
  }
}
