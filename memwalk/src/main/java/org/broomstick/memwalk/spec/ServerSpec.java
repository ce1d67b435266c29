package org.broomstick.memwalk.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * The binding of a server's functions to the constructs of SPEC §3, however it was declared (C
 * attributes, {@code broomstick.h} macros, {@code broomstick.yaml}, Java annotations). Keys are
 * function names as written in the source.
 */
public record ServerSpec(
    Map<String, StageFunction> queueStages,
    Map<String, StageFunction> scheduleStages,
    Map<String, AllocFunction> mallocs,
    Map<String, FreeFunction> frees,
    List<Declared> schedulers,
    List<StageField> stageFields,
    List<SiteHint> hints,
    Declared entry) {

  public ServerSpec {
    queueStages = Map.copyOf(queueStages);
    scheduleStages = Map.copyOf(scheduleStages);
    mallocs = Map.copyOf(mallocs);
    frees = Map.copyOf(frees);
    schedulers = List.copyOf(schedulers);
    stageFields = List.copyOf(stageFields);
    hints = List.copyOf(hints);
  }

  public static final ServerSpec EMPTY =
      new ServerSpec(Map.of(), Map.of(), Map.of(), Map.of(), List.of(), List.of(), List.of(), null);

  /** A name with the place that declared it. */
  public record Declared(String name, SourceLocation declaredAt) {}

  /** A {@code QueueStage} or {@code ScheduleStage} function with its parameter roles. */
  public record StageFunction(String name, List<ParamRole> params, SourceLocation declaredAt) {
    public StageFunction {
      params = List.copyOf(params);
    }

    public int stageParam() {
      return params.indexOf(ParamRole.S);
    }

    public int taskParam() {
      return params.indexOf(ParamRole.T);
    }
  }

  /**
   * A {@code Malloc} function: the size is the argument at {@code sizeParam}, or, for a fixed-size
   * allocator ({@code sizeParam == -1}), the expression {@code fixedSize} (e.g. {@code
   * sizeof(tux_req_t)}).
   */
  /**
   * @param wrapper a user function stingify calls on the Stingy object when the caller expects
   *     something other than the raw pointer (thesis figure 7.5): {@code wrapper(obj, other args)};
   *     null when the raw pointer is what the allocator returns
   */
  public record AllocFunction(
      String name, int sizeParam, String fixedSize, SourceLocation declaredAt, String wrapper) {
    public AllocFunction(String name, int sizeParam, String fixedSize, SourceLocation declaredAt) {
      this(name, sizeParam, fixedSize, declaredAt, null);
    }
  }

  /** A {@code Free} function and the index of its pointer parameter. */
  public record FreeFunction(String name, int ptrParam, SourceLocation declaredAt) {}

  /** Assigning a function to {@code struct.field} queues it as a stage. */
  public record StageField(String struct, String field, SourceLocation declaredAt) {
    public String key() {
      return struct + "." + field;
    }
  }

  /**
   * A hint for allocation sites selected by {@code site}: {@code file:line} or {@code
   * file:function} (every site in that function).
   */
  public record SiteHint(String site, Long stingySize, Long stingyCount, SourceLocation declaredAt) {}

  public boolean isEmpty() {
    return queueStages.isEmpty()
        && scheduleStages.isEmpty()
        && mallocs.isEmpty()
        && frees.isEmpty()
        && schedulers.isEmpty()
        && stageFields.isEmpty();
  }

  /**
   * This spec with {@code other}'s declarations added. A function declared in both must be
   * declared the same way; otherwise the first declaration wins and a conflict is returned.
   */
  public Merged mergedWith(ServerSpec other) {
    List<String> conflicts = new ArrayList<>();
    ServerSpec merged =
        new ServerSpec(
            merge(queueStages, other.queueStages, conflicts, "QueueStage"),
            merge(scheduleStages, other.scheduleStages, conflicts, "ScheduleStage"),
            merge(mallocs, other.mallocs, conflicts, "Malloc"),
            merge(frees, other.frees, conflicts, "Free"),
            concatDistinct(schedulers, other.schedulers),
            concatDistinct(stageFields, other.stageFields),
            concatDistinct(hints, other.hints),
            entry != null ? entry : other.entry);
    return new Merged(merged, List.copyOf(conflicts));
  }

  /** The result of {@link #mergedWith}: the union and the human-readable conflicts. */
  public record Merged(ServerSpec spec, List<String> conflicts) {}

  private static <V> Map<String, V> merge(
      Map<String, V> a, Map<String, V> b, List<String> conflicts, String what) {
    Map<String, V> out = new LinkedHashMap<>(a);
    b.forEach(
        (name, v) -> {
          V old = out.putIfAbsent(name, v);
          if (old != null && !sameDeclaration(old, v)) {
            conflicts.add(what + " " + name + " is declared differently at " + where(old) + " and " + where(v));
          } else if (old instanceof AllocFunction x && v instanceof AllocFunction y && x.wrapper() == null
              && y.wrapper() != null) {
            // A yaml entry may add a wrapper to an allocator the sources declare.
            @SuppressWarnings("unchecked")
            V withWrapper = (V) new AllocFunction(x.name(), x.sizeParam(), x.fixedSize(), x.declaredAt(), y.wrapper());
            out.put(name, withWrapper);
          }
        });
    return out;
  }

  private static boolean sameDeclaration(Object a, Object b) {
    if (a instanceof StageFunction x && b instanceof StageFunction y) {
      return x.params().equals(y.params());
    }
    if (a instanceof AllocFunction x && b instanceof AllocFunction y) {
      return x.sizeParam() == y.sizeParam() && java.util.Objects.equals(x.fixedSize(), y.fixedSize())
          && (x.wrapper() == null || y.wrapper() == null || x.wrapper().equals(y.wrapper()));
    }
    if (a instanceof FreeFunction x && b instanceof FreeFunction y) {
      return x.ptrParam() == y.ptrParam();
    }
    return a.equals(b);
  }

  private static String where(Object decl) {
    if (decl instanceof StageFunction s) {
      return s.declaredAt().toString();
    }
    if (decl instanceof AllocFunction s) {
      return s.declaredAt().toString();
    }
    if (decl instanceof FreeFunction s) {
      return s.declaredAt().toString();
    }
    return "?";
  }

  private static <T> List<T> concatDistinct(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    for (T t : b) {
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }
}
