package org.broomstick.memwalk.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.Argument;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FieldStore;
import org.broomstick.memwalk.model.FreeSite;
import org.broomstick.memwalk.model.Hints;
import org.broomstick.memwalk.model.QueueSite;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * Binds call sites and field stores to the server interface (SPEC §3): calls of {@code Malloc}
 * functions become allocation sites (objects), calls of {@code Free} functions free sites, calls of
 * {@code QueueStage}/{@code ScheduleStage} functions and stores into {@code stageField}s queue sites.
 * Language-neutral: frontends call it once all units are read.
 */
public final class SiteBinder {
  private SiteBinder() {}

  /**
   * The sites, the constraints tying each allocation to its result, and binding problems.
   *
   * @param superseded constraints the frontend made that must go: an allocation's result is the
   *     site's object, not whatever the allocator's body returns (a Java allocator that takes from
   *     a library pool would otherwise hand every allocation everything ever put into any pool)
   */
  public record Bound(
      List<AllocSite> allocs,
      List<FreeSite> frees,
      List<QueueSite> queues,
      List<Constraint> constraints,
      List<Diagnostic> diagnostics,
      List<Constraint> superseded) {}

  /**
   * @param fixedSizes the byte size of each fixed-size allocator's {@code size} expression, when the
   *     frontend could evaluate it
   */
  public static Bound bind(
      List<CallSite> calls,
      List<FieldStore> fieldStores,
      ServerSpec spec,
      Map<String, Long> fixedSizes,
      java.util.function.Function<String, String> nameOfFunction) {
    List<AllocSite> allocs = new ArrayList<>();
    List<FreeSite> frees = new ArrayList<>();
    List<QueueSite> queues = new ArrayList<>();
    List<Constraint> constraints = new ArrayList<>();
    List<Diagnostic> diags = new ArrayList<>();
    List<Constraint> superseded = new ArrayList<>();
    Map<String, Integer> idUses = new java.util.HashMap<>();
    for (CallSite c : calls) {
      if (c.isIndirect()) {
        continue;
      }
      String name = nameOfFunction.apply(c.callee());
      ServerSpec.AllocFunction m = spec.mallocs().get(name);
      if (m != null) {
        AllocSite a = alloc(c, m, spec, fixedSizes, diags);
        int use = idUses.merge(a.id(), 1, Integer::sum);
        if (use > 1) {
          // Two calls at one location: class files have no columns, and calls from one macro
          // expansion share its place. Ids must stay unique; the later ones are numbered in call order.
          a = a.withId(a.id() + "#" + use);
        }
        allocs.add(a);
        if (c.result() != null) {
          constraints.add(new Constraint.AddressOf(c.result(), a.heapObject()));
          superseded.add(new Constraint.Copy(c.result(), Constraint.ret(c.callee())));
        }
        continue;
      }
      ServerSpec.FreeFunction f = spec.frees().get(name);
      if (f != null) {
        if (f.ptrParam() >= c.args().size()) {
          diags.add(
              Diagnostic.error(
                  c.location(),
                  "bind.arity",
                  "call of " + name + " has " + c.args().size() + " arguments but its Free pointer is parameter " + f.ptrParam()));
          continue;
        }
        Argument p = c.args().get(f.ptrParam());
        frees.add(
            new FreeSite(
                c.location() + "#" + name,
                c.location(),
                c.caller(),
                name,
                p.cell(),
                p.text(),
                c.inMacro(),
                c.ordinal(),
                c.offset(),
                c.length()));
        continue;
      }
      ServerSpec.StageFunction q = spec.queueStages().get(name);
      QueueSite.Kind kind = QueueSite.Kind.QUEUE_STAGE;
      if (q == null) {
        q = spec.scheduleStages().get(name);
        kind = QueueSite.Kind.SCHEDULE_STAGE;
      }
      if (q != null) {
        int s = q.stageParam();
        if (s < 0 || s >= c.args().size()) {
          diags.add(
              Diagnostic.error(
                  c.location(),
                  "bind.arity",
                  "call of " + name + " has " + c.args().size() + " arguments but its stage is parameter " + s));
          continue;
        }
        Argument stage = c.args().get(s);
        queues.add(new QueueSite(c.location(), c.caller(), kind, name, stage.cell(), stage.text(), c.ordinal()));
      }
    }
    Set<String> stageFields =
        spec.stageFields().stream().map(ServerSpec.StageField::key).collect(Collectors.toSet());
    for (FieldStore fs : fieldStores) {
      if (stageFields.contains(fs.field()) && fs.function() != null) {
        queues.add(
            new QueueSite(fs.location(), fs.function(), QueueSite.Kind.STAGE_FIELD, fs.field(), fs.value(), fs.valueText(), fs.ordinal()));
      }
    }
    return new Bound(allocs, frees, queues, constraints, diags, superseded);
  }

  private static AllocSite alloc(
      CallSite c,
      ServerSpec.AllocFunction m,
      ServerSpec spec,
      Map<String, Long> fixedSizes,
      List<Diagnostic> diags) {
    String sizeExpr;
    Long size;
    int sizeOffset = -1;
    int sizeLength = 0;
    if (m.sizeParam() >= 0) {
      if (m.sizeParam() >= c.args().size()) {
        diags.add(
            Diagnostic.error(
                c.location(),
                "bind.arity",
                "call of " + m.name() + " has " + c.args().size() + " arguments but its size is parameter " + m.sizeParam()));
        sizeExpr = "?";
        size = null;
      } else {
        Argument a = c.args().get(m.sizeParam());
        sizeExpr = a.text();
        size = a.constant();
        sizeOffset = a.offset();
        sizeLength = a.length();
      }
    } else {
      sizeExpr = m.fixedSize() == null ? "" : m.fixedSize();
      size = m.fixedSize() == null ? null : fixedSizes.get(m.fixedSize());
    }
    Hints hints = c.resultHints().overriddenBy(specHints(c, spec));
    if (size == null && hints.stingySize() == null) {
      diags.add(
          Diagnostic.note(
              c.location(),
              "bind.size-unknown",
              "size of " + m.name() + "(" + sizeExpr + ") is not a compile-time constant; give a stingy_size hint to manage it"));
    }
    return new AllocSite(
        AllocSite.idOf(c.location(), m.name()),
        c.location(),
        c.caller(),
        m.name(),
        sizeExpr,
        size,
        hints,
        c.result(),
        c.inMacro(),
        c.ordinal(),
        c.offset(),
        c.length(),
        sizeOffset,
        sizeLength,
        m.sizeParam(),
        c.args().stream().map(Argument::text).toList(),
        m.wrapper());
  }

  /** Spec hints select sites by {@code file:line} or {@code file:function}. */
  private static Hints specHints(CallSite c, ServerSpec spec) {
    Hints h = Hints.NONE;
    SourceLocation at = c.location();
    for (ServerSpec.SiteHint hint : spec.hints()) {
      String site = hint.site();
      int colon = site.lastIndexOf(':');
      if (colon < 0) {
        continue;
      }
      String file = site.substring(0, colon);
      String what = site.substring(colon + 1);
      if (at.file() == null || !(at.file().equals(file) || at.file().endsWith("/" + file))) {
        continue;
      }
      boolean matches =
          what.matches("\\d+") ? Integer.parseInt(what) == at.line() : what.equals(functionName(c.caller()));
      if (matches) {
        h = h.overriddenBy(new Hints(hint.stingySize(), hint.stingyCount()));
      }
    }
    return h;
  }

  private static String functionName(String functionId) {
    int at = functionId.indexOf('@');
    return at < 0 ? functionId : functionId.substring(0, at);
  }
}
