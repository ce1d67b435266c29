package org.broomstick.memwalk.scg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.model.QueueSite;
import org.broomstick.memwalk.pointsto.PointsTo;

/**
 * Builds the call graph with event edges from a program and its points-to result: direct calls,
 * indirect calls to every function their callee may point to, and an event edge from each queue
 * site's function to every function its stage argument may point to (SPEC §5.1); a {@code
 * ScheduleStage} site is a call (a dispatch) to the stages its argument may point to.
 */
public final class CallGraphBuilder {
  private CallGraphBuilder() {}

  public static CallGraph build(Program program, PointsTo pointsTo) {
    Set<Edge> edges = new LinkedHashSet<>();
    List<IndirectCall> indirect = new ArrayList<>();
    List<Diagnostic> diags = new ArrayList<>();
    List<CallSite> calls = program.calls();
    for (int i = 0; i < calls.size(); i++) {
      CallSite c = calls.get(i);
      if (!c.isIndirect()) {
        edges.add(new Edge(c.caller(), c.callee(), Edge.Kind.CALL, c.location()));
        continue;
      }
      SortedSet<String> targets = pointsTo.targetsOfCall(i);
      indirect.add(new IndirectCall(c.caller(), c.location(), c.calleeText(), List.copyOf(targets)));
      if (targets.isEmpty()) {
        diags.add(
            Diagnostic.warning(
                c.location(),
                "scg.unresolved-call",
                "indirect call through '" + c.calleeText() + "' resolves to no function"));
      }
      for (String t : targets) {
        edges.add(new Edge(c.caller(), t, Edge.Kind.CALL, c.location()));
      }
    }
    for (QueueSite q : program.queues()) {
      SortedSet<String> stages = pointsTo.functionsOf(q.stage());
      if (stages.isEmpty()) {
        diags.add(
            Diagnostic.warning(
                q.location(),
                "scg.unresolved-stage",
                "stage argument '" + q.stageText() + "' of " + q.via() + " resolves to no function"));
      }
      // ScheduleStage runs the stage now, in the task's context (SPEC §3): the scheduler's
      // dispatch, a call; only QueueStage calls and stage-field stores are events.
      Edge.Kind kind = q.kind() == QueueSite.Kind.SCHEDULE_STAGE ? Edge.Kind.CALL : Edge.Kind.EVENT;
      for (String s : stages) {
        edges.add(new Edge(q.function(), s, kind, q.location()));
      }
    }
    List<Edge> sorted = new ArrayList<>(edges);
    sorted.sort(
        Comparator.comparing(Edge::from)
            .thenComparing(Edge::to)
            .thenComparing(Edge::kind)
            .thenComparing(Edge::at));
    indirect.sort(Comparator.comparing(IndirectCall::at));
    return new CallGraph(program, sorted, indirect, diags);
  }
}
