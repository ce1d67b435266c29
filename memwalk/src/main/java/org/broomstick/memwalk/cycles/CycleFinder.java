package org.broomstick.memwalk.cycles;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.scg.StageGraph;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.GabowStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;

/**
 * Strongly-connected components of the stage graph and of the call graph (SPEC §5.4). JGraphT's
 * path-based (Gabow) algorithm gives the same components as Tarjan's, in linear time; a component
 * is a cycle when it has two or more members or a self-loop.
 */
public final class CycleFinder {
  private CycleFinder() {}

  public static Cycles find(StageGraph sg) {
    Graph<String, DefaultEdge> calls = new DefaultDirectedGraph<>(DefaultEdge.class);
    for (Edge e : sg.callGraph().edges()) {
      if (e.kind() == Edge.Kind.CALL) {
        calls.addVertex(e.from());
        calls.addVertex(e.to());
        calls.addEdge(e.from(), e.to());
      }
    }
    return new Cycles(components(sg.asGraph()), components(calls));
  }

  static <E> List<List<String>> components(Graph<String, E> g) {
    List<List<String>> out = new ArrayList<>();
    for (Set<String> scc : new GabowStrongConnectivityInspector<>(g).stronglyConnectedSets()) {
      String any = scc.iterator().next();
      if (scc.size() > 1 || g.containsEdge(any, any)) {
        out.add(scc.stream().sorted().toList());
      }
    }
    out.sort(Comparator.comparing(c -> c.get(0)));
    return out;
  }
}
