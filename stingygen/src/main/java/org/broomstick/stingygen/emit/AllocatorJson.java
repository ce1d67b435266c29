package org.broomstick.stingygen.emit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Plan.StagePlan;
import org.broomstick.stingygen.ilp.Sizing;
import org.broomstick.stingygen.layout.MemoryMap;
import org.broomstick.stingygen.layout.MemoryMap.Placement;
import org.broomstick.stingygen.layout.MemoryMap.Region;
import org.broomstick.stingygen.layout.Workload.GlobalItem;
import org.broomstick.stingygen.layout.Workload.Unmanaged;

/**
 * {@code allocator.json} (SPEC §10, schemaVersion 1). Beyond the contract's fields: per object its
 * n_O ({@code tasks}), per-task count, size and C name; the solver's bound, gap, scale and detail;
 * the stack and globals used; per stage fill, caps and rank; the unmanaged objects with reasons.
 * {@code objects[].count} is the number of slab instances, n_O × per-task count (the runtime's
 * {@code count}).
 */
public final class AllocatorJson {
  public static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private AllocatorJson() {}

  public static String render(Plan plan) {
    return render(plan, null);
  }

  /**
   * @param javaClass the generated Java config class ({@code pkg.Ids}) when the target is Java:
   *     recorded as {@code java.class}, with each object's constant as {@code javaName}, so that
   *     stingify writes {@code Stingy.alloc(Ids.X)}; null for C
   */
  public static String render(Plan plan, String javaClass) {
    MemoryMap m = plan.map();
    Map<String, String> javaNames = javaClass == null ? Map.of() : JavaNames.of(plan).objects();
    Sizing s = plan.sizing();
    Map<String, String> cNames = CConfig.objectNames(plan);
    Map<String, String> stageNames = CNames.stages(plan.report().stages());
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("report", plan.report().file());
    ObjectNode cache = root.putObject("cache");
    cache.put("sizeBytes", m.cacheBytes());
    cache.put("lineBytes", m.lineBytes());
    cache.put("source", plan.workload().cache().source());
    if (javaClass != null) {
      root.putObject("java").put("class", javaClass);
    }
    root.put("tauBytes", plan.workload().tauBytes());
    root.put("strict", plan.options().strict());
    ObjectNode solver = root.putObject("solver");
    solver.put("status", s.status().name());
    solver.put("objective", s.objective());
    solver.put("bound", s.bound());
    solver.put("gap", s.gap());
    solver.put("wallMillis", s.wallMillis());
    solver.put("scale", s.scale());
    solver.put("exact", s.exact());
    solver.put("detail", s.detail());
    ArrayNode objects = root.putArray("objects");
    for (Placement p : m.objects()) {
      ObjectNode o = objects.addObject();
      o.put("id", p.id());
      o.put("cName", cNames.get(p.id()));
      if (javaClass != null) {
        o.put("javaName", javaNames.get(p.id()));
      }
      o.put("count", p.count());
      o.put("tasks", p.tasks());
      o.put("perTask", p.perTask());
      o.put("sizeBytes", p.sizeBytes());
      o.put("slotBytes", p.slotBytes());
      o.put("region", p.region());
    }
    ArrayNode regions = root.putArray("regions");
    for (Region r : m.regions()) {
      ObjectNode o = regions.addObject();
      o.put("id", r.id());
      if (r.colour() == null) {
        o.putNull("colour");
      } else {
        o.put("colour", r.colour());
      }
      o.put("offsetBytes", r.offsetBytes());
      o.put("slotBytes", r.slotBytes());
      o.put("slots", r.slots());
      ArrayNode members = o.putArray("members");
      r.members().forEach(members::add);
    }
    ObjectNode stack = root.putObject("stack");
    stack.put("offsetBytes", m.stack().offsetBytes());
    stack.put("bytes", m.stack().bytes());
    stack.put("usedBytes", m.stack().usedBytes());
    stack.put("source", plan.workload().stackSource());
    ObjectNode globals = root.putObject("globals");
    globals.put("offsetBytes", m.globals().offsetBytes());
    globals.put("bytes", m.globals().bytes());
    globals.put("usedBytes", m.globals().usedBytes());
    ArrayNode items = globals.putArray("items");
    for (GlobalItem g : plan.workload().globals()) {
      ObjectNode o = items.addObject();
      o.put("id", g.id());
      o.put("dynamic", g.dynamic());
      o.put("sizeBytes", g.sizeBytes());
      o.put("class", g.isFinal() ? "global-final" : "global-temporary");
    }
    ObjectNode slabs = root.putObject("slabs");
    slabs.put("lowBytes", m.lowBytes());
    slabs.put("cacheBytes", m.cacheBytes());
    slabs.put("highBytes", m.highBytes());
    ArrayNode stages = root.putArray("stages");
    for (StagePlan st : plan.stages()) {
      ObjectNode o = stages.addObject();
      o.put("id", st.id());
      o.put("entry", st.entry());
      o.put("cName", stageNames.get(st.id()));
      o.put("entryStage", st.entryStage());
      o.put("rank", st.rank());
      o.put("fillBytes", st.fillBytes());
      o.put("cap", st.cap());
      o.put("admissionCap", st.admissionCap());
      ArrayNode a = o.putArray("allocates");
      st.allocates().forEach(a::add);
    }
    ArrayNode unmanaged = root.putArray("unmanaged");
    for (Unmanaged u : plan.workload().unmanaged()) {
      ObjectNode o = unmanaged.addObject();
      o.put("id", u.id());
      o.put("reason", u.reason());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
