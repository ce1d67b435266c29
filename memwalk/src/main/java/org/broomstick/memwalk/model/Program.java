package org.broomstick.memwalk.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * The language-neutral program model a frontend produces (SPEC §4): functions, calls, the
 * points-to constraints of their bodies, the control flow of each body, globals, and the sites bound to the server interface.
 * Immutable; every list is in a deterministic order independent of file order and threads.
 * {@code recursionBounds} gives, per function id, the most nested activations a {@code stingy_count}
 * on the function allows (the bound of its recursion, SPEC §5.7).
 */
public record Program(
    String language,
    List<InputFile> inputs,
    List<Function> functions,
    List<CallSite> calls,
    List<Constraint> constraints,
    List<Global> globals,
    List<FieldStore> fieldStores,
    List<AllocSite> allocs,
    List<FreeSite> frees,
    List<QueueSite> queues,
    List<FlowGraph> flows,
    Map<String, Long> recursionBounds,
    ServerSpec spec,
    List<Diagnostic> diagnostics) {

  public Program {
    inputs = List.copyOf(inputs);
    functions = List.copyOf(functions);
    calls = List.copyOf(calls);
    constraints = List.copyOf(constraints);
    globals = List.copyOf(globals);
    fieldStores = List.copyOf(fieldStores);
    allocs = List.copyOf(allocs);
    frees = List.copyOf(frees);
    queues = List.copyOf(queues);
    flows = List.copyOf(flows);
    recursionBounds = Map.copyOf(recursionBounds);
    diagnostics = List.copyOf(diagnostics);
  }

  /** Functions by id, in model order. */
  public Map<String, Function> functionsById() {
    Map<String, Function> byId = new LinkedHashMap<>();
    for (Function f : functions) {
      byId.put(f.id(), f);
    }
    return byId;
  }
}
