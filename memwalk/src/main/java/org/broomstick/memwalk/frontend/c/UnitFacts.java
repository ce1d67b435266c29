package org.broomstick.memwalk.frontend.c;

import java.util.List;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.FieldStore;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Global;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * What one translation unit contributes to the program model, free of CDT types so the AST can be
 * dropped as soon as the unit is read.
 *
 * @param flows the control flow of each function the unit defines
 * @param recursionBounds {@code stingy_count} declared on functions: their most nested activations
 * @param headers the non-system headers the unit included (absolute paths)
 * @param fixedSizes values of fixed-size allocators' size expressions in this unit's types
 * @param hadErrors the unit had syntax or preprocessor errors in the user's files
 */
record UnitFacts(
    String unit,
    List<Function> functions,
    List<CallSite> calls,
    List<Constraint> constraints,
    List<Global> globals,
    List<FieldStore> fieldStores,
    List<FlowGraph> flows,
    java.util.Map<String, Long> recursionBounds,
    ServerSpec declared,
    List<String> declarationConflicts,
    List<String> headers,
    java.util.Map<String, Long> fixedSizes,
    List<Diagnostic> diagnostics,
    boolean hadErrors) {}
