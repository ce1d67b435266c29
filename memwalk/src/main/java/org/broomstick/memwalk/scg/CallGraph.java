package org.broomstick.memwalk.scg;

import java.util.List;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.Program;

/**
 * The program's call graph with event edges: the input of every stage analysis (SPEC §5.1).
 * Edges are de-duplicated per (from, to, kind, location) and sorted.
 */
public record CallGraph(
    Program program, List<Edge> edges, List<IndirectCall> indirectCalls, List<Diagnostic> diagnostics) {

  public CallGraph {
    edges = List.copyOf(edges);
    indirectCalls = List.copyOf(indirectCalls);
    diagnostics = List.copyOf(diagnostics);
  }

  public long callEdges() {
    return edges.stream().filter(e -> e.kind() == Edge.Kind.CALL).count();
  }

  public long eventEdges() {
    return edges.stream().filter(e -> e.kind() == Edge.Kind.EVENT).count();
  }

  public long unresolvedIndirectCalls() {
    return indirectCalls.stream().filter(c -> c.targets().isEmpty()).count();
  }
}
