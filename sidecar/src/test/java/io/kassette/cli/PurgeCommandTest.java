package io.kassette.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kassette purge} as typed; the retention rules themselves are in BackupPurgeTest. */
class PurgeCommandTest {
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
  void aDryRunReportsWhatItWouldDelete() {
    Run r =
        run(
            "purge",
            "--location",
            "file://" + tmp,
            "--cluster",
            "c1",
            "--keep-last",
            "2",
            "--keep-within",
            "7d",
            "--dry-run");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("would delete 0 expired backups");
  }

  @Test
  void badRetentionIsOneLineNamingTheFlag() {
    Run zero = run("purge", "--location", "file://" + tmp, "--cluster", "c1", "--keep-last", "0");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("--keep-last must be at least 1").hasLineCount(1);
    Run grace =
        run(
            "purge",
            "--location",
            "file://" + tmp,
            "--cluster",
            "c1",
            "--keep-last",
            "1",
            "--grace",
            "later");
    assertThat(grace.exit()).isEqualTo(2);
    assertThat(grace.err()).contains("--grace 'later' is not a duration");
  }
}
