package org.broomstick.memwalk.liveness;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.AllocSite;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.FlowGraph;
import org.broomstick.memwalk.model.FreeSite;
import org.broomstick.memwalk.model.Program;
import org.broomstick.memwalk.model.QueueSite;
import org.broomstick.memwalk.pointsto.PointsTo;
import org.broomstick.memwalk.scg.Stage;
import org.broomstick.memwalk.scg.StageGraph;

/**
 * Per-task liveness on the stage graph with must-free semantics (SPEC §5.5, thesis §6.2): for an
 * event edge {@code e} from stage {@code s} through queue site {@code q} to stage {@code t},
 * {@code Out(e)} is what a task may hold at {@code q}, and {@code L_t = ∪ Out(e)} over {@code t}'s
 * incoming edges.
 *
 * <p>Inside a stage the analysis runs forward over the control flow of the stage's functions, so
 * "before {@code q}" means "on some path from the stage entry to {@code q}": an allocation gens its
 * object, and a free kills an object only when its pointer can point to nothing else; at a join the
 * live sets are united. A free on an error path therefore does not kill the object on the normal
 * path, and a free that happens on every path does. Calls apply the callee's summary, a gen/kill
 * function computed once per function (following calls, to a fixpoint for recursion); a callee is
 * analysed with the union of the live sets at its calls in the stage. A second, must-live analysis
 * (intersection at joins, kill by any free that may release the object) gives what every task
 * holds, for the allocation-order constraints.
 */
public final class TaskLiveness {

  private final Program program;
  private final StageGraph graph;
  private final List<String> objectIds = new ArrayList<>();
  private final Map<String, Integer> objectIndex = new HashMap<>();
  private final Map<String, FlowGraph> flows = new HashMap<>();
  /** Per function, what each event ordinal does. */
  private final Map<String, Map<Integer, Event>> events = new HashMap<>();
  private final Map<String, Transfer> maySummary = new HashMap<>();
  private final Map<String, Transfer> mustSummary = new HashMap<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final PointsTo pointsTo;
  private final Map<String, BitSet> heapOf = new HashMap<>();

  private TaskLiveness(StageGraph graph, PointsTo pointsTo) {
    this.graph = graph;
    this.pointsTo = pointsTo;
    this.program = graph.callGraph().program();
    for (AllocSite a : program.allocs()) {
      objectIndex.put(a.id(), objectIds.size());
      objectIds.add(a.id());
    }
    program.flows().forEach(f -> flows.put(f.function(), f));
    index(pointsTo);
  }

  public static Liveness analyse(StageGraph graph, PointsTo pointsTo) {
    return new TaskLiveness(graph, pointsTo).run();
  }

  // ------------------------------------------------------------------ events

  /** What one event of a flow does to the objects a task holds. */
  private sealed interface Event {}

  private record Alloc(int object) implements Event {}

  /** A free of an object the pointer may point to; {@code objects} are those candidates. */
  private record Free(BitSet objects) implements Event {}

  private record Queue(Set<String> targets) implements Event {}

  private record Call(Set<String> callees) implements Event {}

  private void index(PointsTo pointsTo) {
    Map<String, Map<Integer, AllocSite>> allocs = new HashMap<>();
    for (AllocSite a : program.allocs()) {
      allocs.computeIfAbsent(a.function(), k -> new HashMap<>()).put(a.ordinal(), a);
    }
    Map<String, Map<Integer, FreeSite>> frees = new HashMap<>();
    for (FreeSite f : program.frees()) {
      frees.computeIfAbsent(f.function(), k -> new HashMap<>()).put(f.ordinal(), f);
    }
    for (QueueSite q : program.queues()) {
      if (q.ordinal() >= 0) {
        // A ScheduleStage call runs the stage now: a call of it, not a queueing.
        Event e = q.kind() == QueueSite.Kind.SCHEDULE_STAGE
            ? new Call(pointsTo.functionsOf(q.stage()))
            : new Queue(pointsTo.functionsOf(q.stage()));
        events.computeIfAbsent(q.function(), k -> new HashMap<>()).put(q.ordinal(), e);
      }
    }
    List<CallSite> calls = program.calls();
    for (int i = 0; i < calls.size(); i++) {
      CallSite c = calls.get(i);
      if (c.ordinal() < 0) {
        continue;
      }
      Map<Integer, Event> mine = events.computeIfAbsent(c.caller(), k -> new HashMap<>());
      if (mine.containsKey(c.ordinal())) {
        continue; // a queue site: the queued stage runs later, not inside this call
      }
      AllocSite a = allocs.getOrDefault(c.caller(), Map.of()).get(c.ordinal());
      FreeSite f = frees.getOrDefault(c.caller(), Map.of()).get(c.ordinal());
      if (a != null) {
        mine.put(c.ordinal(), new Alloc(objectIndex.get(a.id())));
      } else if (f != null) {
        mine.put(c.ordinal(), new Free(objectsOf(f.pointer())));
      } else {
        Set<String> callees = c.isIndirect() ? pointsTo.targetsOfCall(i) : Set.of(c.callee());
        mine.put(c.ordinal(), new Call(callees));
      }
    }
  }

  /** The objects (allocation sites) a cell may point to. */
  private BitSet objectsOf(String cell) {
    return heapOf.computeIfAbsent(cell, c -> {
      BitSet b = new BitSet();
      for (String o : pointsTo.of(c)) {
        if (o.startsWith("heap:")) {
          Integer idx = objectIndex.get(o.substring(5));
          if (idx != null) {
            b.set(idx);
          }
        }
      }
      return b;
    });
  }

  /**
   * Entering a block where a pointer is known null: a task holds no object through it. Like a
   * free, this kills an object for the may-analysis only when the pointer has one candidate, and
   * every candidate for the must-analysis. When the pointer is to a struct, the objects held only
   * in that struct's fields (owned by it: {@code r->body} of a request {@code r}) go with it, as
   * they would on the path that frees the struct and its parts; this is what makes the common
   * {@code if (r == NULL) return;} before the frees of a request and its buffers precise.
   */
  private Transfer nullEffect(FlowGraph.Block block, boolean may) {
    Transfer t = Transfer.IDENTITY;
    for (FlowGraph.NullPointer p : block.nullOnEntry()) {
      BitSet objs = objectsOf(p.cell());
      if (objs.isEmpty() || may && objs.cardinality() != 1) {
        continue;
      }
      BitSet killed = (BitSet) objs.clone();
      if (p.pointee() != null) {
        killed.or(ownedBy(p.pointee()));
      }
      t = t.then(Transfer.kill(killed));
    }
    return t;
  }

  /** Objects whose every holder outside locals and temporaries is a field of {@code struct}. */
  private BitSet ownedBy(String struct) {
    return owned.computeIfAbsent(struct, k -> {
      if (holders == null) {
        holders = new HashMap<>();
        pointsTo.pointsTo().forEach((cell, targets) -> {
          if (cell.startsWith("f:") || cell.startsWith("g:")) {
            for (String o : targets) {
              if (o.startsWith("heap:")) {
                Integer idx = objectIndex.get(o.substring(5));
                if (idx != null) {
                  holders.computeIfAbsent(idx, x -> new ArrayList<>()).add(cell);
                }
              }
            }
          }
        });
      }
      BitSet b = new BitSet();
      String prefix = "f:" + k + ".";
      holders.forEach((idx, cells) -> {
        if (cells.stream().allMatch(c -> c.startsWith(prefix))) {
          b.set(idx);
        }
      });
      return b;
    });
  }

  private final Map<String, BitSet> owned = new HashMap<>();
  private Map<Integer, List<String>> holders;

  private Event event(String function, int ordinal) {
    return events.getOrDefault(function, Map.of()).get(ordinal);
  }

  // ------------------------------------------------------------------ summaries

  /**
   * The may- and must-summaries of every function reachable from a stage, by a worklist over
   * callers: a function starts as "never returns" (no summary) and grows until nothing changes.
   */
  private void summarise(Set<String> functions) {
    Map<String, Set<String>> callers = new HashMap<>();
    for (String f : functions) {
      for (Event e : events.getOrDefault(f, Map.of()).values()) {
        if (e instanceof Call c) {
          c.callees().forEach(g -> callers.computeIfAbsent(g, k -> new HashSet<>()).add(f));
        }
      }
    }
    Deque<String> work = new ArrayDeque<>(functions);
    Set<String> queued = new HashSet<>(functions);
    while (!work.isEmpty()) {
      String f = work.poll();
      queued.remove(f);
      FlowGraph flow = flows.get(f);
      if (flow == null) {
        continue;
      }
      Transfer may = summaryOf(f, flow, true);
      Transfer must = summaryOf(f, flow, false);
      boolean changed = !java.util.Objects.equals(may, maySummary.get(f)) || !java.util.Objects.equals(must, mustSummary.get(f));
      if (changed) {
        maySummary.put(f, may);
        mustSummary.put(f, must);
        for (String caller : callers.getOrDefault(f, Set.of())) {
          if (functions.contains(caller) && queued.add(caller)) {
            work.add(caller);
          }
        }
      }
    }
  }

  /** The transfer from the function's entry to its exit; null when no path returns. */
  private Transfer summaryOf(String f, FlowGraph flow, boolean may) {
    Transfer[] in = new Transfer[flow.blocks().size()];
    in[0] = Transfer.IDENTITY;
    Deque<Integer> work = new ArrayDeque<>(List.of(0));
    while (!work.isEmpty()) {
      int b = work.poll();
      Transfer t = in[b].then(nullEffect(flow.blocks().get(b), may));
      for (int ordinal : flow.blocks().get(b).events()) {
        Transfer effect = effect(event(f, ordinal), may);
        t = effect == null ? null : t.then(effect);
        if (t == null) {
          break;
        }
      }
      if (t == null) {
        continue;
      }
      for (int s : flow.blocks().get(b).successors()) {
        Transfer joined = in[s] == null ? t : (may ? in[s].union(t) : in[s].intersection(t));
        if (!joined.equals(in[s])) {
          in[s] = joined;
          work.add(s);
        }
      }
    }
    return in[flow.exit()];
  }

  /** What an event does, as a transfer; null when it does not return (a callee that never does). */
  private Transfer effect(Event e, boolean may) {
    if (e instanceof Alloc a) {
      return Transfer.gen(a.object());
    }
    if (e instanceof Free fr) {
      // A free releases one object: it surely kills it only when the pointer has one candidate.
      if (may) {
        return fr.objects().cardinality() == 1 ? Transfer.kill(fr.objects()) : Transfer.IDENTITY;
      }
      return Transfer.kill(fr.objects());
    }
    if (e instanceof Call c) {
      Transfer joined = null;
      boolean any = false;
      for (String g : c.callees()) {
        Transfer s;
        if (!flows.containsKey(g)) {
          s = Transfer.IDENTITY; // library code: allocates and frees none of the server's objects
        } else {
          s = (may ? maySummary : mustSummary).get(g);
        }
        any = true;
        if (s != null) {
          joined = joined == null ? s : (may ? joined.union(s) : joined.intersection(s));
        }
      }
      if (!any) {
        return Transfer.IDENTITY; // an unresolved indirect call: reported by the call graph
      }
      return joined;
    }
    return Transfer.IDENTITY;
  }

  // ------------------------------------------------------------------ stages

  /** The live sets at the queue sites and the exit of one stage, for a given entry state. */
  private final class StageRun {
    final Stage stage;
    final Set<String> members;
    final Map<String, BitSet> inMay = new HashMap<>();
    final Map<String, BitSet> inMust = new HashMap<>();
    final Map<String, BitSet> outMay = new HashMap<>();
    final Map<String, BitSet> outMust = new HashMap<>();
    final BitSet allocates = new BitSet();
    final BitSet frees = new BitSet();
    final BitSet reallocated = new BitSet();
    BitSet exitMay = new BitSet();

    StageRun(Stage stage) {
      this.stage = stage;
      this.members = new HashSet<>(stage.functions());
    }

    void run(BitSet liveIn, BitSet mustIn) {
      inMay.put(stage.id(), (BitSet) liveIn.clone());
      inMust.put(stage.id(), (BitSet) mustIn.clone());
      Deque<String> work = new ArrayDeque<>(List.of(stage.id()));
      Set<String> queued = new HashSet<>(work);
      while (!work.isEmpty()) {
        String f = work.poll();
        queued.remove(f);
        for (String g : function(f)) {
          if (queued.add(g)) {
            work.add(g);
          }
        }
      }
    }

    /** Runs one function with its current entry state; returns the callees whose entry state grew. */
    private Set<String> function(String f) {
      FlowGraph flow = flows.get(f);
      Set<String> grown = new LinkedHashSet<>();
      if (flow == null) {
        return grown;
      }
      int n = flow.blocks().size();
      BitSet[] may = new BitSet[n];
      BitSet[] must = new BitSet[n];
      may[0] = inMay.get(f);
      must[0] = inMust.get(f);
      Deque<Integer> work = new ArrayDeque<>(List.of(0));
      while (!work.isEmpty()) {
        int b = work.poll();
        BitSet m = nullEffect(flow.blocks().get(b), true).apply(may[b]);
        BitSet u = nullEffect(flow.blocks().get(b), false).apply(must[b]);
        boolean returns = true;
        for (int ordinal : flow.blocks().get(b).events()) {
          Event e = event(f, ordinal);
          if (e instanceof Alloc a) {
            allocates.set(a.object());
            if (m.get(a.object())) {
              reallocated.set(a.object());
            }
          } else if (e instanceof Free fr) {
            frees.or(fr.objects());
          } else if (e instanceof Queue q) {
            for (String t : q.targets()) {
              outMay.merge(t, (BitSet) m.clone(), (x, y) -> { x.or(y); return x; });
              outMust.merge(t, (BitSet) u.clone(), (x, y) -> { x.and(y); return x; });
            }
          } else if (e instanceof Call c) {
            for (String g : c.callees()) {
              if (members.contains(g) && flows.containsKey(g) && enter(g, m, u)) {
                grown.add(g);
              }
            }
          }
          Transfer tm = effect(e, true);
          Transfer tu = effect(e, false);
          if (tm == null || tu == null) {
            returns = false;
            break;
          }
          m = tm.apply(m);
          u = tu.apply(u);
        }
        if (!returns) {
          continue;
        }
        for (int s : flow.blocks().get(b).successors()) {
          boolean changed = false;
          if (may[s] == null) {
            may[s] = (BitSet) m.clone();
            must[s] = (BitSet) u.clone();
            changed = true;
          } else {
            BitSet nm = (BitSet) may[s].clone();
            nm.or(m);
            BitSet nu = (BitSet) must[s].clone();
            nu.and(u);
            if (!nm.equals(may[s]) || !nu.equals(must[s])) {
              may[s] = nm;
              must[s] = nu;
              changed = true;
            }
          }
          if (changed) {
            work.add(s);
          }
        }
      }
      if (f.equals(stage.id()) && may[flow.exit()] != null) {
        exitMay = may[flow.exit()];
      }
      return grown;
    }

    /** Adds a call's state to the callee's entry state; true when it grew. */
    private boolean enter(String g, BitSet may, BitSet must) {
      BitSet m = inMay.get(g);
      if (m == null) {
        inMay.put(g, (BitSet) may.clone());
        inMust.put(g, (BitSet) must.clone());
        return true;
      }
      BitSet nm = (BitSet) m.clone();
      nm.or(may);
      BitSet nu = (BitSet) inMust.get(g).clone();
      nu.and(must);
      if (nm.equals(m) && nu.equals(inMust.get(g))) {
        return false;
      }
      inMay.put(g, nm);
      inMust.put(g, nu);
      return true;
    }
  }

  // ------------------------------------------------------------------ the stage graph

  private Liveness run() {
    List<Stage> stages = graph.stages();
    Set<String> inStages = new HashSet<>();
    stages.forEach(s -> inStages.addAll(s.functions()));
    summarise(inStages);
    Map<String, Stage> byId = graph.stagesById();

    // Entry stages: queued from a function outside every stage, or queued by no stage at all.
    Map<String, Set<String>> preds = new HashMap<>();
    stages.forEach(s -> preds.put(s.id(), new TreeSet<>()));
    stages.forEach(s -> s.successors().forEach(t -> preds.get(t).add(s.id())));
    Set<String> entries = new TreeSet<>();
    for (QueueSite q : program.queues()) {
      Event e = event(q.function(), q.ordinal());
      if (!inStages.contains(q.function()) && e instanceof Queue qe) {
        qe.targets().stream().filter(byId::containsKey).forEach(entries::add);
      }
    }
    stages.stream().filter(s -> preds.get(s.id()).isEmpty()).forEach(s -> entries.add(s.id()));

    int objects = objectIds.size();
    BitSet universe = new BitSet();
    universe.set(0, objects);
    Map<String, BitSet> liveIn = new HashMap<>();
    Map<String, BitSet> mustIn = new HashMap<>();
    for (Stage s : stages) {
      liveIn.put(s.id(), new BitSet());
      mustIn.put(s.id(), entries.contains(s.id()) ? new BitSet() : (BitSet) universe.clone());
    }
    Map<String, StageRun> runs = new HashMap<>();
    Deque<String> work = new ArrayDeque<>();
    stages.forEach(s -> work.add(s.id()));
    Set<String> queued = new HashSet<>(work);
    while (!work.isEmpty()) {
      String s = work.poll();
      queued.remove(s);
      StageRun r = new StageRun(byId.get(s));
      r.run(liveIn.get(s), mustIn.get(s));
      runs.put(s, r);
      for (String t : byId.get(s).successors()) {
        BitSet nm = (BitSet) liveIn.get(t).clone();
        nm.or(r.outMay.getOrDefault(t, new BitSet()));
        BitSet nu = mustOf(t, entries, preds, runs, universe);
        if (!nm.equals(liveIn.get(t)) || !nu.equals(mustIn.get(t))) {
          liveIn.put(t, nm);
          mustIn.put(t, nu);
          if (queued.add(t)) {
            work.add(t);
          }
        }
      }
    }

    Map<String, Integer> rank = ranks(stages, entries);
    List<Liveness.StageFacts> facts = new ArrayList<>();
    Map<String, SortedSet<String>> allocatedIn = new HashMap<>();
    Map<String, SortedSet<String>> freedIn = new HashMap<>();
    BitSet outlives = new BitSet();
    BitSet reallocated = new BitSet();
    for (Stage s : stages) {
      StageRun r = runs.get(s.id());
      BitSet must = (BitSet) mustIn.get(s.id()).clone();
      must.and(liveIn.get(s.id())); // a stage no task reaches holds nothing
      facts.add(new Liveness.StageFacts(
          s.id(), entries.contains(s.id()), rank.getOrDefault(s.id(), -1),
          ids(liveIn.get(s.id())), ids(must), ids(r.allocates), ids(r.frees), ids(r.exitMay)));
      r.allocates.stream().forEach(o -> allocatedIn.computeIfAbsent(objectIds.get(o), k -> new TreeSet<>()).add(s.id()));
      r.frees.stream().forEach(o -> freedIn.computeIfAbsent(objectIds.get(o), k -> new TreeSet<>()).add(s.id()));
      if (s.successors().isEmpty()) {
        outlives.or(r.exitMay);
      }
      reallocated.or(r.reallocated);
    }
    List<Liveness.ObjectFacts> objectFacts = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      String id = objectIds.get(i);
      objectFacts.add(new Liveness.ObjectFacts(
          id, allocatedIn.getOrDefault(id, new TreeSet<>()), freedIn.getOrDefault(id, new TreeSet<>()),
          outlives.get(i), reallocated.get(i)));
    }
    return new Liveness(facts, objectFacts, diagnostics);
  }

  private BitSet mustOf(
      String t, Set<String> entries, Map<String, Set<String>> preds, Map<String, StageRun> runs, BitSet universe) {
    BitSet out = entries.contains(t) ? new BitSet() : (BitSet) universe.clone();
    for (String p : preds.get(t)) {
      StageRun r = runs.get(p);
      if (r != null && r.outMust.containsKey(t)) {
        out.and(r.outMust.get(t));
      }
    }
    return out;
  }

  private static Map<String, Integer> ranks(List<Stage> stages, Set<String> entries) {
    Map<String, Stage> byId = new HashMap<>();
    stages.forEach(s -> byId.put(s.id(), s));
    Map<String, Integer> rank = new HashMap<>();
    Deque<String> work = new ArrayDeque<>();
    for (String e : entries) {
      rank.put(e, 0);
      work.add(e);
    }
    while (!work.isEmpty()) {
      String s = work.poll();
      for (String t : byId.get(s).successors()) {
        if (!rank.containsKey(t)) {
          rank.put(t, rank.get(s) + 1);
          work.add(t);
        }
      }
    }
    return rank;
  }

  private SortedSet<String> ids(BitSet set) {
    SortedSet<String> out = new TreeSet<>();
    set.stream().forEach(i -> out.add(objectIds.get(i)));
    return out;
  }
}
