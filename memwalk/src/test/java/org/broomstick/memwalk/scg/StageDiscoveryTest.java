package org.broomstick.memwalk.scg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.cycles.CycleFinder;
import org.broomstick.memwalk.cycles.Cycles;
import org.broomstick.memwalk.frontend.c.CFrontend;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.memwalk.stack.StackAnalysis;
import org.broomstick.memwalk.stack.StackSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stages, the scheduler, cycles and stack depths of small servers (issue 4, items 1–3, 6, 9). */
class StageDiscoveryTest {

  @TempDir Path dir;

  private static final String IFACE = """
      struct task;
      typedef void stage_fn(struct task *);
      void queue(struct task *t, stage_fn *s) __attribute__((QueueStage("T", "S")));
      void run(void) __attribute__((Scheduler));
      """;

  private StageGraph stages(String code, String entry) throws Exception {
    Files.writeString(dir.resolve("s.c"), code);
    var r = CFrontend.load(new CFrontend.Options(
        List.of(dir), null, List.of(), Map.of(), List.of(), ServerSpec.EMPTY, null, false, 1, dir, "gcc", null, null));
    var g = CallGraphBuilder.build(r.program(), Andersen.analyse(r.program()));
    return StageDiscovery.discover(g, entry);
  }

  @Test
  void theBundledPipelineHasFiveStagesAndADispatchingScheduler() throws Exception {
    Path example = Path.of("../examples/c/pipeline").toAbsolutePath().normalize();
    var r = CFrontend.load(new CFrontend.Options(
        List.of(example), null, List.of(example.resolve("../../../include").normalize()), Map.of(), List.of(),
        ServerSpec.EMPTY, null, false, 1, example, "gcc", null, null));
    var g = CallGraphBuilder.build(r.program(), Andersen.analyse(r.program()));
    StageGraph sg = StageDiscovery.discover(g, null);
    Map<String, Stage> byId = sg.stagesById();
    String f = "@pipeline.c";
    assertThat(byId.keySet()).containsExactly(
        "accept_conn" + f, "close_conn" + f, "handle_request" + f, "read_request" + f, "send_reply" + f);
    assertThat(byId.get("accept_conn" + f).successors()).containsExactly("read_request" + f);
    assertThat(byId.get("read_request" + f).successors()).containsExactly("handle_request" + f);
    assertThat(byId.get("send_reply" + f).successors()).containsExactly("close_conn" + f);
    // The error path calls close_conn directly: its call copy is part of handle_request's stage.
    assertThat(byId.get("handle_request" + f).functions())
        .startsWith("handle_request" + f)
        .contains("close_conn" + f, "respond_get" + f, "respond_head" + f, "respond_bad" + f, "srv_alloc");
    assertThat(byId.get("handle_request" + f).successors()).containsExactly("send_reply" + f);
    assertThat(sg.scheduler()).hasValueSatisfying(s -> {
      assertThat(s.entry()).isEqualTo("run_scheduler");
      assertThat(s.functions()).containsExactly("run_scheduler");
      assertThat(s.dispatchers()).containsExactly("run_scheduler");
    });
    Map<String, Function> fns = r.program().functionsById();
    long weight = byId.get("send_reply" + f).functions().stream().mapToLong(id -> fns.get(id).codeBytes()).sum();
    assertThat(byId.get("send_reply" + f).codeBytes()).isEqualTo(weight).isPositive();
    assertThat(CycleFinder.find(sg).stageCycles()).isEmpty();
  }

  @Test
  void anEntryLeavesOutWhatItDoesNotReach() throws Exception {
    StageGraph sg = stages(IFACE + """
        void parse(struct task *t) {}
        void accept_it(struct task *t) { queue(t, parse); }
        void tick(struct task *t) {}
        void timers(struct task *t) { queue(t, tick); }
        """, "accept_it");
    assertThat(sg.stagesById().keySet()).containsExactly("parse");
    assertThat(sg.unreachable()).containsExactly("tick");
    assertThat(sg.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.key()).isEqualTo("scg.unreachable-stage");
      assertThat(d.at().line()).isEqualTo(7);
    });
  }

  @Test
  void aStageThatQueuesItselfIsACycleAndRecursionMakesTheStackUnbounded() throws Exception {
    StageGraph sg = stages(IFACE + """
        int more(void);
        void respond(struct task *t) {}
        void parse(struct task *t) { if (more()) queue(t, parse); else queue(t, respond); }
        int walk(int n) { return n ? walk(n - 1) : 0; }
        void list_dir(struct task *t) { walk(3); queue(t, respond); }
        void accept_it(struct task *t) { queue(t, parse); queue(t, list_dir); }
        """, null);
    Cycles cycles = CycleFinder.find(sg);
    assertThat(cycles.stageCycles()).containsExactly(List.of("parse"));
    assertThat(cycles.recursion()).containsExactly(List.of("walk"));
    StackSummary stack = StackAnalysis.analyse(sg, cycles);
    assertThat(stack.stageBytes().get("list_dir")).isNull();
    assertThat(stack.stageBytes().get("parse")).isNotNull();
    assertThat(stack.totalBytes()).isNull();
  }

  @Test
  void aStingyCountOnARecursiveFunctionBoundsItsStackLikeACycle() throws Exception {
    StageGraph sg = stages(IFACE + """
        void respond(struct task *t) {}
        int even(int n);
        int odd(int n) __attribute__((stingy_count(8)));
        int odd(int n) { char pad[100]; pad[0] = (char) n; return n ? even(n - 1) + pad[0] : 0; }
        int even(int n) { char pad[40]; pad[0] = (char) n; return n ? odd(n - 1) + pad[0] : 1; }
        void leaf(void) { char big[512]; big[0] = 0; (void) big; }
        int walk_then_leaf(int n) { leaf(); return odd(n); }
        void list_dir(struct task *t) { walk_then_leaf(3); queue(t, respond); }
        void accept_it(struct task *t) { queue(t, list_dir); }
        """, null);
    Cycles cycles = CycleFinder.find(sg);
    assertThat(cycles.recursion()).containsExactly(List.of("even", "odd"));
    Map<String, Function> fns = sg.callGraph().program().functionsById();
    StackSummary stack = StackAnalysis.analyse(sg, cycles);
    // 8 activations of the {odd, even} cycle, each at most both frames; the leaf is a sibling path.
    long cycle = 8 * (fns.get("odd").frameBytes() + fns.get("even").frameBytes());
    long expected = fns.get("list_dir").frameBytes() + fns.get("walk_then_leaf").frameBytes()
        + Math.max(cycle, fns.get("leaf").frameBytes());
    assertThat(stack.stageBytes().get("list_dir")).isEqualTo(expected);
    assertThat(stack.totalBytes()).isNotNull();
  }

  @Test
  void aStagesStackIsItsHeaviestCallPathAndTheSchedulerAddsItsShare() throws Exception {
    StageGraph sg = stages(IFACE + """
        struct task { stage_fn *next; };
        void queue(struct task *t, stage_fn *s) { t->next = s; }
        void leaf_small(void) { char b[16]; b[0] = 0; (void) b; }
        void leaf_big(void) { char b[4096]; b[0] = 0; (void) b; }
        void mid(void) { char b[64]; b[0] = 0; (void) b; leaf_small(); }
        void respond(struct task *t) { mid(); leaf_big(); }
        void accept_it(struct task *t) { queue(t, respond); }
        static void dispatch(struct task *t) { t->next(t); }
        void run(void) { struct task t; char pad[256]; pad[0] = 0; (void) pad; dispatch(&t); }
        """, null);
    Map<String, Function> fns = sg.callGraph().program().functionsById();
    long respond = fns.get("respond").frameBytes()
        + Math.max(fns.get("mid").frameBytes() + fns.get("leaf_small").frameBytes(), fns.get("leaf_big").frameBytes());
    StackSummary stack = StackAnalysis.analyse(sg, CycleFinder.find(sg));
    assertThat(stack.stageBytes().get("respond")).isEqualTo(respond);
    assertThat(stack.stageBytes()).containsOnlyKeys("respond"); // accept_it is queued by nobody
    long scheduler = fns.get("run").frameBytes() + fns.get("dispatch@s.c").frameBytes();
    assertThat(sg.scheduler().orElseThrow().dispatchers()).containsExactly("dispatch@s.c");
    assertThat(stack.schedulerBytes()).isEqualTo(scheduler);
    assertThat(stack.totalBytes()).isEqualTo(scheduler + respond);
    // Two paths from respond to a leaf: via mid to leaf_small, and to leaf_big.
    assertThat(stack.clusters().stream().mapToInt(StackSummary.Cluster::paths).sum()).isEqualTo(2);
    assertThat(stack.clusters().get(stack.clusters().size() - 1).bytes()).isGreaterThanOrEqualTo(respond);
  }

  @Test
  void aCodebaseWithoutStagesSaysSo() throws Exception {
    StageGraph sg = stages("int main(void) { return 0; }\n", null);
    assertThat(sg.stages()).isEmpty();
    assertThat(sg.diagnostics()).singleElement().satisfies(d -> assertThat(d.key()).isEqualTo("scg.no-stages"));
  }
}
