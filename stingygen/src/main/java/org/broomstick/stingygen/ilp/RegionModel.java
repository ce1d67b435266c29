package org.broomstick.stingygen.ilp;

import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.broomstick.stingygen.ilp.SizingProblem.Group;
import org.broomstick.stingygen.ilp.SizingProblem.Row;
import org.broomstick.stingygen.ilp.SizingProblem.Var;

/**
 * The first solve on the stage minima and the region sizes alone, when the program allows it
 * ({@link #applies}): variables slots_g per region and one m per stage signature; no n_O at all.
 *
 * <p><b>When.</b> Under the caps of {@link Bounds} (n_O ≤ capN_O, which some optimum satisfies),
 * every stage constraint and the --strict constraint hold whatever the counts: alloc_s + Σ_{L_s}
 * bytes·capN ≤ τ (and Σ bytes·capN ≤ τ). Then, besides the caps, only the order pairs, the layout
 * and the objective involve n. This is the usual case: the benchmark's 1 MiB cache is bound by the
 * memory map (slot × largest count per colour), not by any stage.
 *
 * <p><b>The model.</b> For a stage s in the objective, let U_s be as in {@link Bounds} and
 * p_{g,s} = max perTask over U_s ∩ g for each region g meeting U_s. Stages with equal {(g, p_{g,s})}
 * and equal maxM_s share one variable m (their weights summed). Constraints: slots_g ≥ minSlots_g
 * (its members' perTask, as at n = 1), slots_g ≥ p_{g,s}·m_s, Σ_g slotBytes_g·slots_g ≤ the region
 * area, m_s ∈ [1, maxM_s]; objective Σ w·⌈K/m⌉ as in {@link CpSatModel#reciprocal}.
 *
 * <p><b>Equivalence</b> (same optimal value as the full model with the caps, hence as the program).
 * From a full solution n: m_s = min_{L_s} n (for merged stages, the largest of their minima), slots_g
 * = max_{O ∈ g} perTask·n_O; every O ∈ U_s has n_O ≥ m_s, so slots_g ≥ p_{g,s}·m_s; m_s ≤ maxM_s
 * (Bounds); the objective is no larger. From a region solution, {@link #counts}: n_O = max(1,
 * max_{s: O ∈ U_s} m_s). Then n_O ≤ capN_O (so the stage and strict constraints hold), n_O ≤ upper_O
 * (maxM_s ≤ min_{U_s} upper), the order pairs hold (i ≥ j puts i in every U_s holding j),
 * perTask·n_O ≤ slots_g for every member (from slots_g ≥ p_{g,s}·m_s and ≥ minSlots_g), so the layout
 * holds, and min_{L_s} n ≥ m_s: the objective is no larger.
 */
final class RegionModel {
  final CpModel model = new CpModel();
  final LinearExpr objective;
  private final List<IntVar> m = new ArrayList<>();
  private final List<int[]> stagesOf = new ArrayList<>();
  private final SizingProblem p;
  private final Bounds bounds;

  /** Whether the stage and strict constraints are implied by the caps (see the class comment). */
  static boolean applies(SizingProblem p, Bounds b) {
    for (Row r : p.stages()) {
      long sum = r.allocatedBytes();
      for (int i : r.live()) {
        sum += p.vars().get(i).bytes() * b.capN[i];
      }
      if (sum > p.tau()) {
        return false;
      }
    }
    if (p.strict()) {
      long sum = 0;
      for (int i = 0; i < p.vars().size(); i++) {
        sum += p.vars().get(i).bytes() * b.capN[i];
      }
      return sum <= p.tau();
    }
    return true;
  }

  /** {@code hint}: feasible counts within the caps (Bounds#project of the greedy counts); only the region sizes are hinted. */
  RegionModel(SizingProblem p, Bounds b, long k, int[] hint) {
    this.p = p;
    this.bounds = b;
    List<Var> vars = p.vars();
    List<Group> regions = p.regions();
    int[] regionOf = new int[vars.size()];
    IntVar[] slots = new IntVar[regions.size()];
    LinearExprBuilder layout = LinearExpr.newBuilder();
    for (int g = 0; g < slots.length; g++) {
      long lo = 0;
      long hi = 0;
      long hinted = 0;
      for (int i : regions.get(g).members()) {
        regionOf[i] = g;
        lo = Math.max(lo, vars.get(i).perTask());
        hi = Math.max(hi, b.capN[i] * vars.get(i).perTask());
        hinted = Math.max(hinted, (long) hint[i] * vars.get(i).perTask());
      }
      slots[g] = model.newIntVar(lo, Math.max(lo, hi), "slots_" + g);
      model.addHint(slots[g], hinted);
      layout.addTerm(slots[g], regions.get(g).slotBytes());
    }
    model.addLessOrEqual(layout, p.regionAreaBytes());

    // one m per signature {(g, p_gs)} + maxM
    Map<String, List<Integer>> bySignature = new LinkedHashMap<>();
    Map<String, TreeMap<Integer, Integer>> pairs = new LinkedHashMap<>();
    for (int s = 0; s < p.stages().size(); s++) {
      if (!Bounds.inObjective(p.stages().get(s))) {
        continue;
      }
      TreeMap<Integer, Integer> pg = new TreeMap<>();
      for (int i : b.up[s]) {
        pg.merge(regionOf[i], vars.get(i).perTask(), Math::max);
      }
      String key = pg + "|" + b.maxM[s];
      bySignature.computeIfAbsent(key, x -> new ArrayList<>()).add(s);
      pairs.put(key, pg);
    }
    LinearExprBuilder obj = LinearExpr.newBuilder();
    for (Map.Entry<String, List<Integer>> e : bySignature.entrySet()) {
      int[] ss = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      long hiM = b.maxM[ss[0]];
      long weight = 0;
      for (int s : ss) {
        weight += p.stages().get(s).weight();
      }
      // only the region sizes are hinted (a partial hint): hinting m and q as well, or nothing,
      // was slower to prove the optimum at 1000 x 200, and with nothing CP-SAT's best at
      // 5000 x 1000 was worse than the hint (bench/stingygen-sizing.md)
      IntVar mv = model.newIntVar(1, hiM, "m_" + p.stages().get(ss[0]).id());
      for (Map.Entry<Integer, Integer> gp : pairs.get(e.getKey()).entrySet()) {
        model.addGreaterOrEqual(slots[gp.getKey()], LinearExpr.term(mv, gp.getValue()));
      }
      IntVar q = model.newIntVar((k + hiM - 1) / hiM, k, "q_" + p.stages().get(ss[0]).id());
      CpSatModel.reciprocal(model, q, mv, k, hiM, 0);
      obj.addTerm(q, weight);
      m.add(mv);
      stagesOf.add(ss);
    }
    objective = obj.build();
    model.minimize(objective);
  }

  /** n_O = max(1, max_{s: O ∈ U_s} m_s) from a solution's m values. */
  int[] counts(java.util.function.ToLongFunction<IntVar> value) {
    int[] n = new int[p.vars().size()];
    java.util.Arrays.fill(n, 1);
    for (int j = 0; j < m.size(); j++) {
      int v = (int) value.applyAsLong(m.get(j));
      for (int s : stagesOf.get(j)) {
        for (int i : bounds.up[s]) {
          n[i] = Math.max(n[i], v);
        }
      }
    }
    return n;
  }
}
