package io.kassette.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kassette.node.HostPort;
import io.kassette.node.NodeException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk loader child is bounded: a hung loader is killed at its timeout, an interrupted restore
 * (cancel, stop) kills it at once, and in both cases every process it started goes too. The
 * "Cassandra lib" here holds a stand-in loader that starts a grandchild and hangs: what the real
 * one does against a cluster that stops answering, which no test can stage on demand.
 */
class BulkLoaderTest {
  @TempDir static Path tmp;
  static Path lib;

  @BeforeAll
  static void hangingLoader() throws Exception {
    Path src = tmp.resolve("src/org/apache/cassandra/tools/BulkLoader.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        """
        package org.apache.cassandra.tools;
        public class BulkLoader {
          public static void main(String[] args) throws Exception {
            Process child = new ProcessBuilder("sleep", "600").start();
            java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("cassandra.logdir"));
            java.nio.file.Files.writeString(dir.resolve("pids.tmp"),
                ProcessHandle.current().pid() + " " + child.pid());
            java.nio.file.Files.move(dir.resolve("pids.tmp"), dir.resolve("pids"));
            Thread.sleep(600_000);
          }
        }
        """);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(rc).isZero();
    lib = Files.createDirectories(tmp.resolve("lib"));
    try (OutputStream out = Files.newOutputStream(lib.resolve("loader.jar"));
        JarOutputStream jar = new JarOutputStream(out)) {
      jar.putNextEntry(new JarEntry("org/apache/cassandra/tools/BulkLoader.class"));
      jar.write(Files.readAllBytes(classes.resolve("org/apache/cassandra/tools/BulkLoader.class")));
      jar.closeEntry();
    }
  }

  static BulkLoader loader(Duration timeout) {
    return new BulkLoader(lib, HostPort.parse("127.0.0.1:9042", 9042), 7000, "64m", timeout);
  }

  static List<ProcessHandle> started(Path work) throws IOException {
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(work.resolve("pids")));
    return java.util.Arrays.stream(Files.readString(work.resolve("pids")).trim().split(" "))
        .map(pid -> ProcessHandle.of(Long.parseLong(pid)).orElseThrow())
        .toList();
  }

  @Test
  void aHungLoaderIsKilledAtItsTimeoutWithWhatItStarted() throws Exception {
    Path work = tmp.resolve("timeout");
    Path table = Files.createDirectories(tmp.resolve("t1"));
    AtomicReference<List<ProcessHandle>> tree = new AtomicReference<>();
    Thread watcher =
        new Thread(
            () -> {
              try {
                tree.set(started(work));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    watcher.start();
    assertThatThrownBy(() -> loader(Duration.ofSeconds(20)).load(table, 0, work))
        .isInstanceOf(NodeException.class)
        .hasMessageContaining("ran longer than PT20S and was killed")
        .hasMessageContaining("KASSETTE_LOADER_TIMEOUT");
    watcher.join();
    assertThat(tree.get()).hasSize(2).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void anInterruptedRestoreKillsTheLoaderAndWhatItStarted() throws Exception {
    Path work = tmp.resolve("interrupt");
    Path table = Files.createDirectories(tmp.resolve("t2"));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread restore =
        new Thread(
            () -> {
              try {
                loader(Duration.ofHours(1)).load(table, 0, work);
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    restore.start();
    List<ProcessHandle> tree = started(work);
    assertThat(tree).allMatch(ProcessHandle::isAlive);
    restore.interrupt();
    restore.join(30_000);
    assertThat(restore.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(NodeException.class).hasMessageContaining("interrupted");
    assertThat(tree).noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void aHeapThatIsNotOneIsRefusedNamingTheVariable() {
    assertThatThrownBy(
            () ->
                new BulkLoader(
                    lib,
                    HostPort.parse("127.0.0.1:9042", 9042),
                    7000,
                    "512m -Dx=y",
                    Duration.ofHours(1)))
        .hasMessageContaining("KASSETTE_LOADER_HEAP");
  }
}
