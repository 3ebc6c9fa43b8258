package io.kassette.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;

/** CQL sessions to test nodes, with timeouts long enough for DDL on a busy two-core machine. */
public final class CqlSessions {
  private CqlSessions() {}

  public static CqlSession open(CassandraNode node) {
    return builder(node).build();
  }

  /** A session of this role, for nodes started with {@code cqlAuth()}. */
  public static CqlSession open(CassandraNode node, String user, String password) {
    return builder(node).withAuthCredentials(user, password).build();
  }

  private static com.datastax.oss.driver.api.core.CqlSessionBuilder builder(CassandraNode node) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(node.ip(), node.cqlPort()))
        .withLocalDatacenter(node.datacenter())
        .withConfigLoader(
            DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(120))
                .build());
  }
}
