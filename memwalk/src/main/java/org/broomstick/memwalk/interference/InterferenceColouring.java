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
import org.jgrapht.alg.color.SaturationDegreeColoring;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;

/**
 * Builds the interference graph of the per-task objects from the liveness result and colours it:
 * exactly (backtracking) up to {@value #EXACT_LIMIT} objects, by JGraphT's DSatur beyond. Colours
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
    boolean exact = g.vertexSet().size() <= EXACT_LIMIT;
    Map<String, Integer> raw = new SaturationDegreeColoring<>(g).getColoring().getColors();
    if (exact) {
      raw = exact(g, objects, raw);
    }
    Map<Integer, Integer> renumber = new HashMap<>();
    Map<String, Integer> colours = new LinkedHashMap<>();
    for (String o : objects) {
      int c = raw.get(o);
      colours.put(o, renumber.computeIfAbsent(c, k -> renumber.size()));
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

  /**
   * A colouring with the fewest colours: tries k = 1, 2, … below the heuristic's count by
   * backtracking over the vertices in decreasing degree. (JGraphT's BrownBacktrackColoring fails on
   * a one-vertex graph in 1.5.2, hence our own; the graphs here have at most EXACT_LIMIT vertices.)
   */
  private static Map<String, Integer> exact(Graph<String, DefaultEdge> g, Collection<String> objects, Map<String, Integer> heuristic) {
    List<String> order = new ArrayList<>(objects);
    order.sort((a, b) -> Integer.compare(g.degreeOf(b), g.degreeOf(a)));
    int best = (int) heuristic.values().stream().distinct().count();
    for (int k = 1; k < best; k++) {
      Map<String, Integer> c = new HashMap<>();
      if (assign(g, order, 0, k, c)) {
        return c;
      }
    }
    return heuristic;
  }

  private static boolean assign(Graph<String, DefaultEdge> g, List<String> order, int i, int k, Map<String, Integer> c) {
    if (i == order.size()) {
      return true;
    }
    String v = order.get(i);
    int used = (int) c.values().stream().distinct().count();
    // A fresh colour is only tried once (colours are interchangeable): symmetry breaking.
    for (int colour = 0; colour < Math.min(k, used + 1); colour++) {
      boolean free = true;
      for (DefaultEdge e : g.edgesOf(v)) {
        String u = org.jgrapht.Graphs.getOppositeVertex(g, e, v);
        if (Integer.valueOf(colour).equals(c.get(u))) {
          free = false;
          break;
        }
      }
      if (free) {
        c.put(v, colour);
        if (assign(g, order, i + 1, k, c)) {
          return true;
        }
        c.remove(v);
      }
    }
    return false;
  }

  private static TreeSet<String> union(Collection<String> a, Collection<String> b) {
    TreeSet<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }
}
