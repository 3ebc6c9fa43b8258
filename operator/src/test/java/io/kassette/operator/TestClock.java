package io.kassette.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test sets. Built with an instant it stands still at what it is set to (unit tests
 * step it); built without one it runs with the real time, {@link #set} moving it by an offset, so
 * that backoffs and deadlines keep passing after a test jumped to the next scheduled hour.
 */
public final class TestClock extends Clock {
  private final boolean ticking;
  private volatile Instant fixed;
  private volatile Duration offset = Duration.ZERO;

  /** Real time until {@link #set}; then real time shifted. */
  public TestClock() {
    this.ticking = true;
  }

  /** Stands still at {@code fixed} until {@link #set}. */
  public TestClock(Instant fixed) {
    this.ticking = false;
    this.fixed = fixed;
  }

  public void set(Instant now) {
    if (ticking) {
      offset = Duration.between(Instant.now(), now);
    } else {
      fixed = now;
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return ticking ? Instant.now().plus(offset) : fixed;
  }
}
