package io.kassette.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kassette serve} refuses what would expose the token before it listens (the agent itself is
 * in AgentServerTest and AgentIT).
 */
class ServeCommandTest {
  @TempDir Path tmp;

  CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void withoutACertificateItServesNothingUnlessPlainHttpIsAskedFor() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "a-token-of-24-characters");
    CliRun plain = run("serve", "--token-file", token.toString(), "--port", "0");
    assertThat(plain.exit()).isEqualTo(2);
    assertThat(plain.err())
        .contains("the agent serves HTTPS: give --tls-cert and --tls-key")
        .contains("--plain-http");

    CliRun both =
        run(
            "serve",
            "--token-file",
            token.toString(),
            "--plain-http",
            "--tls-cert",
            tmp.resolve("tls.crt").toString(),
            "--tls-key",
            tmp.resolve("tls.key").toString());
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("--plain-http and --tls-cert exclude each other");

    CliRun half = run("serve", "--token-file", token.toString(), "--tls-cert", "x.crt");
    assertThat(half.exit()).isEqualTo(2);
    assertThat(half.err()).contains("--tls-cert and --tls-key go together");
  }
}
