package org.broomstick.memwalk.model;

import java.util.List;

/**
 * A call in a function body. A direct call names its {@code callee} function id; an indirect call
 * has {@code callee == null} and the cell of the called expression in {@code calleeCell}.
 *
 * @param caller id of the function containing the call (never null)
 * @param calleeText the called expression's source text, for messages
 * @param result the cell that receives the call's value (null when unused)
 * @param resultHints hints on the variable or field the result is assigned to
 * @param inMacro the call is produced by a macro expansion (cannot be rewritten in place)
 * @param ordinal the call's event number in its function's {@link FlowGraph} (-1 outside functions)
 * @param offset character offset of the call expression in its file, length its extent (for
 *     rewriting); -1 when unknown
 */
public record CallSite(
    String caller,
    SourceLocation location,
    String callee,
    String calleeCell,
    String calleeText,
    List<Argument> args,
    String result,
    Hints resultHints,
    boolean inMacro,
    int ordinal,
    int offset,
    int length) {

  public CallSite {
    args = List.copyOf(args);
  }

  public boolean isIndirect() {
    return callee == null;
  }
}
