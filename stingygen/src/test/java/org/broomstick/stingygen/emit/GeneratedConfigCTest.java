package org.broomstick.stingygen.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.broomstick.stingygen.Fixture;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.report.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The emitted {@code stingy_config.h/.c} satisfy the runtime's contract: they compile with the
 * shipped runtime under -Wall -Wextra -Wpedantic -Werror (and ASan + UBSan), {@code stingy_init}
 * accepts them, and every object is served from the slab exactly up to its count. Needs gcc, like
 * CRuntimeTest; its absence fails the test.
 */
class GeneratedConfigCTest {
  private static final Path OUT = Path.of("target/generated-config").toAbsolutePath();
  private static final Path MAIN = Path.of("src/test/c/generated/test_generated.c").toAbsolutePath();

  record Run(int exit, String output) {}

  @ParameterizedTest
  @ValueSource(strings = {"release", "sanitizers"})
  void figure52ConfigCompilesAndServesEachObjectUpToItsCount(String build) throws Exception {
    Report r = Stingygen.read(Path.of("src/test/resources/reports/figure52.json"));
    Plan p = Stingygen.plan(r, Fixture.cache(32 * 1024));
    Run run = compileAndRun(p, "figure52-" + build, build.equals("sanitizers"));
    assertThat(run.output())
        .contains("object 0 server.c:10:17#xmalloc: count " + p.map().objects().get(0).count() + ", hits")
        .contains("stage 0 accept_conn: dyn check ok")
        .contains("0 failures")
        .doesNotContain("WRONG")
        .doesNotContain("runtime error")
        .doesNotContain("AddressSanitizer");
    assertThat(run.exit()).as(run.output()).isZero();
    String h = Files.readString(OUT.resolve("figure52-" + build).resolve("stingy_config.h"));
    assertThat(h).contains("STINGY_OBJ_SERVER_C_10_XMALLOC,", "STINGY_OBJ_SERVER_C_30_XMALLOC,", "STINGY_STAGE_ACCEPT_CONN,");
  }

  /** Count hints, shared regions, a report with nothing to manage: the edge cases of the tables. */
  @Test
  void sharedRegionsCountHintsAndEmptyTablesCompile() throws Exception {
    Report shared = Fixture.report()
        .object("A", 1000L, null, 3, 0, Report.ObjectClass.PER_TASK)
        .object("B", 100, 0)
        .object("C", 64, null)
        .stage("s0", 10, List.of(), List.of("A", "C"))
        .stage("s1", 100, List.of("A", "C"), List.of())
        .stage("s2", 100, List.of("B"), List.of())
        .build();
    Run a = compileAndRun(Stingygen.plan(shared, Fixture.cache(16 * 1024)), "shared", true);
    assertThat(a.exit()).as(a.output()).isZero();
    Report empty = Fixture.report().object("U", null, null, null, null, Report.ObjectClass.PER_TASK).build();
    Run b = compileAndRun(Stingygen.plan(empty, Fixture.cache(16 * 1024)), "empty", true);
    assertThat(b.exit()).as(b.output()).isZero();
    assertThat(b.output()).isEqualTo("0 failures\n");
  }

  /**
   * A region of 4096-byte objects (and one of 2048 and 1000 bytes beside it): the layout pads the
   * first stride by a line (4160), not the others; the object keeps its own slot size, and the
   * runtime serves each object up to its count from the padded region, under ASan + UBSan.
   */
  @Test
  void paddedSlotStridesServeTheirObjects() throws Exception {
    Report r = Fixture.report()
        .object("page", 4096, 0)
        .object("half", 2048, 1)
        .object("odd", 1000, 2)
        .stage("s0", 100, List.of(), List.of("page", "half", "odd"))
        .stage("s1", 100, List.of("page", "half", "odd"), List.of())
        .build();
    Plan p = Stingygen.plan(r, Fixture.cache(64 * 1024));
    assertThat(p.map().regions()).extracting(m -> m.slotBytes()).containsExactly(4160L, 2048L, 1024L);
    assertThat(p.map().objects()).extracting(o -> o.slotBytes()).containsExactly(4096L, 2048L, 1024L);
    assertThat(p.map().regions()).allMatch(m -> m.slots() > 1 && m.offsetBytes() % 64 == 0);
    Run run = compileAndRun(p, "padded", true);
    assertThat(run.output()).contains("0 failures").doesNotContain("WRONG").doesNotContain("runtime error");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(Files.readString(OUT.resolve("padded").resolve("memory-map.txt")))
        .contains("slots x 4160 bytes (4096 + 64 of padding: no cache-set aliasing)")
        .contains("slots x 2048 bytes\n");
  }

  private static Run compileAndRun(Plan p, String name, boolean sanitizers) throws Exception {
    Path dir = OUT.resolve(name);
    Stingygen.write(p, dir);
    List<String> cmd = new ArrayList<>(List.of("gcc", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-g"));
    if (sanitizers) {
      cmd.addAll(List.of("-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"));
    } else {
      cmd.add("-O2");
    }
    cmd.addAll(List.of("-I" + dir, dir.resolve("stingy.c").toString(), dir.resolve("stingy_config.c").toString(),
        MAIN.toString(), "-o", dir.resolve("test").toString()));
    Run cc = run(cmd);
    assertThat(cc.exit()).as("%s\n%s", String.join(" ", cmd), cc.output()).isZero();
    Run r = run(List.of(dir.resolve("test").toString()));
    System.out.printf("%s:%n%s%n", name, r.output());
    return r;
  }

  private static Run run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd + " timed out");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
