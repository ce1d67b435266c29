package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a user runs it (issue 5: "OR-Tools' native library must load from the runnable
 * jar on a fresh machine"): {@code java -jar target/broomstick.jar stingygen} in a fresh JVM, from an
 * empty working directory, with an empty {@code java.io.tmpdir} so that nothing extracted by an
 * earlier run can help. Runs with failsafe after the shade plugin has built the jar (package); when
 * run alone without the jar (an IDE), it is skipped.
 */
class ShadedJarIT {
  private static final Path JAR = Path.of("target/broomstick.jar").toAbsolutePath();

  @TempDir Path dir;

  record Run(int exit, String output) {}

  private Run jar(String... args) throws IOException, InterruptedException {
    assumeTrue(Files.isRegularFile(JAR), "no " + JAR + " (built by mvn package)");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd + " timed out");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void stingygenLoadsOrToolsFromTheShadedJar() throws Exception {
    Files.copy(Path.of("src/test/resources/reports/figure52.json"), dir.resolve("report.json"));
    long t0 = System.nanoTime();
    Run r = jar("stingygen", "--report", "report.json", "-o", "out", "--cache-size", "32K");
    System.out.printf("java -jar broomstick.jar stingygen: %d ms%n%s", (System.nanoTime() - t0) / 1_000_000, r.output());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("stingygen: OPTIMAL").doesNotContain("Exception");
    assertThat(dir.resolve("out/allocator.json")).exists();
    assertThat(dir.resolve("out/stingy_config.c")).content().contains("const struct stingy_config stingy_config");
    assertThat(dir.resolve("out/stingy.c")).exists();
  }

  @Test
  void infeasibleExitsWithThreeFromTheJar() throws Exception {
    Files.copy(Path.of("src/test/resources/reports/figure52.json"), dir.resolve("report.json"));
    Run r = jar("stingygen", "--report", "report.json", "-o", "out", "--cache-size", "8K");
    assertThat(r.exit()).as(r.output()).isEqualTo(3);
    assertThat(r.output()).contains("overflows tau = ").contains("[ilp.stage-overflow]");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void everyClassFileIsOneTheAotCacheCanKeep() throws Exception {
    // build.OldClassFiles rewrote picocli's, ASM's and jsr305's Java 5 class files (version 49) as
    // Java 8 ones: the launcher's AOT cache cannot keep a linked class older than version 50.
    assumeTrue(Files.isRegularFile(JAR), "no " + JAR + " (built by mvn package)");
    List<String> old = new ArrayList<>();
    int picocli = 0;
    try (var zip = new java.util.zip.ZipFile(JAR.toFile())) {
      for (var e : java.util.Collections.list(zip.entries())) {
        if (!e.getName().endsWith(".class") || e.getName().endsWith("module-info.class")) {
          continue;
        }
        try (var in = zip.getInputStream(e)) {
          byte[] head = in.readNBytes(8);
          int major = ((head[6] & 0xff) << 8) | (head[7] & 0xff);
          if (major < 50) {
            old.add(e.getName() + " (" + major + ")");
          }
          if (e.getName().startsWith("picocli/")) {
            picocli++;
          }
        }
      }
    }
    assertThat(old).isEmpty();
    assertThat(picocli).as("picocli classes in the jar").isGreaterThan(100);
    // The rewritten classes pass the type-checking verifier (no fallback for version 52): picocli
    // parses a command line and prints the help of a sub-command.
    Run r = jar("scg", "--help");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("Usage: broomstick scg").doesNotContain("VerifyError");
  }
}
