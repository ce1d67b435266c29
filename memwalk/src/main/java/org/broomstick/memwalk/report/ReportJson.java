package org.broomstick.memwalk.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.liveness.Liveness;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.FreeSite;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.InputFile;
import org.broomstick.memwalk.objects.Objects;
import org.broomstick.memwalk.order.OrderConstraint;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.scg.Stage;
import org.broomstick.memwalk.scg.StageGraph;
import org.broomstick.memwalk.stack.StackSummary;

/**
 * Writes {@code report.json} (SPEC §10), the value stingygen reads. Beyond the fields SPEC §10
 * names, stages carry {@code entryStage}, {@code rank}, {@code mustLiveIn} and {@code liveAtExit},
 * objects their {@code count} and {@code reason}, and {@code globals} lists the static variables with
 * their class, so stingygen can size the final globals without the program; objects and {@code
 * freeSites} carry the character offsets of their calls (and of the size argument) for stingify.
 */
public final class ReportJson {
  /** Bumped when a field changes meaning or is removed; adding fields keeps it. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportJson() {}

  public static void write(Report r, Map<String, Object> stats, Writer out) throws IOException {
    write(r, null, stats, out);
  }

  /**
   * @param base the absolute directory the report's relative paths are relative to (the working
   *     directory of the analysis), recorded so stingify finds the files from anywhere; null omits it
   */
  public static void write(Report r, String base, Map<String, Object> stats, Writer out) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("language", r.program().language());
    if (base != null) {
      root.put("base", base);
    }
    ArrayNode inputs = root.putArray("inputs");
    for (InputFile f : r.program().inputs()) {
      inputs.addObject().put("path", f.path()).put("sha256", f.sha256());
    }
    Report.WorkingSet ws = r.workingSet();
    ObjectNode summary = root.putObject("summary");
    summary.put("stages", r.stages().stages().size());
    summary.put("perTaskObjects", r.objects().perTask().size());
    summary.put("workingSetBytes", ws.bytes());
    summary.put("workingSetStage", ws.stage());
    summary.put("workingSetSizesUnknown", ws.sizesUnknown());
    summary.put("finalGlobalBytes", r.objects().finalGlobalBytes());
    if (r.stack().totalBytes() == null) {
      summary.putNull("stackBytes");
    } else {
      summary.put("stackBytes", r.stack().totalBytes());
    }

    ArrayNode fns = root.putArray("functions");
    for (Function f : r.program().functions()) {
      fns.add(ScgJson.function(f));
    }
    ArrayNode edges = root.putArray("edges");
    for (Edge e : r.callGraph().edges()) {
      ObjectNode n = edges.addObject();
      n.put("from", e.from()).put("to", e.to()).put("kind", e.kind().label());
      ScgJson.location(n, e.at());
    }

    Map<String, Liveness.StageFacts> facts = r.liveness().stagesById();
    ArrayNode stages = root.putArray("stages");
    for (Stage s : r.stages().stages()) {
      Liveness.StageFacts f = facts.get(s.id());
      ObjectNode n = stages.addObject();
      n.put("id", s.id()).put("entry", s.entry());
      strings(n.putArray("functions"), s.functions());
      strings(n.putArray("successors"), s.successors());
      strings(n.putArray("liveIn"), f.liveIn());
      strings(n.putArray("mustLiveIn"), f.mustLiveIn());
      strings(n.putArray("allocates"), f.allocates());
      strings(n.putArray("frees"), f.frees());
      strings(n.putArray("liveAtExit"), f.liveAtExit());
      Long stack = r.stack().stageBytes().get(s.id());
      if (stack == null) {
        n.putNull("maxStackBytes");
      } else {
        n.put("maxStackBytes", stack);
      }
      n.put("codeBytes", s.codeBytes());
      n.put("inCycle", r.cycles().inStageCycle(s.id()));
      n.put("entryStage", f.entryStage());
      n.put("rank", f.rank());
    }
    ObjectNode sched = root.putObject("scheduler");
    if (r.stages().scheduler().isPresent()) {
      StageGraph.Scheduler s = r.stages().scheduler().get();
      sched.put("entry", s.entry());
      strings(sched.putArray("functions"), s.functions());
      strings(sched.putArray("dispatchers"), s.dispatchers());
    } else {
      sched.putNull("entry");
      sched.putArray("functions");
      sched.putArray("dispatchers");
    }
    sched.put("maxStackBytes", r.stack().schedulerBytes());
    strings(root.putArray("unreachableStages"), r.stages().unreachable());

    Map<String, Liveness.ObjectFacts> objectFacts = r.liveness().objectsById();
    ArrayNode objects = root.putArray("objects");
    for (AllocSite a : r.program().allocs()) {
      Objects.Classified c = r.objects().objects().get(a.id());
      Liveness.ObjectFacts f = objectFacts.get(a.id());
      ObjectNode n = objects.addObject();
      n.put("id", a.id());
      ObjectNode site = n.putObject("site");
      site.put("file", a.location().file()).put("line", a.location().line()).put("column", a.location().column());
      n.put("function", a.function());
      n.put("allocator", a.allocator());
      Collection<String> in = f == null ? List.of() : f.allocatedIn();
      if (in.isEmpty()) {
        n.putNull("stage");
      } else {
        n.put("stage", in.iterator().next());
      }
      strings(n.putArray("allocatedIn"), in);
      putLong(n, "sizeBytes", a.sizeBytes());
      n.put("sizeExpr", a.sizeExpr());
      putLong(n, "sizeHint", a.hints().stingySize());
      putLong(n, "countHint", a.hints().stingyCount());
      n.put("count", c.count());
      n.put("class", c.objectClass().label());
      Integer colour = r.colouring().colours().get(a.id());
      if (colour == null) {
        n.putNull("color");
      } else {
        n.put("color", colour);
      }
      strings(n.putArray("freedIn"), f == null ? List.of() : f.freedIn());
      n.put("inMacro", a.inMacro());
      n.put("offset", a.offset()).put("length", a.length());
      n.put("sizeOffset", a.sizeOffset()).put("sizeLength", a.sizeLength()).put("sizeParam", a.sizeParam());
      ArrayNode args = n.putArray("args");
      a.args().forEach(args::add);
      n.put("wrapper", a.wrapper());
      n.put("reason", c.reason());
    }
    ArrayNode frees = root.putArray("freeSites");
    for (FreeSite f : r.program().frees()) {
      ObjectNode n = frees.addObject();
      n.put("id", f.id()).put("function", f.function()).put("freer", f.freer());
      ScgJson.location(n, f.location());
      n.put("pointer", f.pointerText());
      ArrayNode rel = n.putArray("releases");
      for (String o : new TreeSet<>(r.pointsTo().of(f.pointer()))) {
        if (o.startsWith("heap:")) {
          rel.add(o.substring(5));
        }
      }
      n.put("inMacro", f.inMacro());
      n.put("offset", f.offset()).put("length", f.length());
    }
    ArrayNode globals = root.putArray("globals");
    for (Objects.GlobalVariable g : r.objects().globals()) {
      ObjectNode n = globals.addObject();
      n.put("id", g.id()).put("name", g.name()).put("file", g.location().file()).put("line", g.location().line());
      n.put("sizeBytes", g.sizeBytes()).put("class", g.objectClass().label());
    }
    root.put("globalThresholdBytes", r.objects().thresholdBytes());
    ArrayNode order = root.putArray("orderConstraints");
    for (OrderConstraint o : r.orderConstraints()) {
      order.addObject().put("greater", o.greater()).put("lesser", o.lesser());
    }
    ArrayNode interference = root.putArray("interference");
    for (List<String> e : r.colouring().edges()) {
      strings(interference.addArray(), e);
    }
    root.put("colours", r.colouring().count());
    root.put("coloursExact", r.colouring().exact());
    ArrayNode cycles = root.putArray("cycles");
    for (List<String> c : r.cycles().stageCycles()) {
      ObjectNode n = cycles.addObject();
      strings(n.putArray("stages"), c);
      Set<String> objs = new TreeSet<>();
      for (String s : c) {
        Liveness.StageFacts f = facts.get(s);
        if (f != null) {
          objs.addAll(f.allocates());
        }
      }
      strings(n.putArray("objects"), objs);
    }
    ArrayNode recursion = root.putArray("recursion");
    for (List<String> c : r.cycles().recursion()) {
      strings(recursion.addArray(), c);
    }
    ObjectNode stack = root.putObject("stack");
    putLong(stack, "totalBytes", r.stack().totalBytes());
    stack.put("schedulerBytes", r.stack().schedulerBytes());
    ArrayNode clusters = stack.putArray("clusters");
    for (StackSummary.Cluster c : r.stack().clusters()) {
      clusters.addObject().put("bytes", c.bytes()).put("paths", c.paths());
    }
    ArrayNode diags = root.putArray("diagnostics");
    for (Diagnostic d : r.diagnostics()) {
      diags.add(ScgJson.diagnostic(d));
    }
    ObjectNode st = root.putObject("stats");
    stats.forEach((k, v) -> st.set(k, MAPPER.valueToTree(v)));
    ScgJson.writeTree(root, out);
  }

  private static void strings(ArrayNode a, Collection<String> values) {
    values.forEach(a::add);
  }

  private static void putLong(ObjectNode n, String field, Long v) {
    if (v == null) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }
}
