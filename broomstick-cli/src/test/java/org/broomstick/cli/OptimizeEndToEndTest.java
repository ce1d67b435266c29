package org.broomstick.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code broomstick optimize} as a build step (issue 6): on each bundled C example, the original
 * and the optimized program are built with gcc and run; their output must be byte-identical, the
 * optimized one must serve allocations from the cache slab, and no slab object may be left live
 * at exit (no leaked slot).
 */
class OptimizeEndToEndTest {

  @TempDir Path dir;

  private static final Path EXAMPLES = Path.of("../examples/c").toAbsolutePath().normalize();
  private static final Path INCLUDE = Path.of("../include").toAbsolutePath().normalize();

  /** Linked into the optimized build: prints each object's counters at exit, one line per object. */
  private static final String PROBE = """
      #include <inttypes.h>
      #include <stdio.h>
      #include "stingy_config.h"
      __attribute__((destructor)) static void probe(void) {
        if (stingy_default_heap() == NULL) {
          fprintf(stderr, "probe: the allocator did not start: %s\\n", stingy_error());
        }
        for (uint32_t i = 0; i < STINGY_N_OBJECTS; i++) {
          struct stingy_object_stats s;
          if (stingy_stats(i, &s) == 0) {
            fprintf(stderr, "probe %s hits=%" PRIu64 " fallbacks=%" PRIu64 " live=%" PRIu32 "\\n",
                s.name, s.hits, s.fallbacks, s.live);
          }
        }
      }
      """;

  private static final Pattern PROBE_LINE = Pattern.compile("probe (\\S+) hits=(\\d+) fallbacks=(\\d+) live=(\\d+)");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pipeline", "fig52", "handlers", "cycle"})
  void theOptimizedExampleBehavesTheSameAndUsesTheSlab(String example) throws Exception {
    Path src = EXAMPLES.resolve(example);
    Path out = dir.resolve("out");
    Cli.Run opt = Cli.run("optimize", "-I", INCLUDE.toString(), "--cache-size", "1M", "-o", out.toString(), src.toString());
    assertThat(opt.exit()).as(opt.err()).isZero();
    assertThat(out.resolve("report.json")).exists();
    assertThat(out.resolve("allocator.json")).exists();
    assertThat(out.resolve("memory-map.txt")).exists();

    List<Path> originals;
    try (Stream<Path> s = Files.list(src)) {
      originals = s.filter(p -> p.toString().endsWith(".c")).sorted().toList();
    }
    Path original = dir.resolve("original");
    gcc(original, originals, List.of("-I", INCLUDE.toString()));

    Files.writeString(out.resolve("probe.c"), PROBE);
    List<Path> optimizedSources = new ArrayList<>();
    for (Path p : originals) {
      Path patched = out.resolve(p.getFileName());
      assertThat(patched).as("patched copy of " + p.getFileName()).exists();
      optimizedSources.add(patched);
    }
    for (String f : List.of("stingy.c", "stingy_config.c", "stingy_sched.c", "probe.c")) {
      optimizedSources.add(out.resolve(f));
    }
    Path optimized = dir.resolve("optimized");
    gcc(optimized, optimizedSources, List.of("-I", out.toString(), "-I", INCLUDE.toString()));

    Run a = run(original);
    Run b = run(optimized);
    assertThat(a.exit()).isZero();
    assertThat(b.exit()).as(b.err()).isZero();
    assertThat(b.out()).as("stdout of the optimized build").isEqualTo(a.out());

    long hits = 0;
    Matcher m = PROBE_LINE.matcher(b.err());
    int objects = 0;
    while (m.find()) {
      objects++;
      hits += Long.parseLong(m.group(2));
      assertThat(Long.parseLong(m.group(4))).as("slab instances of %s still live at exit", m.group(1)).isZero();
    }
    assertThat(objects).as("objects reported by the probe:\n" + b.err()).isPositive();
    assertThat(hits).as("allocations served from the cache slab").isPositive();
  }

  record Run(int exit, String out, String err) {}

  private static void gcc(Path exe, List<Path> sources, List<String> flags) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"));
    cmd.addAll(flags);
    cmd.addAll(List.of("-o", exe.toString()));
    sources.forEach(s -> cmd.add(s.toString()));
    Run r = exec(cmd);
    assertThat(r.exit()).as("gcc: " + r.out() + r.err()).isZero();
  }

  private static Run run(Path exe) throws Exception {
    return exec(List.of(exe.toString()));
  }

  private static Run exec(List<String> cmd) throws IOException, InterruptedException {
    Path outFile = Files.createTempFile("e2e", ".out");
    Path errFile = Files.createTempFile("e2e", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      return new Run(p.exitValue(), Files.readString(outFile, StandardCharsets.UTF_8),
          Files.readString(errFile, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }
}
