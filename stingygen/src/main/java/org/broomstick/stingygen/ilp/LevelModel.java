package org.broomstick.stingygen.ilp;

import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.broomstick.stingygen.ilp.SizingProblem.Group;

/**
 * The first solve as a pure-boolean level formulation of {@link RegionModel} (same variables in
 * unary): z_{g,v} = (slots_g ≥ v) for v ∈ (minSlots_g, maxSlots_g], y_{j,v} = (m_j ≥ v) for
 * v ∈ [2, maxM_j], x_{O,v} = (n_O ≥ v) for the objects of kept constraints, with the chains
 * z_{g,v+1} → z_{g,v} (likewise y, x), so slots_g = minSlots_g + Σ_v z_{g,v}, m_j = 1 + Σ_v y_{j,v}.
 * slots_g ≥ p_{g,j}·m_j is y_{j,v} → z_{g,p·v} for every v (y_{j,v} false when p·v > maxSlots_g);
 * n_O ≥ m_j is y_{j,v} → x_{O,v}. The layout and kept constraints are the same linear sums over
 * the literals. The objective Σ_j w_j·⌈K/m_j⌉ telescopes exactly: with c_v = ⌈K/v⌉,
 * c_{m} = c_1 − Σ_{v=2}^{m} (c_{v−1} − c_v), so it is Σ_j w_j·(c_1 − Σ_v y_{j,v}·(c_{v−1} − c_v)),
 * linear in the literals and equal to the region form's Σ w·q at every solution; no secants and no
 * products. Each constraint is the region form's, rewritten in unary, so the two have the same
 * solutions and the same optimum (checked on random reports by {@code LevelModelTest}).
 *
 * <p>Why it exists: on the hard generated reports the region form's LP bound is the integrality
 * gap of a set-union knapsack (which regions go up a level), and only search closes it; the hope was
 * that CP-SAT's clause learning over these literals would close it faster. It does not (seed sweep
 * in bench/stingygen-sizing.md: its LP converges slowly and no seed is proved sooner), so it is
 * opt-in, {@code -Dbroomstick.stingygen.form=levels}, kept for experiments and checked against the
 * region form by a test.
 */
final class LevelModel {
  /** Above this many literals and implications the unary form is not built (the region form is used instead). */
  static final long MAX_SIZE = Long.getLong("broomstick.stingygen.maxLevelSize", 400_000);

  final CpModel model = new CpModel();
  final LinearExpr objective;
  private final List<BoolVar[]> y = new ArrayList<>();
  private final Signatures sig;
  private final Bounds bounds;
  int activeConstraints;
  int literals;

  /** The number of literals and level implications the model would have, to decide whether to build it. */
  static long size(SizingProblem p, Signatures sig, Bounds b) {
    long n = 0;
    for (int g = 0; g < sig.minSlots().length; g++) {
      n += sig.maxSlots()[g] - sig.minSlots()[g];
    }
    for (Signatures.Signature e : sig.groups()) {
      n += (e.maxM() - 1) * (1 + e.perTask().size());
    }
    for (int i = 0; i < sig.kept().length; i++) {
      if (sig.kept()[i]) {
        n += b.capN[i];
      }
    }
    return n;
  }

  LevelModel(SizingProblem p, Bounds b, Signatures sig, long k, int[] hint) {
    this.bounds = b;
    this.sig = sig;
    List<Group> regions = p.regions();
    BoolVar[][] z = new BoolVar[regions.size()][];
    LinearExprBuilder layout = LinearExpr.newBuilder();
    long base = 0;
    for (int g = 0; g < z.length; g++) {
      long lo = sig.minSlots()[g];
      long slot = regions.get(g).slotBytes();
      base += slot * lo;
      z[g] = levels("z" + g, (int) (sig.maxSlots()[g] - lo), sig.hintSlots()[g] - lo);
      for (BoolVar l : z[g]) {
        layout.addTerm(l, slot);
      }
    }
    model.addLessOrEqual(layout, p.regionAreaBytes() - base);

    LinearExprBuilder obj = LinearExpr.newBuilder();
    for (Signatures.Signature e : sig.groups()) {
      int hiM = (int) e.maxM();
      long mHint = Long.MAX_VALUE;
      for (int s : e.stages()) {
        for (int i : p.stages().get(s).live()) {
          mHint = Math.min(mHint, hint[i]);
        }
      }
      BoolVar[] ys = levels("y" + y.size(), hiM - 1, mHint - 1);
      obj.add(e.weight() * ceilDiv(k, 1));
      for (int v = 2; v <= hiM; v++) {
        BoolVar l = ys[v - 2];
        obj.addTerm(l, -e.weight() * (ceilDiv(k, v - 1) - ceilDiv(k, v)));
        for (Map.Entry<Integer, Integer> gp : e.perTask().entrySet()) {
          int g = gp.getKey();
          long need = (long) gp.getValue() * v - sig.minSlots()[g];
          if (need > z[g].length) {
            model.addBoolOr(new com.google.ortools.sat.Literal[] {l.not()});
          } else if (need > 0) {
            model.addImplication(l, z[g][(int) need - 1]);
          }
        }
      }
      y.add(ys);
    }
    objective = obj.build();
    model.minimize(objective);

    // the kept constraints, on x_{O,v} with y_{j,v} → x_{O,v}
    List<Integer> index = new ArrayList<>();
    for (int j = 0; j < y.size(); j++) {
      index.add(j);
    }
    List<List<Integer>> below = sig.below(b, index);
    BoolVar[][] x = new BoolVar[sig.kept().length][];
    for (int c = 0; c < sig.keptObjects().size(); c++) {
      LinearExprBuilder sum = LinearExpr.newBuilder();
      long room = sig.keptRoom().get(c);
      for (int i : sig.keptObjects().get(c)) {
        if (x[i] == null) {
          x[i] = levels("x" + i, (int) b.capN[i] - 1, hint[i] - 1);
          for (int j : below.get(i)) {
            BoolVar[] ys = y.get(j);
            for (int v = 0; v < ys.length; v++) {
              // m_j ≤ maxM ≤ capN for every O in U_s, so x has the level
              model.addImplication(ys[v], x[i][v]);
            }
          }
        }
        long bytes = p.vars().get(i).bytes();
        room -= bytes;
        for (BoolVar l : x[i]) {
          sum.addTerm(l, bytes);
        }
      }
      model.addLessOrEqual(sum, room);
      activeConstraints++;
    }
  }

  /** count literals l_v = (value ≥ base + 1 + v), chained, hinted at {@code hinted} levels above the base. */
  private BoolVar[] levels(String name, int count, long hinted) {
    BoolVar[] l = new BoolVar[Math.max(0, count)];
    for (int v = 0; v < l.length; v++) {
      l[v] = model.newBoolVar(name + "_" + v);
      model.addHint(l[v], v < hinted);
      if (v > 0) {
        model.addImplication(l[v], l[v - 1]);
      }
    }
    literals += l.length;
    return l;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** n_O = max(1, max_{s: O ∈ U_s} m_s) from a solution's literal values. */
  int[] counts(java.util.function.Predicate<BoolVar> value) {
    return sig.counts(bounds, j -> {
      int m = 1;
      for (BoolVar l : y.get(j)) {
        if (value.test(l)) {
          m++;
        }
      }
      return m;
    });
  }
}
