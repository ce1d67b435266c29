package org.broomstick.memwalk.spec;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;
import static org.broomstick.memwalk.spec.ParamRole.S;
import static org.broomstick.memwalk.spec.ParamRole.T;
import static org.broomstick.memwalk.spec.ParamRole.X;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec.AllocFunction;
import org.broomstick.memwalk.spec.ServerSpec.Declared;
import org.broomstick.memwalk.spec.ServerSpec.FreeFunction;
import org.broomstick.memwalk.spec.ServerSpec.SiteHint;
import org.broomstick.memwalk.spec.ServerSpec.StageField;
import org.broomstick.memwalk.spec.ServerSpec.StageFunction;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpecFileTest {

  // ---------------------------------------------------------------------------------------------
  // The harness: every fixture's diagnostics are exactly its markers.

  static Stream<Named<Path>> fixtures() throws IOException {
    return SpecFixtures.all().map(dir -> Named.of(dir.getFileName().toString(), dir));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void diagnosticsMatchMarkers(Path dir) {
    String display = dir.getFileName() + "/" + SpecFixtures.SPEC;
    Diagnostics diags = new Diagnostics();
    ServerSpec spec = SpecFile.parse(dir.resolve(SpecFixtures.SPEC), display, diags);
    Path functions = dir.resolve(SpecFixtures.FUNCTIONS);
    if (Files.exists(functions)) {
      diags.addAll(
          SpecCheck.unknownFunctions(spec, new HashSet<>(SpecFixtures.readLines(functions))));
    }

    List<Diagnostic> produced = diags.snapshot();
    List<String> actual = produced.stream().map(SpecFixtures::render).sorted().toList();
    List<String> expected =
        SpecFixtures.expected(dir.resolve(SpecFixtures.SPEC)).stream().sorted().toList();
    List<String> missing = SpecFixtures.minus(expected, actual);
    List<String> unexpected = SpecFixtures.minus(actual, expected);
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      fail(
          "%s%n missing:    %s%n unexpected: %s%n produced:%n  %s",
          display,
          missing,
          unexpected,
          String.join("\n  ", produced.stream().map(Diagnostic::format).toList()));
    }
    for (Diagnostic d : produced) {
      assertThat(d.at().file()).as(d.format()).isEqualTo(display);
      assertThat(d.at().column()).as(d.format()).isPositive();
      assertThat(d.message()).as(d.format()).doesNotContain("\n").doesNotEndWith(".");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What the valid fixtures bind.

  private static ServerSpec parseFixture(String name, Diagnostics diags) {
    return SpecFile.parse(
        SpecFixtures.dir(name).resolve(SpecFixtures.SPEC), name + "/broomstick.yaml", diags);
  }

  private static ServerSpec parseClean(String name) {
    Diagnostics diags = new Diagnostics();
    ServerSpec spec = parseFixture(name, diags);
    assertThat(diags.snapshot()).isEmpty();
    return spec;
  }

  private static SourceLocation at(String fixture, int line, int column) {
    return SourceLocation.of(fixture + "/broomstick.yaml", line, column);
  }

  @Test
  void validFullSpecBindsEverySection() {
    ServerSpec spec = parseClean("valid-full");
    String f = "valid-full";

    assertThat(spec.queueStages())
        .containsExactly(
            entry(
                "aeCreateFileEvent",
                new StageFunction("aeCreateFileEvent", List.of(X, X, X, S, T), at(f, 2, 15))));
    assertThat(spec.queueStages().get("aeCreateFileEvent").stageParam()).isEqualTo(3);
    assertThat(spec.queueStages().get("aeCreateFileEvent").taskParam()).isEqualTo(4);
    assertThat(spec.scheduleStages())
        .containsExactly(
            entry("run_stage", new StageFunction("run_stage", List.of(T, S), at(f, 3, 17))));
    assertThat(spec.mallocs())
        .containsOnly(
            entry("zmalloc", new AllocFunction("zmalloc", 0, null, at(f, 5, 5))),
            entry("zmalloc_tagged", new AllocFunction("zmalloc_tagged", 1, null, at(f, 6, 5))),
            entry(
                "tux_malloc_req",
                new AllocFunction("tux_malloc_req", -1, "sizeof(tux_req_t)", at(f, 8, 5))));
    assertThat(spec.frees())
        .containsExactly(entry("zfree", new FreeFunction("zfree", 0, at(f, 9, 15))));
    assertThat(spec.schedulers()).containsExactly(new Declared("aeMain", at(f, 10, 14)));
    assertThat(spec.stageFields())
        .containsExactly(new StageField("aeFileEvent", "rfileProc", at(f, 11, 15)));
    assertThat(spec.hints())
        .containsExactly(
            new SiteHint("networking.c:123", 4096L, null, at(f, 12, 15)),
            new SiteHint("http.c:parse_request", null, 1L, at(f, 12, 62)));
    assertThat(spec.entry()).isEqualTo(new Declared("acceptTcpHandler", at(f, 13, 14)));
  }

  @Test
  void thesisSpellingsMeanTheSameAsOurs() {
    ServerSpec spec = parseClean("thesis-spellings");

    assertThat(spec.queueStages().get("add_tux_atom").params()).containsExactly(T, S);
    assertThat(spec.mallocs().get("tux_malloc").sizeParam()).isZero();
    assertThat(spec.frees().get("kfree").ptrParam()).isZero();
    assertThat(spec.frees().get("kfree_second").ptrParam()).isEqualTo(1);
    assertThat(spec.frees().get("tux_free").ptrParam()).isZero();
    assertThat(spec.scheduleStages().get("run_atom").params()).containsExactly(T, S, X);
    assertThat(spec.schedulers()).extracting(Declared::name).containsExactly("event_loop");
  }

  @Test
  void schedulerMayBeAListAndRepeatsCountOnce() {
    ServerSpec spec = parseClean("scheduler-list");

    assertThat(spec.schedulers())
        .containsExactly(
            new Declared("aeMain", at("scheduler-list", 3, 5)),
            new Declared("aeProcessEvents", at("scheduler-list", 4, 5)));
  }

  @Test
  void emptyAndCommentOnlyFilesAreEmptySpecs() {
    assertThat(parseClean("empty")).isEqualTo(ServerSpec.EMPTY);
    assertThat(parseClean("comments-only")).isEqualTo(ServerSpec.EMPTY);
    assertThat(SpecFile.parseText("---\n", "x.yaml", new Diagnostics()))
        .isEqualTo(ServerSpec.EMPTY);
  }

  @Test
  void errorsKeepTheValidEntriesBesideThem() {
    Diagnostics diags = new Diagnostics();
    ServerSpec spec = parseFixture("partial", diags);

    assertThat(diags.hasErrors()).isTrue();
    assertThat(spec.queueStages()).containsOnlyKeys("aeCreateFileEvent");
    assertThat(spec.mallocs()).containsOnlyKeys("zmalloc");
    assertThat(spec.frees()).containsOnlyKeys("zfree");
    assertThat(spec.hints()).extracting(SiteHint::site).containsExactly("a.c:2");
    assertThat(spec.entry().name()).isEqualTo("acceptTcpHandler");
  }

  @Test
  void aDuplicateKeepsTheFirstDeclaration() {
    ServerSpec spec = parseFixture("duplicate", new Diagnostics());

    assertThat(spec.mallocs().get("zmalloc").sizeParam()).isZero();
    assertThat(spec.frees().get("zfree").ptrParam()).isZero();
    assertThat(spec.mallocs()).containsOnlyKeys("zmalloc", "zrealloc");
    assertThat(spec.frees()).containsOnlyKeys("zfree", "zrealloc");
    assertThat(spec.hints())
        .extracting(SiteHint::stingySize, SiteHint::stingyCount)
        .containsExactly(tuple(4096L, null), tuple(null, 2L));
  }

  // ---------------------------------------------------------------------------------------------
  // Messages and locations, exactly, for a few representative mistakes.

  private static List<Diagnostic> diagnosticsOf(String yaml) {
    Diagnostics diags = new Diagnostics();
    SpecFile.parseText(yaml, "broomstick.yaml", diags);
    return diags.snapshot();
  }

  @Test
  void unknownLabelMessageNamesTheLabelAndTheChoices() {
    assertThat(diagnosticsOf("queueStage: [{function: f, params: [X, Q, S]}]\n"))
        .extracting(Diagnostic::format)
        .containsExactly(
            "broomstick.yaml:1:40: error: unknown label \"Q\" in queueStage params (expected T, S"
                + " or X) [spec.unknown-label]");
  }

  @Test
  void unknownKeySuggestsTheNearestKey() {
    assertThat(diagnosticsOf("queueStage: []\nmaloc: []\n"))
        .extracting(Diagnostic::format)
        .containsExactly(
            "broomstick.yaml:2:1: error: unknown key \"maloc\" at the top level (did you mean"
                + " \"malloc\"?) [spec.unknown-key]");
    assertThat(diagnosticsOf("free: [{function: f, params: [ptr], colour: red}]\n"))
        .extracting(Diagnostic::message)
        .containsExactly(
            "unknown key \"colour\" in a free entry (expected function, params or ptr)");
  }

  @Test
  void syntaxErrorPointsAtTheProblem() {
    assertThat(diagnosticsOf("malloc: function: zmalloc\n"))
        .extracting(Diagnostic::at, Diagnostic::severity, Diagnostic::key)
        .containsExactly(
            tuple(SourceLocation.of("broomstick.yaml", 1, 17), Severity.ERROR, "spec.syntax"));
  }

  @Test
  void duplicateNamesTheFirstLine() {
    assertThat(
            diagnosticsOf(
                "malloc:\n"
                    + "  - {function: zmalloc, params: [size]}\n"
                    + "  - {function: zmalloc, size: \"64\"}\n"))
        .extracting(Diagnostic::format)
        .containsExactly(
            "broomstick.yaml:3:5: error: malloc function \"zmalloc\" is already declared"
                + " differently on line 2 [spec.duplicate]");
  }

  // ---------------------------------------------------------------------------------------------
  // Files that cannot be read: one diagnostic, never an exception.

  @Test
  void missingFileIsUnreadable(@TempDir Path tmp) {
    Diagnostics diags = new Diagnostics();
    ServerSpec spec = SpecFile.parse(tmp.resolve("nope.yaml"), "nope.yaml", diags);

    assertThat(spec).isEqualTo(ServerSpec.EMPTY);
    assertThat(diags.snapshot())
        .extracting(Diagnostic::format)
        .containsExactly(
            "nope.yaml: error: cannot read the spec file: no such file [spec.unreadable]");
  }

  @Test
  void directoryIsUnreadable(@TempDir Path tmp) {
    Diagnostics diags = new Diagnostics();
    SpecFile.parse(tmp, "dir", diags);

    assertThat(diags.snapshot())
        .extracting(Diagnostic::key, Diagnostic::message)
        .containsExactly(tuple("spec.unreadable", "cannot read the spec file: it is a directory"));
  }

  @Test
  void nonUtf8FileIsUnreadable(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("latin1.yaml");
    Files.write(file, new byte[] {'e', 'n', 't', 'r', 'y', ':', ' ', (byte) 0xe9, '\n'});
    Diagnostics diags = new Diagnostics();
    SpecFile.parse(file, "latin1.yaml", diags);

    assertThat(diags.snapshot())
        .extracting(Diagnostic::key, Diagnostic::message)
        .containsExactly(
            tuple("spec.unreadable", "cannot read the spec file: it is not UTF-8 text"));
  }

  @Test
  void controlCharacterIsASyntaxErrorAtItsPlace() {
    assertThat(diagnosticsOf("entry: main\nscheduler: a\u0007b\n"))
        .extracting(Diagnostic::at, Diagnostic::key)
        .containsExactly(tuple(SourceLocation.of("broomstick.yaml", 2, 13), "spec.syntax"));
  }

  // ---------------------------------------------------------------------------------------------
  // Robustness: mangled fixtures never throw, and every diagnostic has a place (SPEC §9).

  @Test
  void randomlyMangledFixturesNeverThrow() throws IOException {
    // Fixed seed so a failure reproduces; the mangled text is in the failure message.
    Random random = new Random(17);
    String alphabet = "{}[]:,-#&*!|>'\"\n\t ?%@`TSX0";
    List<String> sources = new ArrayList<>();
    for (Path dir : SpecFixtures.all().toList()) {
      sources.add(Files.readString(dir.resolve(SpecFixtures.SPEC)));
    }
    for (int round = 0; round < 3000; round++) {
      StringBuilder text = new StringBuilder(sources.get(random.nextInt(sources.size())));
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && text.length() > 0; e++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      Diagnostics diags = new Diagnostics();
      try {
        SpecFile.parseText(text.toString(), "m.yaml", diags);
      } catch (RuntimeException e) {
        throw new AssertionError("round " + round + " threw on:\n" + text, e);
      }
      for (Diagnostic d : diags.snapshot()) {
        assertThat(d.at().file()).as("round %d: %s%n%s", round, d, text).isEqualTo("m.yaml");
        assertThat(d.severity()).isEqualTo(Severity.ERROR);
        assertThat(d.key()).startsWith("spec.");
      }
    }
  }
}
