package org.broomstick.memwalk.report;

import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.scg.Stage;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.nio.Attribute;
import org.jgrapht.nio.AttributeType;
import org.jgrapht.nio.DefaultAttribute;
import org.jgrapht.nio.dot.DOTExporter;
import org.jgrapht.nio.graphml.GraphMLExporter;

/**
 * The collapsed stage call graph (one node per stage, event edges between them) as Graphviz DOT or
 * GraphML, with each stage's functions, stack, code size and live objects as attributes, through
 * JGraphT's exporters.
 */
public final class StageGraphExport {
  private StageGraphExport() {}

  public static void dot(Report r, Writer out) {
    DOTExporter<String, DefaultEdge> e = new DOTExporter<>(id -> "s" + index(r, id));
    e.setGraphAttributeProvider(() -> Map.of("rankdir", DefaultAttribute.createAttribute("LR")));
    e.setVertexAttributeProvider(id -> {
      Map<String, Attribute> a = new LinkedHashMap<>();
      Stage s = r.stages().stagesById().get(id);
      Liveness.StageFacts f = r.liveness().stagesById().get(id);
      Long sc = r.stack().stageBytes().get(id);
      a.put("label", DefaultAttribute.createAttribute(s.entry() + "\\nnf=" + s.functions().size() + " sc="
          + (sc == null ? "unbounded" : sc) + "\\nL=" + f.liveIn().size() + " A=" + f.allocates().size()));
      a.put("shape", DefaultAttribute.createAttribute(f.entryStage() ? "doublecircle" : "box"));
      a.put("tooltip", DefaultAttribute.createAttribute(id));
      return a;
    });
    e.exportGraph(graph(r), out);
  }

  public static void graphml(Report r, Writer out) {
    GraphMLExporter<String, DefaultEdge> e = new GraphMLExporter<>(id -> id);
    e.registerAttribute("entry", GraphMLExporter.AttributeCategory.NODE, AttributeType.STRING);
    e.registerAttribute("functions", GraphMLExporter.AttributeCategory.NODE, AttributeType.INT);
    e.registerAttribute("maxStackBytes", GraphMLExporter.AttributeCategory.NODE, AttributeType.LONG);
    e.registerAttribute("codeBytes", GraphMLExporter.AttributeCategory.NODE, AttributeType.LONG);
    e.registerAttribute("entryStage", GraphMLExporter.AttributeCategory.NODE, AttributeType.BOOLEAN);
    e.registerAttribute("liveIn", GraphMLExporter.AttributeCategory.NODE, AttributeType.STRING);
    e.registerAttribute("allocates", GraphMLExporter.AttributeCategory.NODE, AttributeType.STRING);
    e.setVertexAttributeProvider(id -> {
      Map<String, Attribute> a = new LinkedHashMap<>();
      Stage s = r.stages().stagesById().get(id);
      Liveness.StageFacts f = r.liveness().stagesById().get(id);
      Long sc = r.stack().stageBytes().get(id);
      a.put("entry", DefaultAttribute.createAttribute(s.entry()));
      a.put("functions", DefaultAttribute.createAttribute(s.functions().size()));
      a.put("maxStackBytes", DefaultAttribute.createAttribute(sc == null ? -1L : sc));
      a.put("codeBytes", DefaultAttribute.createAttribute(s.codeBytes()));
      a.put("entryStage", DefaultAttribute.createAttribute(f.entryStage()));
      a.put("liveIn", DefaultAttribute.createAttribute(String.join(" ", f.liveIn())));
      a.put("allocates", DefaultAttribute.createAttribute(String.join(" ", f.allocates())));
      return a;
    });
    e.setExportVertexLabels(false);
    e.exportGraph(graph(r), out);
  }

  private static Graph<String, DefaultEdge> graph(Report r) {
    return r.stages().asGraph();
  }

  private static int index(Report r, String id) {
    return r.stages().stages().stream().map(Stage::id).collect(Collectors.toList()).indexOf(id);
  }
}
