package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.diag.InputException;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Translation units are preprocessed the way their build does it (issue 3, item 2): per-unit
 * flags from compile_commands.json, inactive branches left out, missing headers reported.
 */
class PreprocessingTest {

  @TempDir Path dir;

  private CFrontend.Result load(Path compileCommands, List<Path> paths) {
    return CFrontend.load(
        new CFrontend.Options(paths, compileCommands, List.of(), Map.of(), List.of(), ServerSpec.EMPTY, null, false, 2, dir, "gcc", null, null));
  }

  private java.util.Set<String> edges(CFrontend.Result r) {
    var g = CallGraphBuilder.build(r.program(), Andersen.analyse(r.program()));
    var out = new java.util.TreeSet<String>();
    g.edges().forEach(e -> out.add(e.from() + " -> " + e.to()));
    return out;
  }

  @Test
  void eachUnitGetsItsOwnDefinesAndIncludePathsFromTheCompilationDatabase() throws IOException {
    Files.createDirectories(dir.resolve("inc1"));
    Files.createDirectories(dir.resolve("inc2"));
    Files.writeString(dir.resolve("inc1/cfg.h"), "#define HANDLER one\n");
    Files.writeString(dir.resolve("inc2/cfg.h"), "#define HANDLER two\n");
    Files.writeString(dir.resolve("h.c"), "void one(void) {}\nvoid two(void) {}\nvoid three(void) {}\n");
    Files.writeString(dir.resolve("a.c"), """
        #include "cfg.h"
        void one(void); void two(void); void three(void);
        #ifdef USE_THREE
        void a(void) { three(); }
        #else
        void a(void) { HANDLER(); }
        #endif
        """);
    Files.writeString(dir.resolve("b.c"), """
        #include <cfg.h>
        void one(void); void two(void);
        void b(void) { HANDLER(); }
        """);
    Files.writeString(dir.resolve("compile_commands.json"), """
        [
          {"directory": "%1$s", "file": "h.c", "arguments": ["cc", "-c", "h.c"]},
          {"directory": "%1$s", "file": "a.c", "command": "gcc -Iinc1 -DUSE_THREE -O2 -c a.c"},
          {"directory": "%1$s", "file": "b.c", "command": "gcc -I inc2 -c \\"b.c\\""}
        ]
        """.formatted(dir));
    CFrontend.Result r = load(dir.resolve("compile_commands.json"), List.of());
    assertThat(r.stats().units()).isEqualTo(3);
    assertThat(edges(r)).containsExactlyInAnyOrder("a -> three", "b -> two");
  }

  @Test
  void inactiveBranchesAreNotParsed() throws IOException {
    Files.writeString(dir.resolve("a.c"), """
        #if 0
        this is not C at all {{{
        #endif
        void f(void) {}
        """);
    CFrontend.Result r = load(null, List.of(dir));
    assertThat(r.program().diagnostics()).isEmpty();
    assertThat(r.stats().unitsWithErrors()).isZero();
  }

  @Test
  void aMissingHeaderIsAWarningWithItsLocationAndTheUnitIsStillRead() throws IOException {
    Files.writeString(dir.resolve("a.c"), """
        #include <stdio.h>
        #include "not_there.h"
        void g(void);
        void f(void) { g(); }
        """);
    CFrontend.Result r = load(null, List.of(dir));
    assertThat(r.program().diagnostics())
        .singleElement()
        .satisfies(d -> {
          assertThat(d.format()).startsWith("a.c:2:1: warning: header not found: \"not_there.h\"");
          assertThat(d.key()).isEqualTo("parse.include-missing");
        });
    assertThat(edges(r)).containsExactly("f -> g");
  }

  @Test
  void aHeaderOffTheIncludePathIsTakenFromTheInputTreeAndSaidSo() throws IOException {
    Files.createDirectories(dir.resolve("src"));
    Files.createDirectories(dir.resolve("include/proj"));
    Files.writeString(dir.resolve("include/proj/api.h"), "void api_call(void);\n#define CALL api_call\n");
    Files.writeString(dir.resolve("src/a.c"), "#include \"proj/api.h\"\nvoid f(void) { CALL(); }\n");
    CFrontend.Result r = load(null, List.of(dir));
    assertThat(edges(r)).containsExactly("f -> api_call");
    assertThat(r.program().diagnostics())
        .singleElement()
        .satisfies(d -> assertThat(d.format()).contains("include/proj/api.h from the input tree").contains("[parse.include-heuristic]"));
  }

  @Test
  void syntaxErrorsAreReportedPerUnitAndTheRestIsStillAnalysed() throws IOException {
    Files.writeString(dir.resolve("bad.c"), "void g(void);\nvoid f(void) { g(; }\nvoid h(void) { g(); }\n");
    Files.writeString(dir.resolve("good.c"), "void g(void) {}\n");
    CFrontend.Result r = load(null, List.of(dir));
    assertThat(r.stats().unitsWithErrors()).isEqualTo(1);
    assertThat(r.program().diagnostics()).anySatisfy(d -> assertThat(d.format()).startsWith("bad.c:2:").contains("[parse.syntax]"));
    assertThat(edges(r)).contains("h -> g");
  }

  @Test
  void systemHeadersComeFromTheInstalledCompiler() throws IOException {
    Files.writeString(dir.resolve("a.c"), """
        #include <stdlib.h>
        #include <string.h>
        #include <stdatomic.h>
        #include <sys/epoll.h>
        _Static_assert(sizeof(long) == 8, "LP64");
        int main(void) { char *p = malloc(strlen("x")); free(p); return 0; }
        """);
    CFrontend.Result r = load(null, List.of(dir));
    assertThat(r.program().diagnostics()).isEmpty();
    assertThat(edges(r)).containsExactlyInAnyOrder("main -> malloc", "main -> strlen", "main -> free");
    assertThat(r.program().functions())
        .filteredOn(f -> f.id().equals("malloc"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().file()).isNull());
  }

  @Test
  void aBrokenCompilationDatabaseIsOneErrorWithItsLocation() throws IOException {
    Files.writeString(dir.resolve("compile_commands.json"), "[\n  {\"file\": \"a.c\",\n  \"command\": }\n]\n");
    assertThatThrownBy(() -> load(dir.resolve("compile_commands.json"), List.of()))
        .isInstanceOfSatisfying(InputException.class, e ->
            assertThat(e.diagnostic().format()).startsWith("compile_commands.json:3:").contains("[input.compile-commands]"));
  }

  @Test
  void aNonCFileIsRefused() throws IOException {
    Files.writeString(dir.resolve("Server.java"), "class Server {}\n");
    assertThatThrownBy(() -> load(null, List.of(dir.resolve("Server.java"))))
        .isInstanceOfSatisfying(InputException.class, e ->
            assertThat(e.diagnostic().format()).isEqualTo(
                "Server.java: error: not a C source file (expected .c or .h; use --lang java for Java inputs) [input.not-c]"));
  }

  @Test
  void shellCommandsSplitLikeSh() {
    assertThat(ShellWords.split("gcc -DNAME=\"a b\" 'x y' z\\ w -I\"dir\""))
        .containsExactly("gcc", "-DNAME=a b", "x y", "z w", "-Idir");
  }

  @Test
  void garbageAndPathologicalUnitsAreReportedAndTheRestIsAnalysed() throws IOException {
    byte[] noise = new byte[4000];
    new java.util.Random(17).nextBytes(noise);
    Files.write(dir.resolve("noise.c"), noise);
    Files.writeString(dir.resolve("chain.c"), "int chain(void) { return 1" + " + 1".repeat(20_000) + "; }\n");
    Files.writeString(dir.resolve("nest.c"), "int nest(void) { return " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + "; }\n");
    Files.writeString(dir.resolve("ok.c"), "int chain(void); int nest(void);\nint main(void) { return chain() + nest(); }\n");
    CFrontend.Result r = load(null, List.of(dir));
    assertThat(r.stats().units()).isEqualTo(4);
    assertThat(r.stats().unitsWithErrors()).isEqualTo(1);
    assertThat(r.program().diagnostics())
        .allSatisfy(d -> assertThat(d.at().file()).isEqualTo("noise.c"))
        .anySatisfy(d -> assertThat(d.key()).isEqualTo("parse.syntax"));
    assertThat(edges(r)).containsExactlyInAnyOrder("main -> chain", "main -> nest");
  }
}
