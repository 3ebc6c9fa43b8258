package io.kassette.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReconciliationsTest {

  @Test
  void backoffDoublesFromTheBaseAndStopsGrowing() {
    Duration base = Duration.ofSeconds(10);
    assertThat(Reconciliations.backoff(base, 1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(Reconciliations.backoff(base, 2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(Reconciliations.backoff(base, 4)).isEqualTo(Duration.ofSeconds(80));
    assertThat(Reconciliations.backoff(base, 40)).isEqualTo(Duration.ofSeconds(10 * 1024));
  }

  @Test
  void aNodeIsDueWhenItsTimeHasCome() {
    Instant now = Instant.parse("2026-12-02T12:00:00Z");
    assertThat(Reconciliations.due(null, now)).isTrue();
    assertThat(Reconciliations.due(now.minusSeconds(1).toString(), now)).isTrue();
    assertThat(Reconciliations.due(now.toString(), now)).isTrue();
    assertThat(Reconciliations.due(now.plusSeconds(60).toString(), now)).isFalse();
  }
}
