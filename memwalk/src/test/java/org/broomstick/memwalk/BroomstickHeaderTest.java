package org.broomstick.memwalk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped {@code broomstick.h} (SPEC §3): invisible to an ordinary gcc build, the thesis
 * attributes when {@code __BROOMSTICK__} is defined. These tests start gcc themselves and fail when
 * it is missing, because a skipped header test would let a warning-emitting header ship.
 */
class BroomstickHeaderTest {

  private static final String HEADER = "/org/broomstick/memwalk/broomstick.h";
  private static final String USER = "/broomstick-h/uses_every_macro.c";

  @TempDir Path include;
  private Path source;

  @BeforeEach
  void copyShippedHeader() throws IOException, URISyntaxException {
    // Copy from the classpath so the test sees the header exactly as the jar ships it.
    try (InputStream in = BroomstickHeaderTest.class.getResourceAsStream(HEADER)) {
      assertThat(in).as("resource %s", HEADER).isNotNull();
      Files.copy(in, include.resolve("broomstick.h"));
    }
    source = Path.of(BroomstickHeaderTest.class.getResource(USER).toURI());
  }

  @ParameterizedTest(name = "gcc {0}")
  @ValueSource(strings = {"", "-std=c99 -pedantic-errors", "-std=c11 -pedantic-errors"})
  void anOrdinaryBuildSeesNothingAndWarnsAboutNothing(String dialect) {
    List<String> cmd =
        new ArrayList<>(List.of("gcc", "-Wall", "-Wextra", "-Werror", "-Wattributes"));
    if (!dialect.isEmpty()) {
      cmd.addAll(List.of(dialect.split(" ")));
    }
    cmd.addAll(List.of("-fsyntax-only", "-I" + include, source.toString()));

    Result r = run(cmd);

    assertThat(r.exit()).as("%s%n%s", cmd, r.output()).isZero();
    assertThat(r.output()).as("%s", cmd).isEmpty();
  }

  @Test
  void withoutBroomstickTheMacrosExpandToNothing() {
    Result r = run(List.of("gcc", "-E", "-P", "-I" + include, source.toString()));

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .doesNotContain("QueueStage", "ScheduleStage", "Scheduler", "Malloc", "Free(")
        .doesNotContain("stingy_size", "stingy_count", "StageField", "BROOMSTICK_");
  }

  @Test
  void withBroomstickTheMacrosExpandToTheThesisAttributes() {
    Result r =
        run(List.of("gcc", "-E", "-P", "-D__BROOMSTICK__", "-I" + include, source.toString()));

    assertThat(r.exit()).as(r.output()).isZero();
    // gcc may keep or drop blanks between macro arguments; compare without them.
    String expanded = r.output().replaceAll("\\s+", "");
    assertThat(expanded)
        .contains(
            "queue(req_t*req,stage_fn*stage)__attribute__((QueueStage(\"T\",\"S\")));",
            "__attribute__((ScheduleStage(\"T\",\"S\")))",
            "__attribute__((Malloc(\"X\",\"size\")))",
            "__attribute__((Malloc(\"int\")))",
            "__attribute__((Malloc()))__attribute__((stingy_size(sizeof(req_t))))",
            "__attribute__((Free(\"ptr\")))",
            "__attribute__((Free(\"0\")))",
            "event_loop(void)__attribute__((Scheduler));",
            "on_read__attribute__((StageField));",
            "body__attribute__((stingy_size(4096)))",
            "next__attribute__((stingy_count(1)))")
        .doesNotContain("BROOMSTICK_");
  }

  @Test
  void theCompileCheckWouldCatchAttributesLeakingIntoAnOrdinaryBuild() {
    // Guards the first test: the same gcc flags do reject the attributes once they are visible.
    Result r =
        run(
            List.of(
                "gcc",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-Wattributes",
                "-fsyntax-only",
                "-D__BROOMSTICK__",
                "-I" + include,
                source.toString()));

    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("'QueueStage' attribute directive ignored", "attributes");
  }

  @Test
  void theCFileUsesEveryMacroTheHeaderDefines() throws IOException {
    String header = Files.readString(include.resolve("broomstick.h"));
    String user = Files.readString(source);
    Matcher m = Pattern.compile("#define\\s+(BROOMSTICK_\\w+)").matcher(header);
    List<String> macros = new ArrayList<>();
    while (m.find()) {
      // The include guard is no annotation; each macro is defined once per branch of the #ifdef.
      if (!m.group(1).equals("BROOMSTICK_H") && !macros.contains(m.group(1))) {
        macros.add(m.group(1));
      }
    }

    assertThat(macros)
        .containsExactlyInAnyOrder(
            "BROOMSTICK_QUEUE_STAGE",
            "BROOMSTICK_SCHEDULE_STAGE",
            "BROOMSTICK_SCHEDULER",
            "BROOMSTICK_MALLOC",
            "BROOMSTICK_FREE",
            "BROOMSTICK_STINGY_SIZE",
            "BROOMSTICK_STINGY_COUNT",
            "BROOMSTICK_STAGE_FIELD");
    assertThat(macros)
        .allSatisfy(
            name ->
                assertThat(Pattern.compile("\\b" + name + "\\b").matcher(user).find())
                    .as("%s used in %s", name, USER)
                    .isTrue());
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> cmd) {
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      // Untranslated messages with ASCII quotes, whatever the machine's locale.
      pb.environment().put("LC_ALL", "C");
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("this test needs gcc on the PATH to check broomstick.h: " + e, e);
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("gcc did not finish within 60 s: %s", cmd);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError("reading gcc output failed: " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + cmd, e);
    }
  }
}
