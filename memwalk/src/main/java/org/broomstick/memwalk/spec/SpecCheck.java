package org.broomstick.memwalk.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * Checks a {@link ServerSpec} against the program it is meant to describe: a spec that names a
 * function the program does not have is an error, never silently ignored (SPEC §3).
 */
public final class SpecCheck {

  static final String UNKNOWN_FUNCTION = "spec.unknown-function";

  private SpecCheck() {}

  /**
   * One {@code spec.unknown-function} error, at the declaration, for every function named as a
   * queueStage, scheduleStage, malloc, free, scheduler or entry that is not in {@code
   * knownFunctionNames}, with a "did you mean" suggestion when a known name is within edit distance
   * 2. Sorted by location. {@code stageField} structs are checked by the frontend, which knows the
   * types.
   */
  public static List<Diagnostic> unknownFunctions(ServerSpec spec, Set<String> knownFunctionNames) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(knownFunctionNames, "knownFunctionNames");
    List<Diagnostic> out = new ArrayList<>();
    for (ServerSpec.StageFunction f : spec.queueStages().values()) {
      check("queueStage", f.name(), f.declaredAt(), knownFunctionNames, out);
    }
    for (ServerSpec.StageFunction f : spec.scheduleStages().values()) {
      check("scheduleStage", f.name(), f.declaredAt(), knownFunctionNames, out);
    }
    for (ServerSpec.AllocFunction f : spec.mallocs().values()) {
      check("malloc", f.name(), f.declaredAt(), knownFunctionNames, out);
    }
    for (ServerSpec.FreeFunction f : spec.frees().values()) {
      check("free", f.name(), f.declaredAt(), knownFunctionNames, out);
    }
    for (ServerSpec.Declared d : spec.schedulers()) {
      check("scheduler", d.name(), d.declaredAt(), knownFunctionNames, out);
    }
    if (spec.entry() != null) {
      check("entry", spec.entry().name(), spec.entry().declaredAt(), knownFunctionNames, out);
    }
    // The maps have no order; sort so the output is stable run to run.
    out.sort(Comparator.comparing(Diagnostic::at).thenComparing(Diagnostic::message));
    return List.copyOf(out);
  }

  private static void check(
      String construct, String name, SourceLocation at, Set<String> known, List<Diagnostic> out) {
    if (known.contains(name)) {
      return;
    }
    String suggestion =
        EditDistance.nearest(name, known).map(g -> "; did you mean \"" + g + "\"?").orElse("");
    out.add(
        Diagnostic.error(
            // Declarations read from bytecode may have no location; a diagnostic needs one.
            Objects.requireNonNullElse(at, SourceLocation.NONE),
            UNKNOWN_FUNCTION,
            construct
                + " function \""
                + name
                + "\" is not defined or declared in the analysed sources"
                + suggestion));
  }
}
