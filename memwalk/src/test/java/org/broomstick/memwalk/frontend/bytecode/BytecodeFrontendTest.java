package org.broomstick.memwalk.frontend.bytecode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.FrameSource;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.scg.Edge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytecode frontend's constructs as specifications (issue 7, item 2; SPEC §4). */
class BytecodeFrontendTest {

  @TempDir Path dir;

  /** The interface of every snippet: a task, a stage interface, queue, alloc and free. */
  private static final String SERVER = """
      package demo;
      import java.nio.ByteBuffer;
      import org.broomstick.annotations.*;
      public final class Srv {
        public interface Handler { void handle(Req r); }
        public static final class Req { public ByteBuffer buf; public boolean err; public String path; }
        @QueueStage public static void queue(@QueueStage.Task Req r, @QueueStage.Stage Handler h) {}
        @Malloc public static ByteBuffer buffer(@Malloc.Size int n) { return ByteBuffer.allocateDirect(n); }
        @Free public static void release(ByteBuffer b) {}
      }
      """;

  private JavaFixture fixture(String... sources) throws Exception {
    String[] all = new String[sources.length + 1];
    all[0] = SERVER;
    System.arraycopy(sources, 0, all, 1, sources.length);
    return JavaFixture.of(dir, all);
  }

  @Test
  void aMethodIsAFunctionWithItsBytecodeFigures() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Small {
          static int two() {
            return 2;
          }
          int add(int a, long b) { return a + (int) b; }
        }
        """);
    Function two = f.function("Small.two");
    assertThat(two.id()).isEqualTo("demo.Small.two()I");
    assertThat(two.location().file()).isEqualTo("demo/Small.java");
    assertThat(two.location().line()).isEqualTo(4);
    assertThat(two.codeBytes()).isEqualTo(2); // iconst_2, ireturn
    assertThat(two.frameBytes()).isEqualTo((0 + 1) * 8); // no locals, one stack slot
    assertThat(two.frameSource()).isEqualTo(FrameSource.BYTECODE);
    Function add = f.function("Small.add");
    assertThat(add.params()).hasSize(3).first().isEqualTo("this");
    assertThat(add.frameBytes()).isEqualTo((4 + 3) * 8); // this, a, b (2 slots); stack int + long
    assertThat(f.program.language()).isEqualTo("java");
  }

  @Test
  void aMethodReferenceIsTheStage() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Refs {
          static void start(Srv.Req r) { Srv.queue(r, Refs::parse); }
          static void parse(Srv.Req r) { Srv.queue(r, new Refs()::respond); }
          void respond(Srv.Req r) {}
          static void main(Srv.Req r) { Srv.queue(r, Refs::start); }
        }
        """);
    assertThat(f.targets("Refs.start", Edge.Kind.EVENT)).containsExactly("Refs.parse");
    assertThat(f.targets("Refs.parse", Edge.Kind.EVENT)).containsExactly("Refs.respond");
    assertThat(f.stageNames()).containsExactly("Refs.parse", "Refs.respond", "Refs.start");
  }

  @Test
  void aLambdaIsTheStageRunningItsBody() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Lambdas {
          static void start(Srv.Req r) {
            int limit = 3;
            Srv.queue(r, req -> work(req, limit));
          }
          static void work(Srv.Req r, int n) {}
        }
        """);
    List<String> stages = f.targets("Lambdas.start", Edge.Kind.EVENT);
    assertThat(stages).singleElement().asString().startsWith("Lambdas.lambda$start$");
    assertThat(f.targets(stages.get(0), Edge.Kind.CALL)).containsExactly("Lambdas.work");
  }

  @Test
  void anObjectOfTheStageInterfaceRunsTheImplementationsThatMayFlowThere() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Objects {
          static final class Parse implements Srv.Handler { public void handle(Srv.Req r) {} }
          static final class Reply implements Srv.Handler { public void handle(Srv.Req r) {} }
          static final class Unused implements Srv.Handler { public void handle(Srv.Req r) {} }
          static final class Elsewhere implements Srv.Handler { public void handle(Srv.Req r) {} }
          static Srv.Handler kept = new Elsewhere();
          static void start(Srv.Req r) {
            Srv.Handler h = r.err ? new Parse() : new Reply();
            Srv.queue(r, h);
          }
        }
        """);
    assertThat(f.targets("Objects.start", Edge.Kind.EVENT))
        .containsExactly("Objects$Parse.handle", "Objects$Reply.handle");
  }

  @Test
  void interfaceDispatchOnAGenericInterfaceRunsImplementationAndLambdas() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        import java.util.function.Consumer;
        public class Generic {
          static final class Log implements Consumer<String> { public void accept(String s) { sink(s); } }
          static void sink(String s) {}
          static void other(String s) {}
          static void run(Consumer<String> c) { c.accept("x"); }
          static void main() { run(new Log()); run(Generic::other); }
        }
        """);
    // The erased accept(Object) is a bridge in Log; it calls accept(String).
    assertThat(f.targets("Generic.run", Edge.Kind.CALL)).contains("Generic$Log.accept", "Generic.other");
  }

  @Test
  void handlerMapsAndArraysFilledInTheStaticInitialiserAreFollowed() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        import java.util.HashMap;
        import java.util.Map;
        public class Router {
          static final Map<String, Srv.Handler> ROUTES = new HashMap<>();
          static final Srv.Handler[] TABLE = { Router::c, r -> d(r) };
          static {
            ROUTES.put("/a", Router::a);
            ROUTES.put("/b", Router::b);
          }
          static void route(Srv.Req r) {
            Srv.queue(r, ROUTES.getOrDefault(r.path, Router::missing));
          }
          static void table(Srv.Req r, int i) { Srv.queue(r, TABLE[i]); }
          static void a(Srv.Req r) {}
          static void b(Srv.Req r) {}
          static void c(Srv.Req r) {}
          static void d(Srv.Req r) {}
          static void missing(Srv.Req r) {}
        }
        """);
    assertThat(f.targets("Router.route", Edge.Kind.EVENT)).containsExactly("Router.a", "Router.b", "Router.missing");
    List<String> table = f.targets("Router.table", Edge.Kind.EVENT);
    assertThat(table).hasSize(2).contains("Router.c");
    assertThat(table).anySatisfy(s -> assertThat(s).startsWith("Router.lambda$static$"));
  }

  @Test
  void virtualCallsReachOnlyInstantiatedClasses() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Shapes {
          interface Shape { int area(); }
          static final class Square implements Shape { public int area() { return 4; } }
          static final class Circle implements Shape { public int area() { return 3; } }
          static int total(Shape s) { return s.area(); }
          static int main() { return total(new Square()); }
        }
        """);
    assertThat(f.targets("Shapes.total", Edge.Kind.CALL)).containsExactly("Shapes$Square.area");
  }

  @Test
  void recursionIsACallEdgeToItself() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Rec {
          static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }
          int even(int n) { return n == 0 ? 1 : odd(n - 1); }
          int odd(int n) { return n == 0 ? 0 : even(n - 1); }
        }
        """);
    assertThat(f.targets("Rec.depth", Edge.Kind.CALL)).containsExactly("Rec.depth");
    assertThat(f.targets("Rec.even", Edge.Kind.CALL)).containsExactly("Rec.odd");
    assertThat(f.targets("Rec.odd", Edge.Kind.CALL)).containsExactly("Rec.even");
  }

  @Test
  void callOrdinalsAreTheFlowGraphsEvents() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Flow {
          static void a() {}
          static void b() {}
          static void c() {}
          static void m(boolean x) {
            a();
            if (x) { b(); return; }
            try { c(); } catch (RuntimeException e) { a(); }
          }
        }
        """);
    String id = f.id("Flow.m");
    FlowGraph flow = f.program.flows().stream().filter(g -> g.function().equals(id)).findFirst().orElseThrow();
    List<Integer> placed = flow.blocks().stream().flatMap(b -> b.events().stream()).sorted().toList();
    List<Integer> ordinals = f.callsIn("Flow.m").stream().map(CallSite::ordinal).sorted().toList();
    assertThat(placed).isEqualTo(ordinals).containsExactly(0, 1, 2, 3);
    assertThat(flow.blocks().get(0).events()).isEmpty();
    assertThat(flow.blocks().get(flow.exit()).successors()).isEmpty();
    // The handler's call (ordinal 3) is reached both with and without c() (ordinal 2) done.
    int handler = blockOf(flow, 3);
    int tryBlock = blockOf(flow, 2);
    assertThat(flow.blocks().get(tryBlock).successors()).contains(handler);
    assertThat(predecessors(flow, handler)).hasSizeGreaterThan(1);
  }

  private static int blockOf(FlowGraph g, int event) {
    for (int i = 0; i < g.blocks().size(); i++) {
      if (g.blocks().get(i).events().contains(event)) {
        return i;
      }
    }
    throw new AssertionError("event " + event + " not placed");
  }

  private static List<Integer> predecessors(FlowGraph g, int block) {
    List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < g.blocks().size(); i++) {
      if (g.blocks().get(i).successors().contains(block)) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void allocationsHaveConstantSizesAndHintsFromTheReceivingVariable() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        import java.nio.ByteBuffer;
        import org.broomstick.annotations.StingySize;
        public class Alloc {
          static final int PAGE = 4096;
          static void fixed(Srv.Req r) {
            r.buf = Srv.buffer(PAGE);
          }
          static void computed(Srv.Req r, int n) {
            int k = 2;
            ByteBuffer a = Srv.buffer(k * 512);
            @StingySize(2048) ByteBuffer b = Srv.buffer(n);
            Srv.release(a);
            Srv.release(b);
          }
        }
        """);
    List<AllocSite> allocs = f.program.allocs();
    assertThat(allocs).extracting(AllocSite::sizeBytes).containsExactlyInAnyOrder(4096L, 1024L, null);
    AllocSite hinted = allocs.stream().filter(a -> a.sizeBytes() == null).findFirst().orElseThrow();
    assertThat(hinted.hints().stingySize()).isEqualTo(2048L);
    assertThat(hinted.id()).startsWith("demo/Alloc.java:12:0#Srv.buffer");
    assertThat(f.program.frees()).hasSize(2);
    // Each free releases exactly the object of its own variable.
    for (var free : f.program.frees()) {
      assertThat(f.pointsTo.of(free.pointer())).filteredOn(o -> o.startsWith("heap:")).hasSize(1);
    }
  }

  @Test
  void unresolvedCallsAreReportedWithClassMethodAndLine() throws Exception {
    Path classes = JavaFixture.compile(dir, List.of("-g"), SERVER, """
        package demo;
        public class Gone {
          public static void vanish() {}
        }
        """, """
        package demo;
        public class Caller {
          static void call() {
            Gone.vanish();
          }
        }
        """);
    Files.delete(classes.resolve("demo/Gone.class"));
    JavaFixture f = JavaFixture.load(classes, null);
    assertThat(f.program.diagnostics())
        .filteredOn(d -> d.key().equals("bytecode.unresolved-call"))
        .singleElement()
        .satisfies(d -> {
          assertThat(d.at().file()).isEqualTo("demo/Caller.java");
          assertThat(d.at().line()).isEqualTo(4);
          assertThat(d.message()).contains("demo.Gone.vanish", "Caller.call", "class not found");
        });
  }

  @Test
  void theYamlSpecBindsUnannotatedJava() throws Exception {
    Path classes = JavaFixture.compile(dir, List.of("-g"), """
        package plain;
        public class Loop {
          public interface Step { void run(Loop task); }
          public void then(Step next) {}
          static void first(Loop t) { t.then(Loop::second); }
          static void second(Loop t) {}
        }
        """);
    Path yaml = Files.writeString(dir.resolve("broomstick.yaml"), """
        queueStage:
          - {function: plain.Loop.then, params: [S]}
        """);
    JavaFixture f = JavaFixture.load(classes, yaml);
    assertThat(f.program.diagnostics()).extracting(Diagnostic::key).doesNotContain("spec.unknown-function");
    // An instance method without a task parameter: the receiver is the task.
    assertThat(f.program.spec().queueStages().get("Loop.then").params()).hasSize(2);
    assertThat(f.targets("Loop.first", Edge.Kind.EVENT)).containsExactly("Loop.second");
  }

  @Test
  void aFreeOnTheErrorPathDoesNotKillTheObjectOnTheNormalPath() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Pipeline {
          static void accept(Srv.Req r) {
            r.buf = Srv.buffer(4096);
            Srv.queue(r, Pipeline::parse);
          }
          static void parse(Srv.Req r) {
            if (r.err) {
              Srv.release(r.buf);
              Srv.queue(r, Pipeline::close);
              return;
            }
            Srv.queue(r, Pipeline::respond);
          }
          static void close(Srv.Req r) {}
          static void respond(Srv.Req r) {
            Srv.release(r.buf);
          }
          static void main() { Srv.queue(new Srv.Req(), Pipeline::accept); }
        }
        """);
    String buf = f.program.allocs().get(0).id();
    Liveness l = f.liveness();
    assertThat(f.stage(l, "Pipeline.accept").allocates()).containsExactly(buf);
    assertThat(f.stage(l, "Pipeline.parse").liveIn()).containsExactly(buf);
    assertThat(f.stage(l, "Pipeline.respond").liveIn()).containsExactly(buf);
    assertThat(f.stage(l, "Pipeline.close").liveIn()).isEmpty();
    assertThat(f.stage(l, "Pipeline.respond").liveAtExit()).isEmpty();
    assertThat(l.objectsById().get(buf).outlivesTask()).isFalse();
  }

  @Test
  void aFreeInsideATryDoesNotCountOnTheHandlersPath() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        public class Guarded {
          static void accept(Srv.Req r) {
            r.buf = Srv.buffer(64);
            Srv.queue(r, Guarded::work);
          }
          static void work(Srv.Req r) {
            try {
              check(r);
              Srv.release(r.buf);
            } catch (IllegalStateException e) {
              Srv.queue(r, Guarded::fail);
              return;
            }
            Srv.queue(r, Guarded::done);
          }
          static void check(Srv.Req r) { if (r.err) throw new IllegalStateException(); }
          static void fail(Srv.Req r) {}
          static void done(Srv.Req r) {}
          static void main() { Srv.queue(new Srv.Req(), Guarded::accept); }
        }
        """);
    String buf = f.program.allocs().get(0).id();
    Liveness l = f.liveness();
    assertThat(f.stage(l, "Guarded.fail").liveIn()).containsExactly(buf);
    assertThat(f.stage(l, "Guarded.done").liveIn()).isEmpty();
  }

  @Test
  void aStoreIntoAStageFieldQueuesTheStageAndTheSchedulerDispatchesIt() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        import org.broomstick.annotations.*;
        public class Conn {
          @StageField Srv.Handler onReadable;
          final Srv.Req req = new Srv.Req();
          void open() { onReadable = this::read; }
          void read(Srv.Req r) { onReadable = Conn::write; }
          static void write(Srv.Req r) {}
          @ScheduleStage static void run(@ScheduleStage.Task Srv.Req r, @ScheduleStage.Stage Srv.Handler h) { h.handle(r); }
          @Scheduler void loop() { run(req, onReadable); }
        }
        """);
    assertThat(f.targets("Conn.open", Edge.Kind.EVENT)).containsExactly("Conn.read");
    assertThat(f.targets("Conn.read", Edge.Kind.EVENT)).containsExactly("Conn.write");
    assertThat(f.program.queues()).extracting(q -> q.kind().name()).contains("STAGE_FIELD", "SCHEDULE_STAGE");
    var scheduler = f.stages.scheduler().orElseThrow();
    assertThat(f.name(scheduler.entry())).isEqualTo("Conn.loop");
    // The ScheduleStage call in loop is itself a dispatch (a call of the stage), and run calls it.
    assertThat(scheduler.dispatchers()).extracting(f::name).containsExactlyInAnyOrder("Conn.loop", "Conn.run");
  }

  @Test
  void aNullGuardBeforeAFreeKillsOnBothPaths() throws Exception {
    // if (b == null) return; release(b): on the null branch the task holds nothing through b.
    JavaFixture f = fixture("""
        package demo;
        public class Guard {
          static void accept(Srv.Req r) {
            r.buf = Srv.buffer(4096);
            Srv.queue(r, Guard::done);
          }
          static void done(Srv.Req r) {
            java.nio.ByteBuffer b = r.buf;
            if (b == null) {
              return;
            }
            Srv.release(b);
          }
          static void main() { Srv.queue(new Srv.Req(), Guard::accept); }
        }
        """);
    String buf = f.program.allocs().get(0).id();
    Liveness l = f.liveness();
    assertThat(f.stage(l, "Guard.done").liveIn()).containsExactly(buf);
    assertThat(f.stage(l, "Guard.done").liveAtExit()).isEmpty();
    assertThat(l.objectsById().get(buf).outlivesTask()).isFalse();
  }

  @Test
  void aChainedFieldAssignmentDoesNotStoreTheReceiverIntoTheField() throws Exception {
    // body = head = null compiles to aload_0, aload_0, aconst_null, dup_x1, putfield, putfield:
    // the duplicated value is the null, not the receiver below it.
    JavaFixture f = fixture("""
        package demo;
        import java.nio.ByteBuffer;
        public class Req {
          ByteBuffer body, head;
          void clear() { body = head = null; }
          static void use() { Req r = new Req(); r.clear(); }
        }
        """);
    assertThat(f.pointsTo.of(fieldCell(f, "Req.body"))).noneMatch(o -> o.startsWith("new:demo.Req@"));
    assertThat(f.pointsTo.of(fieldCell(f, "Req.head"))).noneMatch(o -> o.startsWith("new:demo.Req@"));
  }

  private static String fieldCell(JavaFixture f, String suffix) {
    return f.pointsTo.pointsTo().keySet().stream().filter(c -> c.startsWith("f:") && c.endsWith(suffix)).findFirst()
        .orElse("f:none");
  }

  @Test
  void aFreeMethodWithoutParametersFreesItsReceiver() throws Exception {
    JavaFixture f = fixture("""
        package demo;
        import org.broomstick.annotations.*;
        public class Buf {
          @Malloc(size = 256) static Buf take() { return new Buf(); }
          @Free void give() {}
          static void use() {
            Buf b = take();
            b.give();
          }
        }
        """);
    assertThat(f.program.allocs()).singleElement().satisfies(a -> assertThat(a.sizeBytes()).isEqualTo(256L));
    var free = f.program.frees().get(0);
    assertThat(f.pointsTo.of(free.pointer())).contains(f.program.allocs().get(0).heapObject());
  }
}
