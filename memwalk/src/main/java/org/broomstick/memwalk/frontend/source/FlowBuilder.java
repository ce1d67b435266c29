package org.broomstick.memwalk.frontend.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.broomstick.memwalk.model.FlowGraph;

/**
 * Accumulates a function's {@link FlowGraph} while its body is walked in evaluation order. Block 0
 * is an empty entry and block 1 the exit. Within a {@code try}, each event gets a block of its own
 * with an edge to every active handler, and the try's first block has one too: the handler sees the
 * state before and after each call, as in the bytecode frontend's graph. A {@code finally} body is
 * one block sequence that every way out of its {@code try} passes through and that leads to each of
 * their targets: it adds paths that do not run, never removes one, so must-free facts stay sound.
 */
final class FlowBuilder {
  static final int EXIT = 1;

  private final String function;
  private final List<List<Integer>> events = new ArrayList<>();
  private final List<Set<Integer>> succ = new ArrayList<>();
  private final java.util.Map<Integer, List<FlowGraph.NullPointer>> nulls = new java.util.HashMap<>();
  private final Deque<List<Integer>> handlers = new ArrayDeque<>();
  /** Block the walk is in; -1 after a jump, where code is unreachable. */
  private int cur;

  FlowBuilder(String function) {
    this.function = function;
    block();
    block();
    cur = block();
    edge(0, cur);
  }

  int block() {
    events.add(new ArrayList<>());
    succ.add(new LinkedHashSet<>());
    return events.size() - 1;
  }

  void edge(int from, int to) {
    if (from >= 0 && from != EXIT) {
      succ.get(from).add(to);
    }
  }

  int current() {
    return cur;
  }

  boolean reachable() {
    return cur >= 0;
  }

  void at(int block) {
    cur = block;
  }

  /** Continues in a fresh block reached from the current one. */
  int next() {
    int b = block();
    edge(cur, b);
    cur = b;
    return b;
  }

  /** Ends the current block with a jump (return, break, throw): what follows is unreachable. */
  void jump(int to) {
    edge(cur, to);
    cur = -1;
  }

  /** The current block is entered only where {@code p} is null (a fresh branch of a null test). */
  void nullOnEntry(FlowGraph.NullPointer p) {
    if (cur >= 0) {
      nulls.computeIfAbsent(cur, k -> new ArrayList<>()).add(p);
    }
  }

  void event(int ordinal) {
    if (cur < 0) {
      cur = block(); // dead code still places its events
    }
    if (handlers.isEmpty()) {
      events.get(cur).add(ordinal);
      return;
    }
    int b = next();
    events.get(b).add(ordinal);
    handlers.forEach(hs -> hs.forEach(h -> edge(b, h)));
    next();
  }

  /** Enters a try range whose exceptions go to {@code entries} (catch blocks, a finally). */
  void enterTry(List<Integer> entries) {
    int b = next();
    entries.forEach(h -> edge(b, h));
    handlers.push(entries);
  }

  void exitTry() {
    handlers.pop();
  }

  /** A throw: to the handlers that may catch it, and out of the function. */
  void raise() {
    if (cur < 0) {
      return;
    }
    handlers.forEach(hs -> hs.forEach(h -> edge(cur, h)));
    jump(EXIT);
  }

  FlowGraph build() {
    if (cur >= 0) {
      edge(cur, EXIT);
    }
    List<FlowGraph.Block> blocks = new ArrayList<>();
    for (int k = 0; k < events.size(); k++) {
      blocks.add(new FlowGraph.Block(events.get(k), k == EXIT ? List.of() : List.copyOf(succ.get(k)),
          nulls.getOrDefault(k, List.of())));
    }
    return new FlowGraph(function, blocks, EXIT);
  }
}
