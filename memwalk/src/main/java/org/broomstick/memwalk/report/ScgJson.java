package org.broomstick.memwalk.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.InputFile;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.scg.IndirectCall;

/**
 * Writes {@code scg.json} (SPEC §10): the call graph with event edges, indirect calls with their
 * targets, diagnostics, and a {@code stats} object with the run's figures.
 */
public final class ScgJson {
  /** Bumped when a field changes meaning or is removed; adding fields keeps it. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ScgJson() {}

  public static void write(CallGraph g, Map<String, Object> stats, Writer out) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("language", g.program().language());
    ArrayNode inputs = root.putArray("inputs");
    for (InputFile f : g.program().inputs()) {
      inputs.addObject().put("path", f.path()).put("sha256", f.sha256());
    }
    ArrayNode fns = root.putArray("functions");
    for (Function f : g.program().functions()) {
      fns.add(function(f));
    }
    ArrayNode edges = root.putArray("edges");
    for (Edge e : g.edges()) {
      ObjectNode n = edges.addObject();
      n.put("from", e.from()).put("to", e.to()).put("kind", e.kind().label());
      location(n, e.at());
    }
    ArrayNode ind = root.putArray("indirectCalls");
    for (IndirectCall c : g.indirectCalls()) {
      ObjectNode n = ind.addObject();
      n.put("function", c.function());
      location(n, c.at());
      n.put("expression", c.expression());
      ArrayNode t = n.putArray("targets");
      c.targets().forEach(t::add);
    }
    ArrayNode diags = root.putArray("diagnostics");
    for (Diagnostic d : all(g)) {
      diags.add(diagnostic(d));
    }
    ObjectNode st = root.putObject("stats");
    stats.forEach((k, v) -> st.set(k, MAPPER.valueToTree(v)));
    JsonGenerator gen = MAPPER.getFactory().createGenerator(out);
    gen.setPrettyPrinter(new DefaultPrettyPrinter());
    MAPPER.writeTree(gen, root);
    out.write('\n');
    out.flush();
  }

  /** The program's diagnostics followed by the call graph's, both already sorted. */
  public static List<Diagnostic> all(CallGraph g) {
    List<Diagnostic> out = new java.util.ArrayList<>(g.program().diagnostics());
    out.addAll(g.diagnostics());
    out.sort(java.util.Comparator.comparing(Diagnostic::at).thenComparing(Diagnostic::key));
    return out;
  }

  static ObjectNode function(Function f) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", f.id()).put("name", f.name());
    n.put("file", f.location().file());
    if (f.location().file() == null) {
      n.putNull("line");
    } else {
      n.put("line", f.location().line());
    }
    n.put("frameBytes", f.frameBytes()).put("frameSource", f.frameSource().label());
    if (f.frameDynamic()) {
      n.put("frameDynamic", true);
    }
    n.put("codeBytes", f.codeBytes()).put("static", f.isStatic());
    return n;
  }

  static void location(ObjectNode n, SourceLocation at) {
    n.put("file", at.file());
    n.put("line", at.line());
    n.put("column", at.column());
  }

  static ObjectNode diagnostic(Diagnostic d) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("severity", d.severity().label()).put("key", d.key());
    location(n, d.at());
    n.put("message", d.message());
    return n;
  }
}
