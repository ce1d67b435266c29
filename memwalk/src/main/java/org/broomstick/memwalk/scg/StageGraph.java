package org.broomstick.memwalk.scg;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.broomstick.memwalk.diag.Diagnostic;

/**
 * The stage graph of a server: its stages and the event edges between them, the scheduler's
 * functions, and what was left out because the entry does not reach it (SPEC §5.2–5.3).
 *
 * @param entry the function exploration started from (null: every stage is kept)
 * @param scheduler the scheduler's entry and the functions it runs before it dispatches a stage
 *     (empty when no {@code Scheduler} is declared)
 * @param unreachable ids of stages not reachable from the entry, left out
 */
public record StageGraph(
    CallGraph callGraph,
    String entry,
    List<Stage> stages,
    Optional<Scheduler> scheduler,
    List<String> unreachable,
    List<Diagnostic> diagnostics) {

  public StageGraph {
    stages = List.copyOf(stages);
    unreachable = List.copyOf(unreachable);
    diagnostics = List.copyOf(diagnostics);
  }

  /** The scheduler subgraph: everything the scheduler function reaches before a stage entry. */
  public record Scheduler(String entry, List<String> functions, List<String> dispatchers) {
    public Scheduler {
      functions = List.copyOf(functions);
      dispatchers = List.copyOf(dispatchers);
    }
  }

  /** The stages and their event edges as a read-only JGraphT graph of stage ids. */
  public org.jgrapht.Graph<String, org.jgrapht.graph.DefaultEdge> asGraph() {
    org.jgrapht.Graph<String, org.jgrapht.graph.DefaultEdge> g =
        new org.jgrapht.graph.DefaultDirectedGraph<>(org.jgrapht.graph.DefaultEdge.class);
    stages.forEach(s -> g.addVertex(s.id()));
    stages.forEach(s -> s.successors().forEach(t -> g.addEdge(s.id(), t)));
    return new org.jgrapht.graph.AsUnmodifiableGraph<>(g);
  }

  public Map<String, Stage> stagesById() {
    Map<String, Stage> m = new java.util.LinkedHashMap<>();
    stages.forEach(s -> m.put(s.id(), s));
    return m;
  }
}
