package io.kassette.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code make demo} as a user runs it: the demo's own JVM with the classpath the build wrote, on
 * real Cassandra nodes, to its end.
 */
class DemoIT {

  @Test
  void theDemoRestoresEveryRowAndSaysSo() throws Exception {
    Path root = Path.of(System.getProperty("kassette.root", "..")).toAbsolutePath().normalize();
    Path module = root.resolve("demo/target");
    String classpath =
        module.resolve("classes")
            + java.io.File.pathSeparator
            + Files.readString(module.resolve("classpath.txt")).strip();
    Path output = module.resolve("demo-it.out");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-Dkassette.root=" + root,
                    "-cp",
                    classpath,
                    Demo.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
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
  }
}
