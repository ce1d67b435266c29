package org.broomstick.stingygen.ilp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.broomstick.stingygen.layout.Workload;
import org.broomstick.stingygen.layout.Workload.Managed;
import org.broomstick.stingygen.layout.Workload.RegionGroup;
import org.broomstick.stingygen.report.Report;
import org.broomstick.stingygen.report.Report.OrderConstraint;
import org.broomstick.stingygen.report.Report.Stage;

/**
 * The integer program of SPEC §6 / thesis §5.2.2–5.2.3 over the managed objects, as plain numbers:
 * a variable n_O ∈ [1, upper] per object; per stage Σ_{L_s} bytes·n_O ≤ τ − Σ_{A_s} bytes; the
 * order pairs n_greater ≥ n_lesser; the objective Σ_s w_s / min_{L_s} n_O. Two constraints come
 * from the memory map rather than the thesis: the regions as laid out (slot × largest n_O·count per
 * colour) must fit in the cache slab above the stack and globals, and with {@code strict} the whole
 * per-task data of one instance of every object must fit τ at once.
 *
 * @param vars one per managed object, in {@link Workload#managed()} order
 * @param stages one per report stage; stages without managed live objects have an empty {@code live}
 * @param order index pairs {greater, lesser}
 * @param regions members (indexes into vars) and slot bytes of each region
 */
public record SizingProblem(
    long tau, long regionAreaBytes, boolean strict, List<Var> vars, List<Row> stages, List<int[]> order, List<Group> regions) {

  public SizingProblem {
    vars = List.copyOf(vars);
    stages = List.copyOf(stages);
    order = List.copyOf(order);
    regions = List.copyOf(regions);
  }

  /** n_O for one object: {@code bytes} per task, {@code perTask} instances, each in a {@code slot}. */
  public record Var(String id, long bytes, int perTask, long slotBytes, long upper) {}

  /** One stage's constraint and objective term. */
  public record Row(String id, String entry, long weight, int[] live, long allocatedBytes, long liveAtOneBytes) {}

  /** A region: its slot size and members. */
  public record Group(long slotBytes, int[] members) {}

  /** The program for a workload and the report's stages and order constraints. */
  public static SizingProblem of(Workload w, Report report, boolean strict) {
    Map<String, Integer> index = w.index();
    long tau = w.tauBytes();
    List<Var> vars = new ArrayList<>();
    for (Managed m : w.managed()) {
      long byTau = tau / m.bytesPerTask();
      long byLayout = Math.max(0, w.regionAreaBytes()) / (m.slotBytes() * m.perTask());
      // the runtime keeps counts in 32 bits; no cache holds 2^30 slots anyway
      long upper = Math.min(Math.min(byTau, byLayout), (1L << 30) / m.perTask());
      vars.add(new Var(m.id(), m.bytesPerTask(), m.perTask(), m.slotBytes(), upper));
    }
    List<Row> rows = new ArrayList<>();
    for (Stage s : report.stages()) {
      Set<Integer> live = new LinkedHashSet<>();
      for (String id : s.liveIn()) {
        Integer i = index.get(id);
        if (i != null) {
          live.add(i);
        }
      }
      long alloc = 0;
      for (String id : new LinkedHashSet<>(s.allocates())) {
        Integer i = index.get(id);
        if (i != null) {
          alloc += vars.get(i).bytes();
        }
      }
      int[] l = live.stream().mapToInt(Integer::intValue).toArray();
      long atOne = 0;
      for (int i : l) {
        atOne += vars.get(i).bytes();
      }
      rows.add(new Row(s.id(), s.entry(), Math.max(0, s.codeBytes()), l, alloc, atOne));
    }
    List<int[]> order = new ArrayList<>();
    for (OrderConstraint c : report.orderConstraints()) {
      Integer g = index.get(c.greater());
      Integer l = index.get(c.lesser());
      if (g != null && l != null && !g.equals(l)) {
        order.add(new int[] {g, l});
      }
    }
    List<Group> groups = new ArrayList<>();
    for (RegionGroup r : w.regions()) {
      groups.add(new Group(r.slotBytes(), r.members().stream().mapToInt(Integer::intValue).toArray()));
    }
    return new SizingProblem(tau, w.regionAreaBytes(), strict, vars, rows, order, groups);
  }

  /** The thesis objective Σ_s w_s / min_{L_s} n_O for given counts (stages without live objects: 0). */
  public double objective(int[] n) {
    double sum = 0;
    for (Row r : stages) {
      if (r.live().length == 0) {
        continue;
      }
      int min = Integer.MAX_VALUE;
      for (int i : r.live()) {
        min = Math.min(min, n[i]);
      }
      sum += (double) r.weight() / min;
    }
    return sum;
  }

  /** Whether counts satisfy every constraint of the program. */
  boolean feasible(int[] n) {
    for (int i = 0; i < n.length; i++) {
      if (n[i] < 1 || n[i] > vars.get(i).upper()) {
        return false;
      }
    }
    for (Row r : stages) {
      long sum = r.allocatedBytes();
      for (int i : r.live()) {
        sum += vars.get(i).bytes() * n[i];
      }
      if (sum > tau) {
        return false;
      }
    }
    for (int[] c : order) {
      if (n[c[0]] < n[c[1]]) {
        return false;
      }
    }
    if (regionBytes(n) > regionAreaBytes) {
      return false;
    }
    if (strict) {
      long sum = 0;
      for (int i = 0; i < n.length; i++) {
        sum += vars.get(i).bytes() * n[i];
      }
      return sum <= tau;
    }
    return true;
  }

  /** Bytes of all regions for given counts: Σ_region slot × max(n_O · count). */
  long regionBytes(int[] n) {
    long sum = 0;
    for (Group g : regions) {
      long slots = 0;
      for (int i : g.members()) {
        slots = Math.max(slots, (long) n[i] * vars.get(i).perTask());
      }
      sum += g.slotBytes() * slots;
    }
    return sum;
  }
}
