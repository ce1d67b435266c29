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
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.FreeSite;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.Global;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.model.QueueSite;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.spec.ServerSpec;
import org.broomstick.memwalk.model.InputFile;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.scg.CallGraph;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.scg.IndirectCall;

/**
 * Writes {@code scg.json} (SPEC §10): the call graph with event edges, indirect calls with their
 * targets, the sites bound to the server interface (allocations with sizes and hints, frees with the
 * allocation sites they may release, queue sites with their stages), globals, diagnostics, and a
 * {@code stats} object with the run's figures.
 */
public final class ScgJson {
  /** Bumped when a field changes meaning or is removed; adding fields keeps it. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ScgJson() {}

  public static void write(CallGraph g, PointsTo pointsTo, Map<String, Object> stats, Writer out) throws IOException {
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
    Program p = g.program();
    ArrayNode allocs = root.putArray("allocationSites");
    for (AllocSite a : p.allocs()) {
      ObjectNode n = allocs.addObject();
      n.put("id", a.id()).put("function", a.function()).put("allocator", a.allocator());
      location(n, a.location());
      n.put("sizeExpr", a.sizeExpr());
      if (a.sizeBytes() == null) {
        n.putNull("sizeBytes");
      } else {
        n.put("sizeBytes", a.sizeBytes());
      }
      n.put("stingySize", a.hints().stingySize());
      n.put("stingyCount", a.hints().stingyCount());
      n.put("inMacro", a.inMacro());
    }
    ArrayNode frees = root.putArray("freeSites");
    for (FreeSite f : p.frees()) {
      ObjectNode n = frees.addObject();
      n.put("function", f.function()).put("freer", f.freer());
      location(n, f.location());
      n.put("pointer", f.pointerText());
      ArrayNode rel = n.putArray("releases");
      for (String o : pointsTo.of(f.pointer())) {
        if (o.startsWith("heap:")) {
          rel.add(o.substring(5));
        }
      }
      n.put("inMacro", f.inMacro());
    }
    ArrayNode queues = root.putArray("queueSites");
    for (QueueSite q : p.queues()) {
      ObjectNode n = queues.addObject();
      n.put("function", q.function()).put("kind", q.kind().name().toLowerCase(java.util.Locale.ROOT)).put("via", q.via());
      location(n, q.location());
      n.put("stage", q.stageText());
      ArrayNode st = n.putArray("stages");
      pointsTo.functionsOf(q.stage()).forEach(st::add);
    }
    ArrayNode globals = root.putArray("globals");
    for (Global gl : p.globals()) {
      ObjectNode n = globals.addObject();
      n.put("id", gl.id()).put("name", gl.name());
      location(n, gl.location());
      n.put("sizeBytes", gl.sizeBytes()).put("static", gl.isStatic());
    }
    ObjectNode server = root.putObject("server");
    ServerSpec spec = p.spec();
    spec.queueStages().keySet().stream().sorted().forEach(server.withArray("queueStage")::add);
    spec.scheduleStages().keySet().stream().sorted().forEach(server.withArray("scheduleStage")::add);
    spec.mallocs().keySet().stream().sorted().forEach(server.withArray("malloc")::add);
    spec.frees().keySet().stream().sorted().forEach(server.withArray("free")::add);
    spec.schedulers().forEach(d -> server.withArray("scheduler").add(d.name()));
    spec.stageFields().forEach(sf -> server.withArray("stageField").add(sf.key()));
    if (spec.entry() != null) {
      server.put("entry", spec.entry().name());
    }
    ArrayNode diags = root.putArray("diagnostics");
    for (Diagnostic d : all(g)) {
      diags.add(diagnostic(d));
    }
    ObjectNode st = root.putObject("stats");
    stats.forEach((k, v) -> st.set(k, MAPPER.valueToTree(v)));
    writeTree(root, out);
  }

  /** Pretty-prints a JSON tree with a final newline, leaving the writer open (the caller owns it). */
  static void writeTree(ObjectNode root, Writer out) throws IOException {
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
