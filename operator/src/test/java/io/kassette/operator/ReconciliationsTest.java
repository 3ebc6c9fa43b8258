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
    assertThat(Reconciliations.due(null)).isTrue();
    assertThat(Reconciliations.due(Instant.now().minusSeconds(1).toString())).isTrue();
    assertThat(Reconciliations.due(Instant.now().plusSeconds(60).toString())).isFalse();
  }
}
