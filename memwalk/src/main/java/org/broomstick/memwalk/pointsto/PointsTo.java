package org.broomstick.memwalk.pointsto;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The result of the points-to analysis: for each cell, the abstract objects it may point to
 * (function objects {@code fn:ID}, heap objects {@code heap:SITE}, cells whose address is taken),
 * and for each indirect call the functions it may call.
 */
public record PointsTo(Map<String, Set<String>> pointsTo, Map<Integer, SortedSet<String>> indirectTargets) {

  public PointsTo {
    pointsTo = Map.copyOf(pointsTo);
    indirectTargets = Map.copyOf(indirectTargets);
  }

  /** The objects {@code cell} may point to (empty when unknown or null). */
  public Set<String> of(String cell) {
    return cell == null ? Set.of() : pointsTo.getOrDefault(cell, Set.of());
  }

  /** The function ids {@code cell} may point to, sorted. */
  public SortedSet<String> functionsOf(String cell) {
    SortedSet<String> out = new TreeSet<>();
    for (String o : of(cell)) {
      if (o.startsWith("fn:")) {
        out.add(o.substring(3));
      }
    }
    return out;
  }

  /** The functions the indirect call at index {@code callIndex} of the program's calls may reach. */
  public SortedSet<String> targetsOfCall(int callIndex) {
    return indirectTargets.getOrDefault(callIndex, new TreeSet<>());
  }
}
