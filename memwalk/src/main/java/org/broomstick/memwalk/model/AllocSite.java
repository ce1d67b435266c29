package org.broomstick.memwalk.model;

/**
 * A call of a {@code Malloc} function: one <em>object</em> of the thesis (figure 6.2). The {@code
 * id} is {@code file:line:column#allocator}, stable across runs and file order, because stingify
 * and the generated header use it; a second call at the same place (no columns in class files, or
 * one macro expansion) gets {@code #2}, a third {@code #3}, in call order.
 *
 * @param sizeBytes the size when it is a compile-time constant (or given by the spec), else null
 * @param ordinal the call's event number in its function's {@link FlowGraph}
 * @param result the points-to cell that receives the pointer (null when the value is dropped)
 * @param sizeParam the index of the size argument (-1: a fixed-size allocator)
 * @param args the argument texts (null entries where unknown), for a wrapper call
 * @param wrapper the spec's wrapper for this allocator (thesis figure 7.5), or null
 * @param sizeOffset character offset of the size argument, for the guarded rewrite (-1: none or
 *     unknown); {@code sizeLength} its extent
 */
public record AllocSite(
    String id,
    SourceLocation location,
    String function,
    String allocator,
    String sizeExpr,
    Long sizeBytes,
    Hints hints,
    String result,
    boolean inMacro,
    int ordinal,
    int offset,
    int length,
    int sizeOffset,
    int sizeLength,
    int sizeParam,
    java.util.List<String> args,
    String wrapper) {

  public AllocSite {
    args = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(args));
  }

  public static String idOf(SourceLocation at, String allocator) {
    return at.file() + ":" + at.line() + ":" + at.column() + "#" + allocator;
  }

  /** The same site under another id. */
  public AllocSite withId(String newId) {
    return new AllocSite(newId, location, function, allocator, sizeExpr, sizeBytes, hints, result, inMacro, ordinal, offset,
        length, sizeOffset, sizeLength, sizeParam, args, wrapper);
  }

  /** The abstract heap object of this site in points-to sets. */
  public String heapObject() {
    return "heap:" + id;
  }
}
