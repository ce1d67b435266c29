package org.broomstick.memwalk.interference;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.broomstick.memwalk.liveness.Liveness;
import org.jgrapht.Graph;
import org.jgrapht.alg.color.BrownBacktrackColoring;
import org.jgrapht.alg.color.SaturationDegreeColoring;
import org.jgrapht.alg.interfaces.VertexColoringAlgorithm;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;

/**
 * Builds the interference graph of the per-task objects from the liveness result and colours it:
 * exactly (JGraphT's backtracking) up to {@value #EXACT_LIMIT} objects, by DSatur beyond. Colours
 * are renumbered in the order objects first appear, so the result does not depend on the
 * algorithm's internal numbering.
 */
public final class InterferenceColouring {
  /** Backtracking is exponential; beyond this many objects DSatur's few extra colours are fine. */
  static final int EXACT_LIMIT = 24;

  private InterferenceColouring() {}

  /**
   * @param objects the per-task objects, in order; objects of other classes are not coloured
   */
  public static Colouring colour(Liveness liveness, Collection<String> objects) {
    Graph<String, DefaultEdge> g = new SimpleGraph<>(DefaultEdge.class);
    objects.forEach(g::addVertex);
    for (Liveness.StageFacts s : liveness.stages()) {
      // What a task may hold in the stage: what it brings and what the stage allocates.
      List<String> held = new ArrayList<>(new TreeSet<>(union(s.liveIn(), s.allocates())));
      held.removeIf(o -> !g.containsVertex(o));
      for (int i = 0; i < held.size(); i++) {
        for (int j = i + 1; j < held.size(); j++) {
          g.addEdge(held.get(i), held.get(j));
        }
      }
    }
    if (g.vertexSet().isEmpty()) {
      return new Colouring(Map.of(), List.of(), 0, true); // JGraphT's backtracking fails on an empty graph
    }
    boolean exact = g.vertexSet().size() <= EXACT_LIMIT;
    VertexColoringAlgorithm.Coloring<String> c =
        exact ? new BrownBacktrackColoring<>(g).getColoring() : new SaturationDegreeColoring<>(g).getColoring();
    Map<Integer, Integer> renumber = new HashMap<>();
    Map<String, Integer> colours = new LinkedHashMap<>();
    for (String o : objects) {
      int raw = c.getColors().get(o);
      colours.put(o, renumber.computeIfAbsent(raw, k -> renumber.size()));
    }
    List<List<String>> edges = new ArrayList<>();
    for (DefaultEdge e : g.edgeSet()) {
      String a = g.getEdgeSource(e);
      String b = g.getEdgeTarget(e);
      edges.add(a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a));
    }
    edges.sort((x, y) -> x.get(0).equals(y.get(0)) ? x.get(1).compareTo(y.get(1)) : x.get(0).compareTo(y.get(0)));
    return new Colouring(colours, edges, renumber.size(), exact);
  }

  private static TreeSet<String> union(Collection<String> a, Collection<String> b) {
    TreeSet<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }
}
