package org.broomstick.memwalk.model;

import java.util.List;

/**
 * The control flow of one function body, reduced to the events memwalk's analyses need: calls
 * (and through them allocations, frees and queue sites) and stores into struct fields. Block 0 is
 * the entry; every {@code return} and the end of the body lead to {@code exit}, which has no events
 * and no successors. Events are the {@code ordinal}s of the function's {@link CallSite}s and {@link
 * FieldStore}s, in evaluation order. Short-circuit operators, {@code ?:}, loops, {@code switch} and
 * {@code goto} are edges, so "every path from the entry" is a property of this graph alone.
 *
 * <p>A frontend builds it from syntax only; what flows along it is the analyses' business (SPEC §2).
 */
public record FlowGraph(String function, List<Block> blocks, int exit) {

  public FlowGraph {
    blocks = List.copyOf(blocks);
    if (exit < 0 || exit >= blocks.size()) {
      throw new IllegalArgumentException("exit block " + exit + " out of range in " + function);
    }
  }

  /**
   * A straight-line run of events.
   *
   * @param nullOnEntry pointers that are null whenever this block is entered (it is the branch of
   *     a test such as {@code if (p == NULL)} or the else of {@code if (p)}): a task holds no
   *     object through them there, as on the path through a free
   */
  public record Block(List<Integer> events, List<Integer> successors, List<NullPointer> nullOnEntry) {
    public Block {
      events = List.copyOf(events);
      successors = List.copyOf(successors);
      nullOnEntry = List.copyOf(nullOnEntry);
    }

    public Block(List<Integer> events, List<Integer> successors) {
      this(events, successors, List.of());
    }
  }

  /**
   * A pointer known to be null.
   *
   * @param cell its points-to cell
   * @param pointee the struct it points to, keyed as field cells are ({@code f:KEY.field}), or null
   */
  public record NullPointer(String cell, String pointee) {}

  /** The flow of a body without branches: one block holding the events, then the exit. */
  public static FlowGraph straight(String function, List<Integer> events) {
    return new FlowGraph(function, List.of(new Block(events, List.of(1)), new Block(List.of(), List.of())), 1);
  }
}
