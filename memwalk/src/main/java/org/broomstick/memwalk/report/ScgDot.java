package org.broomstick.memwalk.report;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashSet;
import java.util.Set;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.Edge;

/** Writes the call graph as Graphviz DOT: call edges solid, event edges dashed and red. */
public final class ScgDot {
  private ScgDot() {}

  public static void write(CallGraph g, Writer out) throws IOException {
    out.write("digraph scg {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
    Set<String> nodes = new LinkedHashSet<>();
    for (Edge e : g.edges()) {
      nodes.add(e.from());
      nodes.add(e.to());
    }
    java.util.Map<String, String> names = new java.util.HashMap<>();
    g.program().functions().forEach(f -> names.put(f.id(), f.name()));
    for (String n : nodes) {
      String name = names.getOrDefault(n, n);
      // Static functions keep their unit in the id; the label stays short.
      out.write("  " + quote(n) + (name.equals(n) ? "" : " [label=" + quote(name) + ", tooltip=" + quote(n) + "]") + ";\n");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Edge e : g.edges()) {
      String line =
          "  " + quote(e.from()) + " -> " + quote(e.to())
              + (e.kind() == Edge.Kind.EVENT ? " [style=dashed, color=red, label=\"event\"]" : "") + ";\n";
      if (seen.add(line)) {
        out.write(line);
      }
    }
    out.write("}\n");
    out.flush();
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
