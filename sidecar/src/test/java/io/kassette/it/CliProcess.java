package io.kassette.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real command line, {@code java -Xmx256m -jar kassette-sidecar.jar ...}, as a child process.
 */
final class CliProcess {
  record Result(int exit, String out, String err) {}

  /** A started command with the files its output goes to. */
  record Running(Process process, Path out, Path err) {
    Result await() throws IOException, InterruptedException {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("CLI did not finish in 5 minutes");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
  }

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private final Path workDir;
  private final Map<String, String> env;

  CliProcess(Path workDir, Map<String, String> env) {
    this.workDir = workDir;
    this.env = env;
  }

  /** A CLI whose AWS credentials are those of the local S3 server. */
  static CliProcess withLocalS3(Path workDir) {
    return new CliProcess(
        workDir,
        Map.of(
            "AWS_ACCESS_KEY_ID", io.kassette.testkit.LocalS3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", io.kassette.testkit.LocalS3Server.SECRET_KEY,
            "AWS_REGION", "us-east-1"));
  }

  static Path jar() {
    return Path.of(System.getProperty("kassette.sidecar.jar", "target/kassette-sidecar.jar"))
        .toAbsolutePath();
  }

  Running start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    Files.createDirectories(workDir);
    int n = COUNTER.incrementAndGet();
    Path out = workDir.resolve("cli-" + n + ".out");
    Path err = workDir.resolve("cli-" + n + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    return new Running(pb.start(), out, err);
  }

  Result run(String... args) throws IOException, InterruptedException {
    return start(args).await();
  }
}
