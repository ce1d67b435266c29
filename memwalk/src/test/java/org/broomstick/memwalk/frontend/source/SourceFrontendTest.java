package org.broomstick.memwalk.frontend.source;

import org.broomstick.memwalk.frontend.JavaInputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.frontend.FrontendConformanceTest;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the source frontend meets: broken and unresolved code, columns (issue 7, item 3). */
class SourceFrontendTest {

  @TempDir Path dir;

  private Program load(String... sources) throws Exception {
    String[] all = new String[sources.length + 1];
    all[0] = FrontendConformanceTest.SERVER;
    System.arraycopy(sources, 0, all, 1, sources.length);
    Path src = FrontendConformanceTest.write(dir, all);
    return SourceFrontend.load(new JavaInputs(List.of(src), List.of(), ServerSpec.EMPTY, null, src)).program();
  }

  private static List<String> events(Program p, String from) {
    FrontendConformanceTest.View v = FrontendConformanceTest.View.of(p);
    return v.eventEdges().stream().filter(e -> e.startsWith(from + " -> ")).map(e -> e.substring(from.length() + 4)).toList();
  }

  @Test
  void anUnresolvedCallIsAWarningWithItsLineAndColumn() throws Exception {
    Program p = load("""
        package demo;
        public class Caller {
          static void call(Srv.Req r) {
            Gone.vanish(r);
            Srv.queue(r, Caller::call);
          }
        }
        """);
    assertThat(p.diagnostics()).filteredOn(d -> d.key().equals("source.unresolved-call")).singleElement().satisfies(d -> {
      assertThat(d.severity()).isEqualTo(Severity.WARNING);
      assertThat(d.at().toString()).isEqualTo("demo/Caller.java:4:10");
      assertThat(d.message()).contains("Gone.vanish", "Caller.call");
    });
    // The rest of the body is still there.
    assertThat(events(p, "Caller.call")).containsExactly("Caller.call");
  }

  @Test
  void aFileWithASyntaxErrorIsReportedAndTheOthersAreAnalysed() throws Exception {
    Program p = load("""
        package demo;
        public class Broken {
          static void oops( { }
        }
        """, """
        package demo;
        public class Fine {
          static void start(Srv.Req r) { Srv.queue(r, Fine::next); }
          static void next(Srv.Req r) {}
        }
        """);
    Diagnostic syntax = p.diagnostics().stream().filter(d -> d.key().equals("parse.syntax")).findFirst().orElseThrow();
    assertThat(syntax.severity()).isEqualTo(Severity.ERROR);
    assertThat(syntax.at().file()).isEqualTo("demo/Broken.java");
    assertThat(syntax.at().line()).isEqualTo(3);
    assertThat(syntax.at().column()).isPositive();
    assertThat(events(p, "Fine.start")).containsExactly("Fine.next");
    assertThat(p.functions()).extracting(Function::name).doesNotContain("Broken.oops");
  }

  @Test
  void genericInterfacesDispatchToTheirImplementationsAndLambdas() throws Exception {
    Program p = load("""
        package demo;
        import java.util.function.Consumer;
        import java.util.ArrayList;
        import java.util.List;
        public class Generic {
          interface Sink<T> { void put(T t); }
          static final class Log implements Sink<String> { public void put(String s) { sink(s); } }
          static final class Box<T> { T item; Box(T t) { item = t; } T get() { return item; } }
          static void sink(String s) {}
          static void other(String s) {}
          static <T> void run(Sink<T> c, T t) { c.put(t); }
          static void each(List<Srv.Handler> hs, Srv.Req r) { for (Srv.Handler h : hs) { Srv.queue(r, h); } }
          static void main(Srv.Req r) {
            run(new Log(), "x");
            run(Generic::other, "y");
            Box<Srv.Handler> box = new Box<>(Generic::stage);
            Srv.queue(r, box.get());
            List<Srv.Handler> hs = new ArrayList<>();
            hs.add(Generic::other2);
            each(hs, r);
          }
          static void stage(Srv.Req r) {}
          static void other2(Srv.Req r) {}
        }
        """);
    FrontendConformanceTest.View v = FrontendConformanceTest.View.of(p);
    assertThat(v.callEdges()).contains("Generic.run -> Generic$Log.put", "Generic.run -> Generic.other", "Generic$Log.put -> Generic.sink");
    assertThat(events(p, "Generic.main")).containsExactly("Generic.stage");
    assertThat(events(p, "Generic.each")).containsExactly("Generic.other2");
  }

  @Test
  void innerAnonymousAndLocalClassesAreNamedAsJavacNamesThem() throws Exception {
    Program p = load("""
        package demo;
        public class Outer {
          int hits;
          class Inner implements Srv.Handler {
            public void handle(Srv.Req r) { hits++; done(r); }
          }
          void done(Srv.Req r) {}
          void start(Srv.Req r) {
            Srv.queue(r, new Inner());
            Srv.queue(r, new Srv.Handler() { public void handle(Srv.Req q) { done(q); } });
            class Local implements Srv.Handler { public void handle(Srv.Req q) {} }
            Srv.queue(r, new Local());
          }
        }
        """);
    assertThat(events(p, "Outer.start")).containsExactly("Outer$1.handle", "Outer$1Local.handle", "Outer$Inner.handle");
    FrontendConformanceTest.View v = FrontendConformanceTest.View.of(p);
    // The inner classes reach the outer instance's methods through this$0.
    assertThat(v.callEdges()).contains("Outer$Inner.handle -> Outer.done", "Outer$1.handle -> Outer.done");
    Function inner = p.functions().stream().filter(f -> f.name().equals("Outer$Inner.<init>")).findFirst().orElseThrow();
    assertThat(inner.id()).isEqualTo("demo.Outer$Inner.<init>(Ldemo/Outer;)V");
  }

  @Test
  void functionsHaveEstimatedFramesAndLocationsWithColumns() throws Exception {
    Program p = load("""
        package demo;
        public class Small {
          static int add(int a, long b) { return a + (int) b; }
          void call() { add(1, 2L); }
        }
        """);
    Function add = p.functions().stream().filter(f -> f.name().equals("Small.add")).findFirst().orElseThrow();
    assertThat(add.id()).isEqualTo("demo.Small.add(IJ)I");
    assertThat(add.frameSource()).isEqualTo(FrameSource.ESTIMATE);
    assertThat(add.frameBytes()).isPositive();
    assertThat(add.codeBytes()).isPositive();
    assertThat(add.location().toString()).isEqualTo("demo/Small.java:3:14");
    assertThat(p.calls()).filteredOn(c -> c.callee() != null && c.callee().equals(add.id())).singleElement()
        .satisfies(c -> assertThat(c.location().toString()).isEqualTo("demo/Small.java:4:17"));
    assertThat(p.language()).isEqualTo("java");
  }

  @Test
  void sourcesWithoutJavaFilesAreAnInputError() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SourceFrontend.load(JavaInputs.of(List.of(empty))))
        .isInstanceOf(org.broomstick.memwalk.diag.InputException.class)
        .hasMessageContaining("no .java files");
  }
}
