package io.kassette.operator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test sets; until it does, the real time. */
public final class TestClock extends Clock {
  private volatile Instant fixed;

  public TestClock() {}

  public TestClock(Instant fixed) {
    this.fixed = fixed;
  }

  public void set(Instant now) {
    fixed = now;
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
    Instant f = fixed;
    return f == null ? Instant.now() : f;
  }
}
