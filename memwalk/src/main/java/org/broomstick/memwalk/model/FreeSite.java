package org.broomstick.memwalk.model;

/**
 * A call of a {@code Free} function; {@code pointer} is the cell of the freed pointer argument, {@code
 * ordinal} the call's event number in its function's {@link FlowGraph}.
 */
public record FreeSite(
    String id,
    SourceLocation location,
    String function,
    String freer,
    String pointer,
    String pointerText,
    boolean inMacro,
    int ordinal,
    int offset,
    int length) {}
