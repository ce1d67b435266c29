package org.broomstick.memwalk.report;

import java.util.List;
import org.broomstick.memwalk.cycles.Cycles;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.interference.Colouring;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.objects.ObjectClass;
import org.broomstick.memwalk.objects.Objects;
import org.broomstick.memwalk.order.OrderConstraint;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.StageGraph;
import org.broomstick.memwalk.stack.StackSummary;

/**
 * Everything memwalk found about a server (SPEC §5): the results of each analysis, side by side,
 * and every diagnostic sorted by location. The writers of {@code report.json}, the text summary,
 * the graph formats and SARIF all read this.
 */
public record Report(
    Program program,
    PointsTo pointsTo,
    CallGraph callGraph,
    StageGraph stages,
    Cycles cycles,
    StackSummary stack,
    Liveness liveness,
    Objects objects,
    Colouring colouring,
    List<OrderConstraint> orderConstraints,
    List<Diagnostic> diagnostics) {

  public Report {
    orderConstraints = List.copyOf(orderConstraints);
    diagnostics = List.copyOf(diagnostics);
  }

  /** The bytes one task may hold in one stage, at most, and that stage (null when no stage holds any). */
  public record WorkingSet(long bytes, String stage, boolean sizesUnknown) {}

  /**
   * The per-task working set: over stages, the largest sum of the sizes of the per-task objects a
   * task brings to the stage and allocates in it ({@code L_s ∪ A_s}).
   */
  public WorkingSet workingSet() {
    long best = 0;
    String at = null;
    boolean unknown = false;
    for (Liveness.StageFacts s : liveness.stages()) {
      long sum = 0;
      java.util.Set<String> held = new java.util.TreeSet<>(s.liveIn());
      held.addAll(s.allocates());
      for (String o : held) {
        Objects.Classified c = objects.objects().get(o);
        if (c == null || c.objectClass() != ObjectClass.PER_TASK) {
          continue;
        }
        if (c.sizeBytes() == null) {
          unknown = true;
        } else {
          sum += c.sizeBytes() * c.count();
        }
      }
      if (sum > best || at == null && sum > 0) {
        best = sum;
        at = s.stage();
      }
    }
    return new WorkingSet(best, at, unknown);
  }
}
