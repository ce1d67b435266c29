package org.broomstick.memwalk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.broomstick.memwalk.cycles.CycleFinder;
import org.broomstick.memwalk.cycles.Cycles;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.interference.Colouring;
import org.broomstick.memwalk.interference.InterferenceColouring;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.liveness.TaskLiveness;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.objects.ObjectClass;
import org.broomstick.memwalk.objects.ObjectClassifier;
import org.broomstick.memwalk.objects.Objects;
import org.broomstick.memwalk.order.AllocationOrder;
import org.broomstick.memwalk.order.OrderConstraint;
import org.broomstick.memwalk.pointsto.Andersen;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.report.Report;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.CallGraphBuilder;
import org.broomstick.memwalk.scg.StageDiscovery;
import org.broomstick.memwalk.scg.StageGraph;
import org.broomstick.memwalk.stack.StackAnalysis;
import org.broomstick.memwalk.stack.StackSummary;

/** memwalk's facade: a program model in, every analysis of SPEC §5 run in order, a {@link Report} out. */
public final class Memwalk {
  private Memwalk() {}

  /**
   * @param entry the function to explore from (null: the spec's entry, else every stage)
   * @param globalThresholdBytes globals up to this size are final (kept in the cache slab)
   */
  public record Options(String entry, long globalThresholdBytes) {
    public static final Options DEFAULTS = new Options(null, ObjectClassifier.DEFAULT_THRESHOLD);
  }

  public static Report analyse(Program program, Options options) {
    PointsTo pt = Andersen.analyse(program);
    CallGraph g = CallGraphBuilder.build(program, pt);
    StageGraph sg = StageDiscovery.discover(g, options.entry());
    Cycles cycles = CycleFinder.find(sg);
    StackSummary stack = StackAnalysis.analyse(sg, cycles);
    Liveness liveness = TaskLiveness.analyse(sg, pt);
    Objects objects = ObjectClassifier.classify(program, liveness, options.globalThresholdBytes());
    List<String> perTask = objects.perTask();
    Colouring colouring = InterferenceColouring.colour(liveness, perTask);
    List<OrderConstraint> order = AllocationOrder.derive(liveness, perTask);

    List<Diagnostic> diags = new ArrayList<>(program.diagnostics());
    diags.addAll(g.diagnostics());
    diags.addAll(sg.diagnostics());
    diags.addAll(liveness.diagnostics());
    for (AllocSite a : program.allocs()) {
      Objects.Classified c = objects.objects().get(a.id());
      if (c.objectClass() == ObjectClass.UNBOUNDED) {
        diags.add(Diagnostic.warning(a.location(), "memwalk.unbounded-object",
            "object " + a.id() + " has no per-task bound (" + c.reason() + "); it stays with the default allocator;"
                + " a stingy_count hint bounds it"));
      } else if (c.objectClass() == ObjectClass.PER_TASK && c.sizeBytes() == null) {
        diags.add(Diagnostic.warning(a.location(), "memwalk.unknown-size",
            "object " + a.id() + " has no constant size and no stingy_size hint; it stays with the default allocator"));
      }
    }
    if (stack.totalBytes() == null && !sg.stages().isEmpty()) {
      diags.add(Diagnostic.warning(org.broomstick.memwalk.model.SourceLocation.NONE, "memwalk.unbounded-stack",
          "recursion without a bound: the stack requirement is unbounded"));
    }
    diags.sort(Comparator.comparing(Diagnostic::at).thenComparing(Diagnostic::key));
    return new Report(program, pt, g, sg, cycles, stack, liveness, objects, colouring, order, diags);
  }
}
