package org.broomstick.memwalk.cycles;

import java.util.List;
import java.util.Set;

/**
 * The cycles of a server (SPEC §5.4): strongly-connected sets of stages (a stage that queues
 * itself, a parse stage that waits for more input, …) and of functions in the call graph
 * (recursion). Objects allocated inside them have no static bound per task.
 *
 * @param stageCycles each a sorted list of stage ids
 * @param recursion each a sorted list of function ids
 */
public record Cycles(List<List<String>> stageCycles, List<List<String>> recursion) {
  public Cycles {
    stageCycles = stageCycles.stream().map(List::copyOf).toList();
    recursion = recursion.stream().map(List::copyOf).toList();
  }

  public boolean inStageCycle(String stage) {
    return stageCycles.stream().anyMatch(c -> c.contains(stage));
  }

  public boolean recursive(String function) {
    return recursion.stream().anyMatch(c -> c.contains(function));
  }

  /** The recursive functions, for quick membership tests. */
  public Set<String> recursiveFunctions() {
    return recursion.stream().flatMap(List::stream).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
