package org.broomstick.stingygen.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Stingy C runtime's tests (SPEC §6: "It must pass its tests under AddressSanitizer and
 * valgrind"): builds the C programs of {@code src/test/c} against the shipped runtime resources
 * with gcc into {@code target/c-runtime} and runs them. Unit tests, the differential stress test
 * against a reference model (release, -m32, debug, ASan + UBSan, valgrind memcheck), planted bugs
 * that each build must catch, the scheduler helper and per-thread heaps. Needs gcc, {@code gcc
 * -m32} and valgrind, which {@code bin/setup} installs: a missing tool fails the test, never skips
 * it.
 */
class CRuntimeTest {

  // fixed and printed; -Dbroomstick.stingy.seed=N explores other seeds without editing the test
  private static final long SEED = Long.getLong("broomstick.stingy.seed", 20240601);
  // 10^7 operations over 100 random configurations take about 0.3 s natively and 1.5 s with ASan
  private static final long OPS = Long.getLong("broomstick.stingy.ops", 10_000_000);
  // valgrind runs the program about 40 times slower: 10^6 operations take about a second
  private static final long VALGRIND_OPS = Long.getLong("broomstick.stingy.valgrindOps", 1_000_000);
  private static final long OPS_PER_CONFIGURATION = 100_000;

  private static final Path TESTS = Path.of("src/test/c").toAbsolutePath();
  private static final Path OUT = Path.of("target/c-runtime").toAbsolutePath();
  private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();
  private static final int SIGABRT_EXIT = 128 + 6;

  /** The builds of the runtime; every one is warning-free under -Wall -Wextra -Wpedantic. */
  enum Build {
    RELEASE("-O2"),
    M32("-m32", "-O2"),
    DEBUG("-O2", "-DSTINGY_DEBUG"),
    SANITIZERS(
        "-O1",
        "-fno-omit-frame-pointer",
        "-fsanitize=address,undefined",
        "-fno-sanitize-recover=all"),
    VALGRIND("-O1", "-DSTINGY_VALGRIND"),
    PER_THREAD("-O2", "-pthread", "-DSTINGY_PER_THREAD");

    final List<String> flags;

    Build(String... flags) {
      this.flags = List.of(flags);
    }
  }

  /** The test programs; each links the runtime and the hand-made stingy_config.c. */
  enum Program {
    UNIT("test_unit.c"),
    STRESS("test_stress.c"),
    DEATH("test_death.c"),
    SCHED("test_sched.c"),
    THREADS("test_threads.c");

    final String main;

    Program(String main) {
      this.main = main;
    }
  }

  record Run(int exit, String output) {}

  @BeforeAll
  static void writeRuntime() throws Exception {
    Run gcc = run(List.of("gcc", "--version"));
    assertThat(gcc.exit()).as("gcc --version:\n%s", gcc.output()).isZero();
    CRuntime.writeTo(OUT.resolve("src"));
  }

  // ---- unit tests ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(names = {"RELEASE", "M32", "DEBUG", "SANITIZERS"})
  void unitTestsPass(Build build) throws Exception {
    assertAllPassed(build, run(List.of(exe(build, Program.UNIT).toString())));
  }

  @Test
  void unitTestsPassUnderValgrind() throws Exception {
    Run r = valgrind(exe(Build.VALGRIND, Program.UNIT).toString());
    assertValgrindClean(r);
    assertAllPassed(Build.VALGRIND, r);
  }

  // ---- differential stress test -------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(names = {"RELEASE", "M32", "DEBUG"})
  void stressAgreesWithTheModel(Build build) throws Exception {
    Run r = stress(build, OPS, List.of());
    assertStressPassed(build, r, OPS);
  }

  @Test
  void stressUnderAddressSanitizerAndUbsanHasNoErrors() throws Exception {
    Run r = stress(Build.SANITIZERS, OPS, List.of());
    assertStressPassed(Build.SANITIZERS, r, OPS);
    assertSanitizerClean(r);
  }

  @Test
  void stressUnderValgrindHasNoErrors() throws Exception {
    Run r = stress(Build.VALGRIND, VALGRIND_OPS, valgrindCommand());
    assertStressPassed(Build.VALGRIND, r, VALGRIND_OPS);
    assertValgrindClean(r);
  }

  // ---- planted bugs -------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(names = {"RELEASE", "M32", "DEBUG", "SANITIZERS"})
  void correctUseRunsCleanInEveryBuild(Build build) throws Exception {
    Run r = run(List.of(exe(build, Program.DEATH).toString(), "clean"));
    System.out.printf("clean run, %s build:%n%s%n", build, r.output());
    assertThat(r.exit()).as("%s build, clean run:\n%s", build, r.output()).isZero();
    assertThat(r.output()).contains("clean: ok");
    if (build == Build.SANITIZERS) {
      assertSanitizerClean(r);
    }
  }

  /** STINGY_PAGES=normal keeps stingy_init() from asking for huge pages; the dump says so. */
  @Test
  void pagesOverrideIsHonouredAndReported() throws Exception {
    Path exe = exe(Build.RELEASE, Program.DEATH);
    Run normal = run(List.of(exe.toString(), "clean"), Map.of("STINGY_PAGES", "normal"));
    assertThat(normal.exit()).as(normal.output()).isZero();
    assertThat(normal.output()).contains("normal pages (not physically contiguous)\n");
    Run any = run(List.of(exe.toString(), "clean"));
    System.out.printf(
        "cache slab of the default heap here: %s%n",
        any.output().lines().filter(l -> l.startsWith("stingy: cache slab")).findFirst());
  }

  /**
   * The huge-page path runs exactly when it can: stingy_init() maps the cache slab with MAP_HUGETLB
   * when the system has enough free (unreserved) 2 MiB huge pages for it, and otherwise falls back
   * to the 2 MiB-aligned mapping (transparent huge pages or base pages) and reports which; with
   * STINGY_PAGES=thp it never takes MAP_HUGETLB. The test prints the path taken. On a machine
   * without huge pages (vm.nr_hugepages = 0, the default) only the fallback runs; with
   * {@code sysctl vm.nr_hugepages=8} the same test runs the MAP_HUGETLB path.
   */
  @Test
  void hugetlbPathRunsExactlyWhenTheSystemHasHugePages() throws Exception {
    Path exe = exe(Build.RELEASE, Program.DEATH);
    Map<String, Long> mem = new java.util.HashMap<>();
    for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
      Matcher m = Pattern.compile("^(HugePages_Free|HugePages_Rsvd|Hugepagesize):\\s+(\\d+)").matcher(l);
      if (m.find()) {
        mem.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    Run any = run(List.of(exe.toString(), "clean"));
    assertThat(any.exit()).as(any.output()).isZero();
    String slab = any.output().lines().filter(l -> l.startsWith("stingy: cache slab")).findFirst().orElseThrow();
    Matcher bytes = Pattern.compile("\\((\\d+) mapped\\)").matcher(slab);
    assertThat(bytes.find()).as(slab).isTrue();
    long needed = Long.parseLong(bytes.group(1)) / (2L << 20);
    long free = mem.getOrDefault("HugePages_Free", 0L) - mem.getOrDefault("HugePages_Rsvd", 0L);
    boolean available = mem.getOrDefault("Hugepagesize", 0L) == 2048 && free >= needed;
    System.out.printf("%d free 2 MiB huge page(s), %d needed: %s%n", free, needed, slab);
    if (available) {
      assertThat(slab).contains("hugetlb (2 MiB, physically contiguous)");
    } else {
      assertThat(slab).doesNotContain("hugetlb").containsAnyOf("transparent huge pages", "normal pages");
    }
    Run thp = run(List.of(exe.toString(), "clean"), Map.of("STINGY_PAGES", "thp"));
    assertThat(thp.exit()).as(thp.output()).isZero();
    assertThat(thp.output()).contains("stingy: cache slab").doesNotContain("hugetlb");
  }

  @Test
  void correctUseRunsCleanUnderValgrind() throws Exception {
    Run r = valgrind(exe(Build.VALGRIND, Program.DEATH).toString(), "clean");
    assertValgrindClean(r);
    assertThat(r.output()).contains("clean: ok");
  }

  /** The debug build's checks: red zones, poison, and the tag checks every build has. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "double-free    | double free of 0x[0-9a-f]+ \\(object 1 \"parse.c:22:9#malloc\"\\)",
        "redzone-after  | red zone after object 1 \"parse.c:22:9#malloc\" at 0x[0-9a-f]+"
            + " overwritten \\(byte 0 past its 100 bytes is 0x01\\)",
        "redzone-before | red zone before object 1 \"parse.c:22:9#malloc\" at 0x[0-9a-f]+"
            + " overwritten \\(byte 1 before it",
        "uaf            | use after free: slot 0x[0-9a-f]+ of region 1 was written after object 1"
            + " \"parse.c:22:9#malloc\" freed it \\(byte 5 is 0x01",
        "interior       | free of 0x[0-9a-f]+: inside the cache slab but not at the start of a"
            + " slot",
        "misaligned     | free of 0x[0-9a-f]+: inside the cache slab but not at the start of a"
            + " slot",
      })
  void debugBuildAbortsOnPlantedBug(String scenario, String message) throws Exception {
    assertAborts(Build.DEBUG, scenario, message);
  }

  /** Double and interior frees cost one compare, so the release build catches them too. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "double-free | double free of 0x[0-9a-f]+ \\(object 1 \"parse.c:22:9#malloc\"\\)",
        "interior    | inside the cache slab but not at the start of a slot",
        "misaligned  | inside the cache slab but not at the start of a slot",
        "never       | a slot that was never allocated",
        "low-slab    | in the low slab, not a slot",
        "bad-id      | stingy_alloc: object id 12 out of range \\(5 objects\\)",
      })
  void releaseBuildAbortsOnBadFree(String scenario, String message) throws Exception {
    assertAborts(Build.RELEASE, scenario, message);
  }

  /** Without STINGY_DEBUG, free slots and the bytes past an object are poisoned for ASan. */
  @ParameterizedTest
  @ValueSource(strings = {"uaf", "redzone-after", "redzone-before"})
  void addressSanitizerSeesFreedSlotsAndOverflows(String scenario) throws Exception {
    Run r = run(List.of(exe(Build.SANITIZERS, Program.DEATH).toString(), scenario));
    assertThat(r.exit()).as("%s under ASan:\n%s", scenario, r.output()).isNotZero();
    assertThat(r.output()).contains("ERROR: AddressSanitizer: use-after-poison");
  }

  /** With -DSTINGY_VALGRIND, free slots and the bytes past an object are inaccessible. */
  @ParameterizedTest
  @ValueSource(strings = {"uaf", "redzone-after", "redzone-before"})
  void valgrindSeesFreedSlotsAndOverflows(String scenario) throws Exception {
    Run r = valgrind(exe(Build.VALGRIND, Program.DEATH).toString(), scenario);
    assertThat(r.exit()).as("%s under valgrind:\n%s", scenario, r.output()).isNotZero();
    assertThat(r.output()).contains("Invalid write of size 1");
  }

  // ---- scheduler helper and threads ---------------------------------------------------------

  @ParameterizedTest
  @EnumSource(names = {"RELEASE", "M32", "SANITIZERS"})
  void schedulerHelperElectsByThePrioritiesOfSection745(Build build) throws Exception {
    Run r = run(List.of(exe(build, Program.SCHED).toString()));
    assertAllPassed(build, r);
    if (build == Build.SANITIZERS) {
      assertSanitizerClean(r);
    }
  }

  @Test
  void schedulerHelperUnderValgrind() throws Exception {
    Run r = valgrind(exe(Build.VALGRIND, Program.SCHED).toString());
    assertValgrindClean(r);
    assertAllPassed(Build.VALGRIND, r);
  }

  @Test
  void oneDefaultHeapPerThread() throws Exception {
    assertAllPassed(
        Build.PER_THREAD, run(List.of(exe(Build.PER_THREAD, Program.THREADS).toString())));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Run stress(Build build, long ops, List<String> prefix) throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(exe(build, Program.STRESS).toString());
    cmd.add(Long.toString(ops));
    cmd.add(Long.toString(SEED));
    cmd.add(Long.toString(Math.max(1, ops / OPS_PER_CONFIGURATION)));
    Run r = run(cmd);
    System.out.printf("CRuntimeTest stress, %s build:%n%s%n", build, r.output());
    return r;
  }

  private static void assertStressPassed(Build build, Run r, long ops) {
    assertThat(r.exit()).as("stress test, %s build, seed %d:\n%s", build, SEED, r.output()).isZero();
    assertThat(r.output())
        .contains("stress: seed " + SEED + ", " + ops + " operations")
        .contains("stress: 0 mismatches");
    if (ops / OPS_PER_CONFIGURATION >= 3) { // 64-byte lines: the inlined paths; others: out of line
      assertThat(r.output())
          .containsPattern("lines of 32, 64, 128 bytes: [1-9]\\d*, [1-9]\\d*, [1-9]");
    }
  }

  private static void assertAllPassed(Build build, Run r) {
    System.out.printf("%s build:%n%s%n", build, r.output());
    assertThat(r.exit()).as("%s build:\n%s", build, r.output()).isZero();
    Matcher m = Pattern.compile("(?m)^(\\d+) passed, 0 failed$").matcher(r.output());
    assertThat(m.find()).as("no \"N passed, 0 failed\" line:\n%s", r.output()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isPositive();
  }

  private static void assertAborts(Build build, String scenario, String message)
      throws Exception {
    Run r = run(List.of(exe(build, Program.DEATH).toString(), scenario));
    assertThat(r.exit())
        .as("%s build, %s: expected abort (exit %d):\n%s", build, scenario, SIGABRT_EXIT, r.output())
        .isEqualTo(SIGABRT_EXIT);
    assertThat(r.output()).containsPattern("(?m)^stingy: .*" + message);
  }

  private static void assertSanitizerClean(Run r) {
    assertThat(r.output())
        .doesNotContain("AddressSanitizer")
        .doesNotContain("LeakSanitizer")
        .doesNotContain("runtime error:");
  }

  private static void assertValgrindClean(Run r) {
    assertThat(r.exit()).as("valgrind:\n%s", r.output()).isZero();
    assertThat(r.output()).containsPattern("ERROR SUMMARY: 0 errors from 0 contexts");
    assertThat(r.output()).doesNotContainPattern("(definitely|indirectly) lost: [1-9]");
  }

  private static List<String> valgrindCommand() throws Exception {
    Run v;
    try {
      v = run(List.of("valgrind", "--version"));
    } catch (IOException e) {
      v = new Run(-1, e.getMessage());
    }
    if (v.exit() != 0) {
      fail(
          "valgrind is not installed, and the C runtime must pass its tests under valgrind"
              + " (SPEC §6); bin/setup installs it (apt-get install -y valgrind)\n"
              + v.output());
    }
    return List.of("valgrind", "--error-exitcode=1", "--leak-check=full");
  }

  private static Run valgrind(String... command) throws Exception {
    List<String> cmd = new ArrayList<>(valgrindCommand());
    cmd.addAll(List.of(command));
    return run(cmd);
  }

  /** Builds a program once per run of the test class. */
  private static Path exe(Build build, Program program) throws Exception {
    String key = build + "/" + program;
    Path done = BUILT.get(key);
    if (done != null) {
      return done;
    }
    synchronized (BUILT) {
      if (build == Build.M32) {
        requireM32();
      }
      Path src = OUT.resolve("src");
      Path exe = OUT.resolve(build.name().toLowerCase()).resolve(program.name().toLowerCase());
      Files.createDirectories(exe.getParent());
      List<String> cmd = new ArrayList<>(List.of("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror"));
      cmd.addAll(List.of("-Wpedantic", "-g"));
      cmd.addAll(build.flags);
      cmd.addAll(List.of("-I" + src, "-I" + TESTS));
      cmd.add(src.resolve("stingy.c").toString());
      if (program == Program.SCHED) {
        cmd.add(src.resolve("stingy_sched.c").toString());
      }
      cmd.add(TESTS.resolve("stingy_config.c").toString());
      cmd.add(TESTS.resolve(program.main).toString());
      cmd.addAll(List.of("-o", exe.toString()));
      Run r = run(cmd);
      assertThat(r.exit()).as("%s failed:\n%s", String.join(" ", cmd), r.output()).isZero();
      BUILT.put(key, exe);
      return exe;
    }
  }

  private static void requireM32() throws Exception {
    Path probe = OUT.resolve("m32-probe.c");
    Files.createDirectories(OUT);
    Files.writeString(probe, "int main(void) { return 0; }\n");
    Run r =
        run(List.of("gcc", "-m32", probe.toString(), "-o", OUT.resolve("m32-probe").toString()));
    if (r.exit() != 0) {
      fail(
          "gcc -m32 cannot compile and link a program here; install gcc-multilib"
              + " (bin/setup does: apt-get install -y gcc-multilib)\n"
              + r.output());
    }
  }

  static Run run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of());
  }

  static Run run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      fail("cannot start " + command.get(0) + " (is it installed? bin/setup): " + e.getMessage());
      throw e;
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " timed out");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
