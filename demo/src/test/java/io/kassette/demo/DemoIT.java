package io.kassette.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.kassette.testkit.KubeControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code make demo} as a user runs it: the demo's own JVM with the classpath the build wrote, on
 * real Cassandra nodes, to its end; first on its own API server, then twice in a row against one
 * that keeps running ({@code DEMO_KUBECONFIG}), which must end with the demo's namespace gone.
 */
class DemoIT {
  static final Path ROOT =
      Path.of(System.getProperty("kassette.root", "..")).toAbsolutePath().normalize();

  @Test
  void theDemoRestoresEveryRowOnItsOwnApiServer() throws Exception {
    String out = demo(Map.of(), "own");
    assertThat(out).contains("starting a real Kubernetes API server");
  }

  @Test
  void theDemoRunsTwiceInARowAgainstTheSameClusterAndLeavesNothingBehind() throws Exception {
    KubeControlPlane kube = KubeControlPlane.shared();
    Map<String, String> env = Map.of("DEMO_KUBECONFIG", kube.adminKubeconfig().toString());
    for (String run : List.of("first", "second")) {
      String out = demo(env, run);
      assertThat(out).contains("using the Kubernetes API of").contains("namespace demo deleted");
      assertThat(kube.admin().namespaces().withName(Demo.NS).get())
          .as("kubectl get ns after the " + run + " run: the demo namespace is gone")
          .isNull();
    }
  }

  /** One {@code make demo}; its output, asserted to tell the whole story. */
  static String demo(Map<String, String> env, String run) throws Exception {
    Path module = ROOT.resolve("demo/target");
    String classpath =
        module.resolve("classes")
            + java.io.File.pathSeparator
            + Files.readString(module.resolve("classpath.txt")).strip();
    Path output = module.resolve("demo-it-" + run + ".out");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-Dkassette.root=" + ROOT,
                    "-cp",
                    classpath,
                    Demo.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean ended = p.waitFor(12, TimeUnit.MINUTES);
    if (!ended) {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    String out = Files.readString(output);
    assertThat(ended).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("restored rows check: OK")
        .contains("demo-backup")
        .contains("Succeeded")
        .contains("the bucket: file://");
    assertThat(out.lines().filter(l -> l.contains("EQUAL")).count()).isEqualTo(2);
    assertThat(out).doesNotContain("DIFFERENT");
    return out;
  }
}
