package org.broomstick.memwalk.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Set;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Diagnostics;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.model.SourceLocation;
import org.junit.jupiter.api.Test;

class SpecCheckTest {

  private static ServerSpec spec(String yaml) {
    Diagnostics diags = new Diagnostics();
    ServerSpec spec = SpecFile.parseText(yaml, "broomstick.yaml", diags);
    assertThat(diags.snapshot()).isEmpty();
    return spec;
  }

  @Test
  void misspeltFunctionGetsASuggestionAtItsDeclaration() {
    ServerSpec spec =
        spec("queueStage:\n  - {function: aeCreateFileEvnt, params: [X, X, X, S, T]}\n");

    List<Diagnostic> found =
        SpecCheck.unknownFunctions(spec, Set.of("aeCreateFileEvent", "aeDeleteFileEvent", "main"));

    assertThat(found)
        .extracting(Diagnostic::at, Diagnostic::severity, Diagnostic::key, Diagnostic::message)
        .containsExactly(
            tuple(
                SourceLocation.of("broomstick.yaml", 2, 5),
                Severity.ERROR,
                "spec.unknown-function",
                "queueStage function \"aeCreateFileEvnt\" is not defined or declared in the"
                    + " analysed sources; did you mean \"aeCreateFileEvent\"?"));
  }

  @Test
  void noSuggestionWhenNothingIsClose() {
    ServerSpec spec = spec("entry: acceptHandler\n");

    assertThat(SpecCheck.unknownFunctions(spec, Set.of("aeMain", "zmalloc")))
        .extracting(Diagnostic::message)
        .containsExactly(
            "entry function \"acceptHandler\" is not defined or declared in the analysed sources");
  }

  @Test
  void everyNamedFunctionIsCheckedButStageFieldStructsAreNot() {
    ServerSpec spec =
        spec(
            """
            queueStage: [{function: q, params: [T, S]}]
            scheduleStage: [{function: r, params: [T, S]}]
            malloc: [{function: m, params: [size]}]
            free: [{function: f, params: [ptr]}]
            scheduler: [loop1, loop2]
            stageField: [{struct: no_such_struct, field: cb}]
            entry: start
            """);

    assertThat(SpecCheck.unknownFunctions(spec, Set.of()))
        .extracting(d -> d.at().line(), d -> d.message().split(" ")[0])
        .containsExactly(
            tuple(1, "queueStage"),
            tuple(2, "scheduleStage"),
            tuple(3, "malloc"),
            tuple(4, "free"),
            tuple(5, "scheduler"),
            tuple(5, "scheduler"),
            tuple(7, "entry"));
    assertThat(
            SpecCheck.unknownFunctions(spec, Set.of("q", "r", "m", "f", "loop1", "loop2", "start")))
        .isEmpty();
  }

  @Test
  void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
    assertThat(EditDistance.between("", "")).isZero();
    assertThat(EditDistance.between("zfree", "zfree")).isZero();
    assertThat(EditDistance.between("zfre", "zfree")).isEqualTo(1);
    assertThat(EditDistance.between("aeMian", "aeMain")).isEqualTo(2);
    assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
    assertThat(EditDistance.between("", "abc")).isEqualTo(3);
  }

  @Test
  void nearestPrefersTheClosestThenTheAlphabeticallyFirst() {
    assertThat(EditDistance.nearest("zmaloc", List.of("zcalloc", "zmalloc", "malloc")))
        .contains("zmalloc");
    assertThat(EditDistance.nearest("abc", List.of("abe", "abd"))).contains("abd");
    assertThat(EditDistance.nearest("ab", List.of("xy"))).isEmpty();
    assertThat(EditDistance.nearest("aeMain", List.of("aeMain"))).isEmpty();
    assertThat(EditDistance.nearest("loop", List.of("loooooop"))).isEmpty();
  }
}
