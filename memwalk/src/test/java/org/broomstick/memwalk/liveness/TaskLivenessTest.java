package org.broomstick.memwalk.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.frontend.c.CFrontend;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.scg.StageDiscovery;
import org.broomstick.memwalk.spec.ServerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-task liveness with must-free semantics (SPEC §5.5; issue 4, item 4). */
class TaskLivenessTest {

  @TempDir Path dir;

  private static final String IFACE = """
      #include <stddef.h>
      struct task { int err; int n; char *x; char *y; char *z; };
      typedef void stage_fn(struct task *);
      void queue(struct task *t, stage_fn *s) __attribute__((QueueStage("T", "S")));
      void *alloc(size_t n) __attribute__((Malloc("size")));
      void release(void *p) __attribute__((Free("ptr")));
      """;

  private Program program;

  private Liveness liveness(String code) throws Exception {
    // The scheduler side starts each task in stage start.
    String driver = code.contains("void start(") ? "void driver(struct task *t) { queue(t, start); }\n" : "";
    Files.writeString(dir.resolve("s.c"), IFACE + code + driver);
    var r = CFrontend.load(new CFrontend.Options(
        List.of(dir), null, List.of(), Map.of(), List.of(), ServerSpec.EMPTY, null, false, 1, dir, "gcc", null, null));
    program = r.program();
    PointsTo pt = Andersen.analyse(program);
    var g = CallGraphBuilder.build(program, pt);
    if (Boolean.getBoolean("debug.flows")) {
      program.flows().forEach(System.out::println);
      program.calls().forEach(c -> System.out.println(c.caller() + " " + c.ordinal() + " " + c.callee()));
      program.queues().forEach(System.out::println);
      program.allocs().forEach(System.out::println);
    }
    return TaskLiveness.analyse(StageDiscovery.discover(g, null), pt);
  }

  /** The id of the object allocated on the given line of the snippet (1-based, after IFACE). */
  private String objectAt(int snippetLine) {
    int line = (int) IFACE.lines().count() + snippetLine;
    return program.allocs().stream().filter(a -> a.location().line() == line).map(AllocSite::id).findFirst()
        .orElseThrow(() -> new AssertionError("no allocation on snippet line " + snippetLine + ": " + program.allocs()));
  }

  private static Liveness.StageFacts stage(Liveness l, String name) {
    return l.stages().stream().filter(s -> s.stage().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aFreeOnTheErrorPathDoesNotKillTheObjectOnTheNormalPath() throws Exception {
    Liveness l = liveness("""
        void close_conn(struct task *t) { t->n = 0; }
        void done(struct task *t) { release(t->x); }
        void parse(struct task *t) {
          if (t->err) {
            release(t->x);
            queue(t, close_conn);
            return;
          }
          queue(t, done);
        }
        void start(struct task *t) {
          t->x = alloc(64);
          queue(t, parse);
        }
        """);
    String x = objectAt(12);
    assertThat(stage(l, "parse").liveIn()).containsExactlyInAnyOrder(x);
    assertThat(stage(l, "done").liveIn()).containsExactlyInAnyOrder(x);
    assertThat(stage(l, "close_conn").liveIn()).isEmpty();
    assertThat(stage(l, "done").liveAtExit()).isEmpty();
    assertThat(l.objectsById().get(x).outlivesTask()).isFalse();
    assertThat(stage(l, "parse").frees()).containsExactlyInAnyOrder(x);
  }

  @Test
  void aFreeOnEveryPathKillsEvenThroughACallThatDominatesTheQueueSite() throws Exception {
    Liveness l = liveness("""
        void last(struct task *t) { t->n = 1; }
        void drop(struct task *t) {
          if (t->n) { release(t->x); return; }
          release(t->x);
        }
        void middle(struct task *t) {
          drop(t);
          queue(t, last);
        }
        void start(struct task *t) {
          t->x = alloc(64);
          t->y = alloc(32);
          queue(t, middle);
        }
        """);
    String x = objectAt(11);
    String y = objectAt(12);
    assertThat(stage(l, "middle").liveIn()).containsExactlyInAnyOrder(x, y);
    assertThat(stage(l, "middle").mustLiveIn()).containsExactlyInAnyOrder(x, y);
    assertThat(stage(l, "last").liveIn()).containsExactlyInAnyOrder(y);
    // Nobody frees y: a task still holds it when its last stage returns.
    assertThat(l.objectsById().get(y).outlivesTask()).isTrue();
    assertThat(l.objectsById().get(x).outlivesTask()).isFalse();
  }

  @Test
  void anObjectFreedOnlyOnSomePathsIsMayLiveButNotMustLive() throws Exception {
    Liveness l = liveness("""
        void last(struct task *t) { release(t->x); }
        void middle(struct task *t) {
          if (t->n && t->err) release(t->x);
          queue(t, last);
        }
        void start(struct task *t) {
          t->x = alloc(64);
          queue(t, middle);
        }
        """);
    String x = objectAt(7);
    assertThat(stage(l, "last").liveIn()).containsExactlyInAnyOrder(x);
    assertThat(stage(l, "last").mustLiveIn()).isEmpty();
  }

  @Test
  void anAllocationAfterTheQueueSiteIsNotLiveAtIt() throws Exception {
    Liveness l = liveness("""
        void next(struct task *t) { t->n = 2; }
        void start(struct task *t) {
          queue(t, next);
          t->x = alloc(64);
          release(t->x);
        }
        """);
    assertThat(stage(l, "next").liveIn()).isEmpty();
    assertThat(stage(l, "start").allocates()).containsExactlyInAnyOrder(objectAt(4));
  }

  @Test
  void allocatingInALoopOrACycleWhileAnEarlierInstanceMayBeLiveIsUnbounded() throws Exception {
    Liveness l = liveness("""
        void loop_alloc(struct task *t) {
          for (int i = 0; i < t->n; i++) {
            t->x = alloc(16);
          }
          release(t->x);
        }
        void reader(struct task *t) {
          t->y = alloc(128);
          if (t->n) { queue(t, reader); return; }
          release(t->y);
        }
        void freed_each_time(struct task *t) {
          t->z = alloc(8);
          release(t->z);
          if (t->n) queue(t, freed_each_time);
        }
        void main_loop(struct task *t) { queue(t, loop_alloc); queue(t, reader); queue(t, freed_each_time); }
        """);
    var o = l.objectsById();
    assertThat(o.get(objectAt(3)).reallocatedWhileLive()).as("loop").isTrue();
    assertThat(o.get(objectAt(8)).reallocatedWhileLive()).as("SCG cycle holding y").isTrue();
    assertThat(o.get(objectAt(13)).reallocatedWhileLive()).as("freed before the cycle closes").isFalse();
  }

  @Test
  void theGotoCleanupIdiomFreesOnlyOnTheFailurePath() throws Exception {
    Liveness l = liveness("""
        void close_conn(struct task *t) { t->n = 0; }
        void done(struct task *t) { release(t->x); }
        void parse(struct task *t) {
          if (t->err)
            goto fail;
          queue(t, done);
          return;
        fail:
          release(t->x);
          queue(t, close_conn);
        }
        void start(struct task *t) { t->x = alloc(8); queue(t, parse); }
        """);
    String x = objectAt(12);
    assertThat(stage(l, "done").liveIn()).containsExactlyInAnyOrder(x);
    assertThat(stage(l, "close_conn").liveIn()).isEmpty();
  }

  @Test
  void aNullTestBeforeAFreeKillsOnBothPaths() throws Exception {
    // Real servers guard their frees: if (p) free(p); or if (p == NULL) return; free(p);
    Liveness l = liveness("""
        void drop_x(struct task *t) {
          if (t->x == NULL)
            return;
          release(t->x);
        }
        void done(struct task *t) {
          drop_x(t);
          if (t->y != NULL) release(t->y);
          if (!t->z) t->n = 0; else release(t->z);
        }
        void start(struct task *t) {
          t->x = alloc(8);
          t->y = alloc(8);
          t->z = alloc(8);
          queue(t, done);
        }
        """);
    assertThat(stage(l, "done").liveIn()).hasSize(3);
    assertThat(stage(l, "done").liveAtExit()).isEmpty();
    assertThat(l.objects()).noneMatch(Liveness.ObjectFacts::outlivesTask);
  }

  @Test
  void switchesLoopsAndShortCircuitsAreControlFlow() throws Exception {
    Liveness l = liveness("""
        void a(struct task *t) { t->n = 0; }
        void b(struct task *t) { t->n = 1; }
        void c(struct task *t) { t->n = 2; }
        void d(struct task *t) { t->n = 3; }
        void s_all(struct task *t) {
          switch (t->n) { case 0: release(t->x); break; case 1: t->n = 2; /* fall through */ default: release(t->x); }
          queue(t, a);
        }
        void s_some(struct task *t) {
          switch (t->n) { case 0: release(t->y); break; case 1: break; }
          queue(t, b);
        }
        void once(struct task *t) {
          do { release(t->z); } while (0);
          queue(t, c);
        }
        void maybe(struct task *t) {
          (void) (t->n > 0 || (release(t->x), 0));
          while (t->err) { release(t->y); t->err = 0; }
          queue(t, d);
        }
        void start(struct task *t) {
          t->x = alloc(8);
          t->y = alloc(8);
          t->z = alloc(8);
          queue(t, s_all); queue(t, s_some); queue(t, once); queue(t, maybe);
        }
        """);
    String x = objectAt(23);
    String y = objectAt(24);
    String z = objectAt(25);
    assertThat(stage(l, "a").liveIn()).as("every switch path frees x").doesNotContain(x);
    assertThat(stage(l, "b").liveIn()).as("case 1 and no-default skip the free").contains(y);
    assertThat(stage(l, "c").liveIn()).as("a do-while body runs once").doesNotContain(z);
    assertThat(stage(l, "d").liveIn()).as("|| and while may skip their frees").contains(x, y);
  }

  @Test
  void theBundledPipelineCarriesItsObjectsThroughTheStagesOfThesisFigure52() throws Exception {
    Path example = Path.of("../examples/c/pipeline").toAbsolutePath().normalize();
    var r = CFrontend.load(new CFrontend.Options(
        List.of(example), null, List.of(example.resolve("../../../include").normalize()), Map.of(), List.of(),
        ServerSpec.EMPTY, null, false, 1, example, "gcc", null, null));
    program = r.program();
    PointsTo pt = Andersen.analyse(program);
    Liveness l = TaskLiveness.analyse(StageDiscovery.discover(CallGraphBuilder.build(program, pt), null), pt);
    String conn = "pipeline.c:91:20#srv_alloc";
    String request = "pipeline.c:100:16#srv_alloc";
    String reply = "pipeline.c:112:14#srv_alloc";
    assertThat(program.allocs()).extracting(AllocSite::id).containsExactlyInAnyOrder(conn, request, reply);
    String f = "@pipeline.c";
    assertThat(stage(l, "accept_conn" + f).entryStage()).isTrue();
    assertThat(stage(l, "accept_conn" + f).liveIn()).isEmpty();
    assertThat(stage(l, "accept_conn" + f).allocates()).containsExactlyInAnyOrder(conn);
    assertThat(stage(l, "read_request" + f).liveIn()).containsExactlyInAnyOrder(conn);
    assertThat(stage(l, "read_request" + f).rank()).isEqualTo(1);
    assertThat(stage(l, "handle_request" + f).liveIn()).containsExactlyInAnyOrder(conn, request);
    assertThat(stage(l, "handle_request" + f).allocates()).containsExactlyInAnyOrder(reply);
    // Both paths free the request; only the normal path queues send_reply, with conn and reply.
    assertThat(stage(l, "send_reply" + f).liveIn()).containsExactlyInAnyOrder(conn, reply);
    assertThat(stage(l, "close_conn" + f).liveIn()).containsExactlyInAnyOrder(conn);
    assertThat(stage(l, "close_conn" + f).liveAtExit()).isEmpty();
    assertThat(l.objects()).noneMatch(Liveness.ObjectFacts::outlivesTask);
    assertThat(l.objects()).noneMatch(Liveness.ObjectFacts::reallocatedWhileLive);
  }
}
