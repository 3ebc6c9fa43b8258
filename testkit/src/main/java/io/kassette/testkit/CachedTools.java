package io.kassette.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test servers built or installed once per version by a script of {@code tools/test-servers} into
 * the cache outside the repository ({@code KASSETTE_CACHE}, default {@code ~/.cache/kassette}).
 */
public final class CachedTools {
  private CachedTools() {}

  /** The cache directory. */
  static Path cache() {
    return Path.of(
        System.getenv()
            .getOrDefault("KASSETTE_CACHE", System.getProperty("user.home") + "/.cache/kassette"));
  }

  /**
   * {@code executable} (under the cache), running {@code tools/test-servers/<script>} first when it
   * is missing; the script prints the path and fails loudly.
   */
  static synchronized Path ensure(Path executable, String script, String what) {
    if (Files.isExecutable(executable)) {
      return executable;
    }
    Path path = KubeBinaries.repositoryRoot().resolve("tools/test-servers").resolve(script);
    System.err.println("[kassette] preparing " + what + " (cached afterwards)");
    try {
      Process p =
          new ProcessBuilder("bash", path.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(path + " did not finish in 30 minutes");
      }
      if (p.exitValue() != 0 || !Files.isExecutable(executable)) {
        throw new IllegalStateException(path + " failed (exit " + p.exitValue() + "): " + out);
      }
      return executable;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether a starting server answers yet; an IOException means not yet. */
  @FunctionalInterface
  public interface ReadyProbe {
    boolean ready() throws IOException, InterruptedException;
  }

  /**
   * Waits up to {@code seconds} for a server just started to answer {@code probe}; fails with its
   * log when it exits or does not answer in time (then it is killed).
   */
  public static void awaitReady(
      Process process, Path log, String what, int seconds, ReadyProbe probe)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            what + " exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        if (probe.ready()) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        what + " did not answer in " + seconds + " s: " + Files.readString(log));
  }

  /** Stops a test server: politely, then forcibly after ten seconds. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
