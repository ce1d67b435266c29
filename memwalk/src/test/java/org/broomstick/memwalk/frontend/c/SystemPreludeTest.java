package org.broomstick.memwalk.frontend.c;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Global;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system prelude (issue 3): each pitfall gives the same program as the normal path, either
 * through the prelude or because the unit took the normal path. A fake system include directory
 * ({@code -isystem sys}) stands in for the system's headers; gcc builds the prelude from it.
 */
class SystemPreludeTest {

  /** An assert.h: what CHECK expands to depends on NDEBUG where the header is read. */
  private static final String CHECK_H = """
        #ifdef NDEBUG
        #define CHECK(x) ((void) 0)
        #else
        void check_fail(void);
        #define CHECK(x) ((x) ? (void) 0 : check_fail())
        #endif
        """;

  @TempDir Path dir;

  // One parser thread: with two, a unit that reaches its first system include while the other
  // builds the prelude takes the normal path instead of waiting.
  private CFrontend.Result load(boolean prelude) {
    return CFrontend.load(new CFrontend.Options(List.of(), dir.resolve("compile_commands.json"), List.of(), Map.of(),
        List.of(), ServerSpec.EMPTY, null, false, 1, dir, "gcc", null,
        prelude ? CFrontend.Prelude.ON : CFrontend.Prelude.OFF));
  }

  private void write(String path, String text) throws IOException {
    Files.createDirectories(dir.resolve(path).getParent());
    Files.writeString(dir.resolve(path), text);
  }

  /** One unit per file, each compiled with -isystem sys and the extra flags given. */
  private void database(String flags, String... files) throws IOException {
    StringBuilder sb = new StringBuilder("[");
    for (String f : files) {
      sb.append(sb.length() > 1 ? "," : "").append("""
          {"directory": "%s", "file": "%s", "command": "gcc -isystem sys %s -c %s"}""".formatted(dir, f, flags, f));
    }
    Files.writeString(dir.resolve("compile_commands.json"), sb.append("]").toString());
  }

  private static Set<String> edges(CFrontend.Result r) {
    var g = CallGraphBuilder.build(r.program(), Andersen.analyse(r.program()));
    Set<String> out = new TreeSet<>();
    g.edges().forEach(e -> out.add(e.from() + " -> " + e.to()));
    return out;
  }

  private static Set<String> globals(CFrontend.Result r) {
    Set<String> out = new TreeSet<>();
    for (Global g : r.program().globals()) {
      out.add(g.id() + "=" + g.sizeBytes());
    }
    return out;
  }

  private void sameAsNormalPath(int preludeUnits) {
    CFrontend.Result with = load(true);
    CFrontend.Result without = load(false);
    assertThat(with.stats().preludeUnits()).isEqualTo(preludeUnits);
    assertThat(without.stats().preludeUnits()).isZero();
    assertThat(edges(with)).isEqualTo(edges(without));
    assertThat(globals(with)).isEqualTo(globals(without));
    assertThat(with.program().constraints()).isEqualTo(without.program().constraints());
    assertThat(with.program().functions()).isEqualTo(without.program().functions());
    assertThat(with.program().diagnostics()).isEqualTo(without.program().diagnostics());
  }

  @Test
  void aUnitSeesOnlyTheSystemHeadersItIncludes() throws IOException {
    // b.c never includes sys/q.h, which the prelude holds for a.c: b.c's compatibility #ifndef
    // must still take its own branch.
    write("sys/sys/q.h", "#define Q_ENTRY(t) struct { t *next; }\nvoid q_init(void);\n");
    write("sys/base.h", "typedef unsigned long size_t;\nvoid base_call(void);\n");
    write("a.c", """
        #include <base.h>
        #include <sys/q.h>
        struct item { Q_ENTRY(struct item) link; size_t n; };
        struct item a_item;
        void a(void) { q_init(); base_call(); }
        """);
    write("b.c", """
        #include <base.h>
        void compat_q(void);
        #ifndef Q_ENTRY
        #define Q_ENTRY(t) struct { t *next; t **prev; }
        void b(void) { compat_q(); }
        #else
        void b(void) { base_call(); }
        #endif
        struct bitem { Q_ENTRY(struct bitem) link; };
        struct bitem b_item;
        """);
    database("", "a.c", "b.c");
    sameAsNormalPath(2);
    assertThat(edges(load(true))).contains("b -> compat_q").doesNotContain("b -> base_call");
    assertThat(globals(load(true))).contains("b_item=16", "a_item=16");
  }

  @Test
  void aMacroTheHeadersTestThatChangesAfterTheFirstSystemIncludeSendsTheUnitTheNormalWay() throws IOException {
    // NDEBUG defined between two system includes, as before a late assert.h.
    write("sys/first.h", "void first(void);\n");
    write("sys/check.h", CHECK_H);
    write("a.c", """
        #include <first.h>
        #define NDEBUG 1
        #include <check.h>
        void a(int v) { first(); CHECK(v); }
        """);
    write("b.c", """
        #include <check.h>
        void b(int v) { CHECK(v); }
        """);
    database("", "a.c", "b.c");
    sameAsNormalPath(1);
    assertThat(edges(load(true))).contains("a -> first", "b -> check_fail").doesNotContain("a -> check_fail");
  }

  @Test
  void aConfigurationDefinedOnTheCommandLineGetsItsOwnPrelude() throws IOException {
    write("sys/check.h", CHECK_H);
    write("a.c", "#include <check.h>\nvoid a(int v) { CHECK(v); }\n");
    write("b.c", "#include <check.h>\nvoid b(int v) { CHECK(v); }\n");
    Files.writeString(dir.resolve("compile_commands.json"), """
        [{"directory": "%1$s", "file": "a.c", "command": "gcc -isystem sys -DNDEBUG -c a.c"},
         {"directory": "%1$s", "file": "b.c", "command": "gcc -isystem sys -c b.c"}]
        """.formatted(dir));
    sameAsNormalPath(2);
    assertThat(edges(load(true))).contains("b -> check_fail").doesNotContain("a -> check_fail");
  }

  @Test
  void staticInlineFunctionsOfSystemHeadersKeepTheirHeaderAndLine() throws IOException {
    write("sys/helpers.h", """
        /* line 1 */

        static inline int sys_twice(int x)
        {
          return 2 * x;
        }

        typedef struct {
          int (*cb)(int);
        } sys_ops;
        """);
    write("a.c", """
        #include <helpers.h>
        sys_ops ops = { sys_twice };
        int a(int v) { return sys_twice(v) + ops.cb(v); }
        """);
    database("", "a.c");
    sameAsNormalPath(1);
    assertThat(edges(load(true))).contains("a -> sys_twice@sys/helpers.h");
    // The anonymous struct's key names its header and line, as on the normal path.
    assertThat(load(true).program().constraints()).extracting(Object::toString)
        .anyMatch(c -> c.contains("anon@sys/helpers.h:8.cb"));
  }

  @Test
  void aTypeThatTheUnionDeclaresInAnotherHeaderComesAlong() throws IOException {
    // glibc's pattern: whichever header comes first declares the type (socklen_t, pid_t, …).
    String shared = """
        #ifndef __len_t_defined
        typedef unsigned int len_t;
        #define __len_t_defined 1
        #endif
        """;
    write("sys/one.h", shared + "void one(len_t n);\n");
    write("sys/two.h", shared + "struct two { len_t a; len_t b; };\n");
    write("a.c", "#include <one.h>\nlen_t a_len;\n");
    write("b.c", "#include <two.h>\nstruct two b_two;\n");
    database("", "a.c", "b.c");
    sameAsNormalPath(2);
    assertThat(globals(load(true))).contains("b_two=8", "a_len=4");
  }

  @Test
  void aHeaderGccRejectsInTheUnionIsReadByTheUnitItself() throws IOException {
    // pcre2.h's pattern: it needs a macro the project defines just before including it.
    write("sys/first.h", "int first_fn(void);\n");
    write("sys/needs.h", """
        #ifndef NEEDS_WIDTH
        #error "define NEEDS_WIDTH first"
        #endif
        #include <first.h>
        typedef struct { char c[NEEDS_WIDTH]; } needs_t;
        int needs_fn(needs_t *);
        """);
    write("a.c", """
        #include <first.h>
        #define NEEDS_WIDTH 8
        #include <needs.h>
        needs_t a_needs;
        int a(void) { return needs_fn(&a_needs) + first_fn(); }
        """);
    database("", "a.c");
    sameAsNormalPath(1);
    assertThat(globals(load(true))).contains("a_needs=8");
    assertThat(edges(load(true))).contains("a -> needs_fn", "a -> first_fn");
  }

  @Test
  void includeNextFromAProjectHeaderTakesTheNormalPath() throws IOException {
    write("sys/wrap.h", "void wrapped(void);\n");
    write("inc/wrap.h", "#include_next <wrap.h>\nvoid extra(void);\n");
    write("a.c", "#include <wrap.h>\nvoid a(void) { wrapped(); extra(); }\n");
    database("-Iinc", "a.c");
    sameAsNormalPath(0);
    assertThat(edges(load(true))).contains("a -> wrapped", "a -> extra");
  }

  @Test
  void noStdIncTakesTheNormalPath() throws IOException {
    write("sys/plain.h", "void plain(void);\n");
    write("a.c", "#include <plain.h>\nvoid a(void) { plain(); }\n");
    database("-nostdinc", "a.c");
    sameAsNormalPath(0);
  }

  @Test
  void theSystemPropertyChoosesThePrelude() {
    String old = System.getProperty("broomstick.prelude");
    try {
      System.setProperty("broomstick.prelude", "false");
      assertThat(CFrontend.Options.of(List.of(dir)).prelude()).isEqualTo(CFrontend.Prelude.OFF);
      System.setProperty("broomstick.prelude", "on");
      assertThat(CFrontend.Options.of(List.of(dir)).prelude()).isEqualTo(CFrontend.Prelude.ON);
      System.clearProperty("broomstick.prelude");
      assertThat(CFrontend.Options.of(List.of(dir)).prelude()).isEqualTo(CFrontend.Prelude.AUTO);
    } finally {
      if (old != null) {
        System.setProperty("broomstick.prelude", old);
      }
    }
  }

  @Test
  void aRunOfFewUnitsTakesTheNormalPathUnlessThePreludeIsOn() throws IOException {
    write("sys/api.h", "int api(int);\n");
    write("a.c", "#include <api.h>\nint a(int v) { return api(v); }\n");
    database("", "a.c");
    CFrontend.Result auto = CFrontend.load(new CFrontend.Options(List.of(), dir.resolve("compile_commands.json"), List.of(), Map.of(),
        List.of(), ServerSpec.EMPTY, null, false, 1, dir, "gcc", null, CFrontend.Prelude.AUTO));
    assertThat(auto.stats().preludeUnits()).as("1 unit < %d under auto", CFrontend.Prelude.MIN_UNITS).isZero();
    assertThat(load(true).stats().preludeUnits()).isEqualTo(1);
    assertThat(CFrontend.Prelude.AUTO.use(CFrontend.Prelude.MIN_UNITS - 1)).isFalse();
    assertThat(CFrontend.Prelude.AUTO.use(CFrontend.Prelude.MIN_UNITS)).isTrue();
  }

  @Test
  void functionsAreTheSameRecords() throws IOException {
    write("sys/api.h", "int api(int);\n");
    write("a.c", "#include <api.h>\nint a(int v) { return api(v); }\n");
    database("", "a.c");
    List<Function> with = load(true).program().functions();
    assertThat(with).extracting(Function::id).contains("a", "api");
    sameAsNormalPath(1);
  }
}
