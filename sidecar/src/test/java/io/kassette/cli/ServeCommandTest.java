package io.kassette.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kassette serve} refuses what would expose the token before it listens (the agent itself is
 * in AgentServerTest and AgentIT).
 */
class ServeCommandTest {
  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  Run run(String... args) {
    CommandLine cli = KassetteCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void withoutACertificateItServesNothingUnlessPlainHttpIsAskedFor() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "a-token-of-24-characters");
    Run plain = run("serve", "--token-file", token.toString(), "--port", "0");
    assertThat(plain.exit()).isEqualTo(2);
    assertThat(plain.err())
        .contains("the agent serves HTTPS: give --tls-cert and --tls-key")
        .contains("--plain-http");

    Run both =
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

    Run half = run("serve", "--token-file", token.toString(), "--tls-cert", "x.crt");
    assertThat(half.exit()).isEqualTo(2);
    assertThat(half.err()).contains("--tls-cert and --tls-key go together");
  }
}
