package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payoff of issue 6 in the Maven build: {@code examples/c/minihttpd} optimized by {@code
 * broomstick optimize}, built, and driven with 64 concurrent keep-alive clients on loopback (mixed
 * GET, POST, pipelined and malformed requests) next to the original build. The responses must be
 * byte-identical, the optimized server must serve its allocations from the cache slab (hits &gt; 0)
 * without falling back to malloc, and leave no slab object live at exit. The example's own make
 * targets do the building and driving (test/check.sh bounds every step in time).
 */
class MinihttpdEndToEndTest {

  @TempDir Path dir;

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theOptimizedServerAnswersByteForByteLikeTheOriginalFromTheCacheSlab() throws Exception {
    Path example = dir.resolve("minihttpd");
    copy(REPO.resolve("examples/c/minihttpd"), example);
    Cli.Run opt = Cli.run("optimize", "-I", REPO.resolve("include").toString(), "--cache-size", "1M",
        example.resolve("src").toString(), "-o", example.resolve("build/stingy").toString());
    assertThat(opt.exit()).as(opt.err()).isZero();
    assertThat(opt.err()).contains("6 objects (6 per-task)");

    // BROOMSTICK=false: the build step above already ran; make must not need to run it again.
    Process p = new ProcessBuilder("make", "-C", example.toString(), "ROOT=" + REPO, "BROOMSTICK=false", "check-optimized")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("make check-optimized finished").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("load: 64 clients").contains("check: optimized responses byte-identical to the original's");
    Matcher m = Pattern.compile("minihttpd: stingy hits (\\d+) fallbacks (\\d+) live (\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Long.parseLong(m.group(1))).as("slab hits").isPositive();
    assertThat(Long.parseLong(m.group(2))).as("fallbacks: the admission check keeps tasks within the pools").isZero();
    assertThat(Long.parseLong(m.group(3))).as("slab objects live at exit").isZero();
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path rel = from.relativize(p);
        if (rel.toString().startsWith("build") || List.of("minihttpd", "minihttpd-stingy", "minihttpd-by-hand").contains(rel.toString())) {
          continue;
        }
        Path t = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
