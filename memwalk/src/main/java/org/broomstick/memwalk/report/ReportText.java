package org.broomstick.memwalk.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.broomstick.memwalk.diag.Severity;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.objects.ObjectClass;
import org.broomstick.memwalk.objects.Objects;
import org.broomstick.memwalk.order.OrderConstraint;
import org.broomstick.memwalk.scg.Stage;
import org.broomstick.memwalk.stack.StackSummary;

/**
 * The human-readable report ({@code --format text}), in the spirit of thesis figure 7.3: first the
 * answer to "how much memory does a task need, and does it fit the cache?", then the stage graph
 * with {@code nf} (functions) and {@code sc} (deepest stack), then one "Match for …" line per object
 * with its size and stage, named O1, O2, … in site order.
 */
public final class ReportText {
  private ReportText() {}

  /** @param cacheBytes the L2 size to compare with; null when unknown */
  public static void write(Report r, Long cacheBytes, Writer out) throws IOException {
    Map<String, String> names = new LinkedHashMap<>();
    for (AllocSite a : r.program().allocs()) {
      names.put(a.id(), "O" + (names.size() + 1));
    }
    Map<String, Function> fns = r.program().functionsById();
    StringBuilder b = new StringBuilder();
    b.append(headline(r, cacheBytes)).append('\n').append('\n');

    Map<String, Liveness.StageFacts> facts = r.liveness().stagesById();
    // In the order a task meets them: entry stages first, then by event distance.
    List<Stage> stages = new ArrayList<>(r.stages().stages());
    stages.sort(java.util.Comparator.comparingInt((Stage s) -> rankOf(facts.get(s.id())))
        .thenComparing(Stage::entry).thenComparing(Stage::id));
    b.append("Stage graph: ").append(stages.size()).append(stages.size() == 1 ? " stage" : " stages");
    b.append(", ").append(r.cycles().stageCycles().size()).append(" cycles");
    b.append(", ").append(r.cycles().recursion().size()).append(" recursive components");
    b.append(" (nf = functions in the stage, sc = deepest stack in bytes)\n");
    for (Stage s : stages) {
      Liveness.StageFacts f = facts.get(s.id());
      Long sc = r.stack().stageBytes().get(s.id());
      b.append("  ").append(s.entry());
      if (f.entryStage()) {
        b.append(" [entry]");
      }
      if (r.cycles().inStageCycle(s.id())) {
        b.append(" [cycle]");
      }
      b.append(" nf=").append(s.functions().size()).append(" sc=").append(sc == null ? "unbounded" : sc.toString());
      if (!s.successors().isEmpty()) {
        b.append(" -> ").append(s.successors().stream().map(t -> nameOf(t, fns)).collect(Collectors.joining(", ")));
      }
      b.append('\n');
    }
    r.stages().scheduler().ifPresent(s -> b.append("  scheduler ").append(nameOf(s.entry(), fns))
        .append(" nf=").append(s.functions().size()).append(" sc=").append(r.stack().schedulerBytes())
        .append(s.dispatchers().isEmpty() ? "" : ", dispatches in "
            + s.dispatchers().stream().map(d -> nameOf(d, fns)).collect(Collectors.joining(", ")))
        .append('\n'));
    for (String u : r.stages().unreachable()) {
      b.append("  (left out, not reachable from the entry: ").append(nameOf(u, fns)).append(")\n");
    }
    b.append(stackLine(r.stack())).append('\n');

    b.append('\n').append("Per-task data\n");
    for (AllocSite a : r.program().allocs()) {
      Objects.Classified c = r.objects().objects().get(a.id());
      Liveness.ObjectFacts f = r.liveness().objectsById().get(a.id());
      b.append("  Match for ").append(a.allocator()).append('(').append(a.sizeExpr() == null ? "" : a.sizeExpr())
          .append(") => [").append(c.sizeBytes() == null ? "?" : c.sizeBytes().toString());
      if (c.count() != 1) {
        b.append(" x ").append(c.count());
      }
      b.append("] in stage ");
      b.append(f == null || f.allocatedIn().isEmpty()
          ? "(none: " + nameOf(a.function(), fns) + ")"
          : f.allocatedIn().stream().map(s -> nameOf(s, fns)).collect(Collectors.joining(", ")));
      b.append(" (").append(names.get(a.id())).append(")  ").append(a.location()).append("  ").append(c.objectClass().label());
      Integer colour = r.colouring().colours().get(a.id());
      if (colour != null) {
        b.append(", colour ").append(colour);
      }
      b.append('\n');
    }
    for (Stage s : stages) {
      Liveness.StageFacts f = facts.get(s.id());
      if (!f.frees().isEmpty()) {
        b.append("  frees ").append(set(f.frees(), names)).append(" in stage ").append(s.entry()).append('\n');
      }
    }

    b.append('\n').append("Live on entry (L) and allocated (A) per stage\n");
    for (Stage s : stages) {
      Liveness.StageFacts f = facts.get(s.id());
      b.append("  ").append(s.entry()).append(": L = ").append(set(f.liveIn(), names))
          .append("  A = ").append(set(f.allocates(), names)).append('\n');
    }
    if (!r.orderConstraints().isEmpty()) {
      b.append('\n').append("Allocation order: ");
      List<String> cs = new ArrayList<>();
      for (OrderConstraint o : r.orderConstraints()) {
        cs.add("n_" + names.get(o.greater()) + " >= n_" + names.get(o.lesser()));
      }
      b.append(String.join(", ", cs)).append('\n');
    }
    List<String> left = new ArrayList<>();
    for (Objects.Classified c : r.objects().objects().values()) {
      if (c.objectClass() == ObjectClass.UNBOUNDED || c.objectClass() == ObjectClass.GLOBAL_TEMPORARY
          || c.objectClass() == ObjectClass.PER_TASK && c.sizeBytes() == null) {
        left.add(names.get(c.id()) + " (" + c.reason() + ")");
      }
    }
    if (!left.isEmpty()) {
      b.append('\n').append("Left to the default allocator: ").append(String.join("; ", left)).append('\n');
    }
    long finals = r.objects().globals().stream().filter(g -> g.objectClass() == ObjectClass.GLOBAL_FINAL).count();
    b.append('\n').append("Globals: ").append(r.objects().globals().size()).append(" variables, ").append(finals)
        .append(" final (<= ").append(r.objects().thresholdBytes()).append(" bytes); final globals in the cache slab: ")
        .append(r.objects().finalGlobalBytes()).append(" bytes\n");
    long errors = r.diagnostics().stream().filter(d -> d.severity() == Severity.ERROR).count();
    long warnings = r.diagnostics().stream().filter(d -> d.severity() == Severity.WARNING).count();
    b.append("Diagnostics: ").append(errors).append(" errors, ").append(warnings).append(" warnings\n");
    out.write(b.toString());
    out.flush();
  }

  /** The first line: the per-task working set and how many tasks fit in the cache with it. */
  static String headline(Report r, Long cacheBytes) {
    if (r.stages().stages().isEmpty()) {
      return "No stages declared: nothing to size (declare QueueStage functions, see broomstick.h or broomstick.yaml).";
    }
    Report.WorkingSet ws = r.workingSet();
    Long stack = r.stack().totalBytes();
    long globals = r.objects().finalGlobalBytes();
    StringBuilder b = new StringBuilder("Per-task working set: ");
    b.append(bytes(ws.bytes())).append(" at most");
    if (ws.stage() != null) {
      b.append(" (in ").append(nameOf(ws.stage(), r.program().functionsById())).append(')');
    }
    if (ws.sizesUnknown()) {
      b.append(", plus objects of unknown size");
    }
    b.append("; stack ").append(stack == null ? "unbounded" : bytes(stack));
    b.append(", final globals ").append(bytes(globals));
    if (cacheBytes == null) {
      return b.append("; cache size unknown.").toString();
    }
    long room = cacheBytes - (stack == null ? 0 : stack) - globals;
    b.append(". In a ").append(bytes(cacheBytes)).append(" L2 cache: ");
    if (stack == null) {
      return b.append("cannot tell (unbounded stack).").toString();
    }
    if (room <= 0) {
      return b.append("does NOT fit: stack and globals alone exceed it by ").append(bytes(-room)).append('.').toString();
    }
    if (ws.bytes() == 0) {
      return b.append("fits (no per-task objects of known size).").toString();
    }
    long tasks = room / ws.bytes();
    if (tasks == 0) {
      return b.append("does NOT fit: one task needs ").append(bytes(ws.bytes() - room)).append(" more than the ")
          .append(bytes(room)).append(" left.").toString();
    }
    return b.append("fits; ").append(tasks).append(tasks == 1 ? " task" : " tasks").append(" at once.").toString();
  }

  private static String stackLine(StackSummary s) {
    StringBuilder b = new StringBuilder("Stack: ");
    b.append(s.totalBytes() == null ? "unbounded (recursion)" : bytes(s.totalBytes()) + " in total");
    b.append(" (scheduler ").append(s.schedulerBytes()).append(')');
    if (!s.clusters().isEmpty()) {
      b.append("; path depths: ").append(s.clusters().stream()
          .map(c -> "<=" + c.bytes() + ": " + c.paths()).collect(Collectors.joining(", ")));
    }
    return b.toString();
  }

  static String bytes(long n) {
    if (n >= 1 << 20 && n % (1 << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    if (n >= 1 << 10 && n % (1 << 10) == 0) {
      return (n >> 10) + " KiB";
    }
    return String.format(java.util.Locale.ROOT, "%,d bytes", n);
  }

  private static int rankOf(Liveness.StageFacts f) {
    return f.rank() < 0 ? Integer.MAX_VALUE : f.rank();
  }

  /** Object names in site order (O1, O2, …), not string order. */
  private static String set(Collection<String> ids, Map<String, String> names) {
    return ids.stream().map(names::get)
        .sorted(java.util.Comparator.comparingInt((String n) -> Integer.parseInt(n.substring(1))))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String nameOf(String id, Map<String, Function> fns) {
    Function f = fns.get(id);
    return f == null ? id : f.name();
  }
}
