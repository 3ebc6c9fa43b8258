package io.kassette.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kassette purge} as typed; the retention rules themselves are in BackupPurgeTest. */
class PurgeCommandTest {
  @TempDir Path tmp;

  CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void aDryRunReportsWhatItWouldDelete() {
    CliRun r =
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
    CliRun zero =
        run("purge", "--location", "file://" + tmp, "--cluster", "c1", "--keep-last", "0");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("--keep-last must be at least 1").hasLineCount(1);
    CliRun grace =
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
