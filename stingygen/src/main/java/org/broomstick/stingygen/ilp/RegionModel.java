package org.broomstick.stingygen.ilp;

import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.broomstick.stingygen.ilp.SizingProblem.Group;
import org.broomstick.stingygen.ilp.SizingProblem.Row;
import org.broomstick.stingygen.ilp.SizingProblem.Var;

/**
 * The first solve, on the stage minima and the region sizes: variables slots_g per region, one m
 * per stage signature, and n_O only for the objects of the few constraints that the caps do not
 * imply.
 *
 * <p><b>Implied constraints.</b> Under the caps of {@link Bounds} (n_O ≤ capN_O, which some optimum
 * satisfies), a stage constraint with alloc_s + Σ_{L_s} bytes·capN ≤ τ holds whatever the counts
 * ({@link #implied}; likewise --strict with Σ bytes·capN ≤ τ). This is the usual case: the
 * benchmark's 1 MiB cache is bound by the memory map (slot × largest count per colour), not by the
 * stages. Each other one is kept on variables n_O ∈ [1, capN_O] with n_O ≥ m_s for every stage s
 * with O ∈ U_s.
 *
 * <p><b>The model.</b> For a stage s in the objective, let U_s be as in {@link Bounds} and
 * p_{g,s} = max perTask over U_s ∩ g for each region g meeting U_s. Stages with equal {(g, p_{g,s})}
 * and equal maxM_s and equal U_s ∩ K (K: the objects of kept constraints) share one variable m
 * (their weights summed). Constraints: slots_g ≥ minSlots_g
 * (its members' perTask, as at n = 1), slots_g ≥ p_{g,s}·m_s, Σ_g slotBytes_g·slots_g ≤ the region
 * area, m_s ∈ [1, maxM_s], the kept constraints; objective Σ w·⌈K/m⌉ as in
 * {@link CpSatModel#reciprocal}.
 *
 * <p><b>Equivalence</b> (same optimal value as the full model with the caps, hence as the program).
 * From a full solution, first projected (Bounds: n_O = max(1, max_{s: O ∈ U_s} m_s), no worse):
 * for stages s1, s2 merged into one m, raise n_O to M = max(m_s1, m_s2) on U_s1 ∪ U_s2. This keeps
 * the layout (the same regions hold the same perTask on both, and already have p·M slots), the
 * order pairs (U_s is closed upwards), the caps and bounds (M ≤ maxM_s1 = maxM_s2 ≤ capN, upper)
 * and so the implied constraints, and the kept ones (their objects in U_s1 are those in U_s2, and
 * already ≥ M); the objective does not grow. Then m = min_{L_s} n per merged group, slots_g = max_{O ∈
 * g} perTask·n_O ≥ p_{g,s}·m_s, m_s ≤ maxM_s (Bounds), and n itself gives the kept n_O variables. From a region solution, {@link #counts}: n_O = max(1,
 * max_{s: O ∈ U_s} m_s). Then n_O ≤ capN_O (so the implied constraints hold), n_O is at most the
 * kept variable n_O (which is ≥ every such m_s), so the kept constraints hold, n_O ≤ upper_O
 * (maxM_s ≤ min_{U_s} upper), the order pairs hold (i ≥ j puts i in every U_s holding j),
 * perTask·n_O ≤ slots_g for every member (from slots_g ≥ p_{g,s}·m_s and ≥ minSlots_g), so the layout
 * holds, and min_{L_s} n ≥ m_s: the objective is no larger.
 */
final class RegionModel {
  final CpModel model = new CpModel();
  final LinearExpr objective;
  private final List<IntVar> m = new ArrayList<>();
  private final Signatures sig;
  private final Bounds bounds;
  /** How many stage (and strict) constraints, and counts, the model keeps. */
  int activeConstraints;
  int activeObjects;

  /** Whether counts at their caps satisfy stage s's constraint (then every count within the caps does). */
  static boolean implied(SizingProblem p, Bounds b, Row r) {
    long sum = r.allocatedBytes();
    for (int i : r.live()) {
      sum += p.vars().get(i).bytes() * b.capN[i];
    }
    return sum <= p.tau();
  }

  /** {@code sig}: from feasible counts within the caps (Bounds#project of the greedy counts); only the region sizes are hinted. */
  RegionModel(SizingProblem p, Bounds b, Signatures sig, long k) {
    this.bounds = b;
    this.sig = sig;
    List<Var> vars = p.vars();
    List<Group> regions = p.regions();
    IntVar[] slots = new IntVar[regions.size()];
    LinearExprBuilder layout = LinearExpr.newBuilder();
    for (int g = 0; g < slots.length; g++) {
      slots[g] = model.newIntVar(sig.minSlots()[g], sig.maxSlots()[g], "slots_" + g);
      model.addHint(slots[g], sig.hintSlots()[g]);
      layout.addTerm(slots[g], regions.get(g).slotBytes());
    }
    model.addLessOrEqual(layout, p.regionAreaBytes());

    LinearExprBuilder obj = LinearExpr.newBuilder();
    for (Signatures.Signature e : sig.groups()) {
      long hiM = e.maxM();
      // only the region sizes are hinted (a partial hint): hinting m and q as well, or nothing,
      // was slower to prove the optimum at 1000 x 200, and with nothing CP-SAT's best at
      // 5000 x 1000 was worse than the hint (bench/stingygen-sizing.md)
      String name = p.stages().get(e.stages()[0]).id();
      IntVar mv = model.newIntVar(1, hiM, "m_" + name);
      for (Map.Entry<Integer, Integer> gp : e.perTask().entrySet()) {
        model.addGreaterOrEqual(slots[gp.getKey()], LinearExpr.term(mv, gp.getValue()));
      }
      IntVar q = model.newIntVar((k + hiM - 1) / hiM, k, "q_" + name);
      CpSatModel.reciprocal(model, q, mv, k, hiM, 0);
      obj.addTerm(q, e.weight());
      m.add(mv);
    }
    objective = obj.build();
    model.minimize(objective);

    // each kept constraint on n_O ≥ m for the stages whose U holds O
    List<int[]> keptObjects = sig.keptObjects();
    List<List<IntVar>> below = sig.below(b, m);
    IntVar[] n = new IntVar[vars.size()];
    for (int c = 0; c < keptObjects.size(); c++) {
      LinearExprBuilder sum = LinearExpr.newBuilder();
      for (int i : keptObjects.get(c)) {
        if (n[i] == null) {
          n[i] = model.newIntVar(1, b.capN[i], "n_" + i);
          for (IntVar mv : below.get(i)) {
            model.addGreaterOrEqual(n[i], mv);
          }
          activeObjects++;
        }
        sum.addTerm(n[i], vars.get(i).bytes());
      }
      model.addLessOrEqual(sum, sig.keptRoom().get(c));
      activeConstraints++;
    }
  }

  /** n_O = max(1, max_{s: O ∈ U_s} m_s) from a solution's m values. */
  int[] counts(java.util.function.ToLongFunction<IntVar> value) {
    return sig.counts(bounds, j -> value.applyAsLong(m.get(j)));
  }
}
