package org.broomstick.memwalk.pointsto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.broomstick.memwalk.model.CallSite;
import org.broomstick.memwalk.model.Constraint;
import org.broomstick.memwalk.model.Program;

/**
 * Inclusion-based (Andersen) points-to analysis over the constraints a frontend put in the model,
 * with on-the-fly resolution of indirect calls: when a called cell gains a function, that function's
 * parameters receive the call's arguments and its return flows to the call's result (SPEC §4). A
 * {@link Constraint.Filter} is a copy that leaves out the objects a type test excludes (Java's
 * library results and casts). A worklist over bit sets; cells and objects are interned to ints.
 */
public final class Andersen {

  private final Map<String, Integer> cellIds = new HashMap<>();
  private final List<String> cellNames = new ArrayList<>();
  private final Map<String, Integer> objectIds = new HashMap<>();
  private final List<String> objectNames = new ArrayList<>();

  private final List<BitSet> pts = new ArrayList<>();
  private final List<Set<Integer>> copyTo = new ArrayList<>();
  private final List<Map<Integer, BitSet>> filterTo = new ArrayList<>(); // src -> dst -> objects left out
  private final List<List<Integer>> loadsFrom = new ArrayList<>(); // p -> dsts of dst = *p
  private final List<List<Integer>> storesInto = new ArrayList<>(); // p -> srcs of *p = src
  private final List<List<Integer>> callsThrough = new ArrayList<>(); // cell -> indirect call indices
  private final List<BitSet> handled = new ArrayList<>(); // per cell: objects already expanded

  private final Map<Set<String>, BitSet> excludedSets = new java.util.IdentityHashMap<>();
  private final ArrayDeque<Integer> worklist = new ArrayDeque<>();
  private final BitSet queued = new BitSet();

  private Andersen() {}

  public static PointsTo analyse(Program program) {
    return analyse(program.constraints(), program.calls());
  }

  public static PointsTo analyse(List<Constraint> constraints, List<CallSite> calls) {
    Andersen a = new Andersen();
    return a.solve(constraints, calls);
  }

  private int cell(String name) {
    Integer id = cellIds.get(name);
    if (id != null) {
      return id;
    }
    int n = cellNames.size();
    cellIds.put(name, n);
    cellNames.add(name);
    pts.add(new BitSet());
    copyTo.add(new LinkedHashSet<>());
    filterTo.add(new HashMap<>());
    loadsFrom.add(new ArrayList<>());
    storesInto.add(new ArrayList<>());
    callsThrough.add(new ArrayList<>());
    handled.add(new BitSet());
    return n;
  }

  private int object(String name) {
    Integer id = objectIds.get(name);
    if (id != null) {
      return id;
    }
    int n = objectNames.size();
    objectIds.put(name, n);
    objectNames.add(name);
    return n;
  }

  private void enqueue(int c) {
    if (!queued.get(c)) {
      queued.set(c);
      worklist.add(c);
    }
  }

  private void addCopy(int dst, int src) {
    if (dst == src || !copyTo.get(src).add(dst)) {
      return;
    }
    BitSet s = pts.get(src);
    if (!s.isEmpty()) {
      BitSet d = pts.get(dst);
      int before = d.cardinality();
      d.or(s);
      if (d.cardinality() != before) {
        enqueue(dst);
      }
    }
  }

  private void addFilter(int dst, int src, BitSet excluded) {
    if (filterTo.get(src).putIfAbsent(dst, excluded) != null) {
      filterTo.get(src).get(dst).and(excluded); // two filters on one edge: what either lets through
    }
    filterInto(dst, pts.get(src), filterTo.get(src).get(dst));
  }

  private void filterInto(int dst, BitSet p, BitSet excluded) {
    if (p.isEmpty()) {
      return;
    }
    BitSet through = (BitSet) p.clone();
    through.andNot(excluded);
    BitSet d = pts.get(dst);
    int before = d.cardinality();
    d.or(through);
    if (d.cardinality() != before) {
      enqueue(dst);
    }
  }

  private PointsTo solve(List<Constraint> constraints, List<CallSite> calls) {
    for (Constraint c : constraints) {
      if (c instanceof Constraint.AddressOf a) {
        int p = cell(a.cell());
        pts.get(p).set(object(a.object()));
        enqueue(p);
      } else if (c instanceof Constraint.Copy cp) {
        addCopy(cell(cp.dst()), cell(cp.src()));
      } else if (c instanceof Constraint.Load l) {
        int p = cell(l.src());
        loadsFrom.get(p).add(cell(l.dst()));
        enqueue(p);
      } else if (c instanceof Constraint.Store s) {
        int p = cell(s.dst());
        storesInto.get(p).add(cell(s.src()));
        enqueue(p);
      } else if (c instanceof Constraint.Filter f) {
        // one bit set per set of excluded objects: a frontend shares one set among the tests of a type
        BitSet excluded = (BitSet) excludedSets.computeIfAbsent(f.excluded(), set -> {
          BitSet b = new BitSet();
          set.forEach(o -> b.set(object(o)));
          return b;
        }).clone();
        addFilter(cell(f.dst()), cell(f.src()), excluded);
      }
    }
    Map<Integer, SortedSet<String>> targets = new HashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      CallSite cs = calls.get(i);
      if (cs.isIndirect() && cs.calleeCell() != null) {
        int c = cell(cs.calleeCell());
        callsThrough.get(c).add(i);
        targets.put(i, new TreeSet<>());
        enqueue(c);
      }
    }
    while (!worklist.isEmpty()) {
      int c = worklist.poll();
      queued.clear(c);
      BitSet p = pts.get(c);
      // Complex constraints and calls only for objects not yet expanded at this cell.
      BitSet fresh = (BitSet) p.clone();
      fresh.andNot(handled.get(c));
      handled.get(c).or(fresh);
      for (int o = fresh.nextSetBit(0); o >= 0; o = fresh.nextSetBit(o + 1)) {
        String obj = objectNames.get(o);
        if (!loadsFrom.get(c).isEmpty() || !storesInto.get(c).isEmpty()) {
          int target = cell(obj); // an object's content is the cell of the same name
          for (int dst : List.copyOf(loadsFrom.get(c))) {
            addCopy(dst, target);
          }
          for (int src : List.copyOf(storesInto.get(c))) {
            addCopy(target, src);
          }
        }
        if (obj.startsWith("fn:") && !callsThrough.get(c).isEmpty()) {
          String fn = obj.substring(3);
          for (int ci : callsThrough.get(c)) {
            if (targets.get(ci).add(fn)) {
              CallSite cs = calls.get(ci);
              for (int i = 0; i < cs.args().size(); i++) {
                String a = cs.args().get(i).cell();
                if (a != null) {
                  addCopy(cell(Constraint.param(fn, i)), cell(a));
                }
              }
              if (cs.result() != null) {
                addCopy(cell(cs.result()), cell(Constraint.ret(fn)));
              }
            }
          }
        }
      }
      for (int dst : List.copyOf(copyTo.get(c))) {
        BitSet d = pts.get(dst);
        int before = d.cardinality();
        d.or(p);
        if (d.cardinality() != before) {
          enqueue(dst);
        }
      }
      for (Map.Entry<Integer, BitSet> e : List.copyOf(filterTo.get(c).entrySet())) {
        filterInto(e.getKey(), p, e.getValue());
      }
    }
    Map<String, Set<String>> out = new HashMap<>();
    for (int c = 0; c < cellNames.size(); c++) {
      BitSet p = pts.get(c);
      if (!p.isEmpty()) {
        Set<String> objs = new TreeSet<>();
        for (int o = p.nextSetBit(0); o >= 0; o = p.nextSetBit(o + 1)) {
          objs.add(objectNames.get(o));
        }
        out.put(cellNames.get(c), objs);
      }
    }
    return new PointsTo(out, targets);
  }
}
