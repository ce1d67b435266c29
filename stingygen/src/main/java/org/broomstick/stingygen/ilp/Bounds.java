package org.broomstick.stingygen.ilp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.broomstick.stingygen.ilp.SizingProblem.Group;
import org.broomstick.stingygen.ilp.SizingProblem.Row;
import org.broomstick.stingygen.ilp.SizingProblem.Var;

/**
 * Valid bounds that CP-SAT's presolve does not find by itself, because each follows from several
 * constraints at once. Let U_s be the up-closure of L_s under the order pairs (every object O with a
 * chain n_O ≥ … ≥ n_j, j ∈ L_s); every O ∈ U_s has n_O ≥ m_s = min_{L_s} n.
 *
 * <p><b>m_s ≤ {@link #maxM}[s]</b>, true in every feasible solution: putting n_O ≥ m_s for O ∈ U_s
 * and n_O ≥ 1 elsewhere into (i) each stage s' constraint, m_s·Σ_{L_s' ∩ U_s} bytes + Σ_{L_s' \ U_s}
 * bytes ≤ τ − A_s'; (ii) the layout, whose region g holds at least m_s·perTask slots of each member
 * in U_s and perTask of the others; (iii) with --strict, the whole per-task data; (iv) the
 * objects' own upper bounds.
 *
 * <p><b>n_O ≤ {@link #capN}[O] = max(1, max_{s: O ∈ U_s} maxM[s])</b>, true in at least one optimal
 * solution (the reformulation on the stage minima): from any solution n, let n'_O = max(1,
 * max_{s weighted: O ∈ U_s} m_s). Then 1 ≤ n' ≤ n (every O ∈ U_s has n_O ≥ m_s); n' keeps the order
 * pairs (i ≥ j puts i in every U_s that holds j); min_{L_s} n' = m_s (n' ≥ m_s on L_s ⊆ U_s, and the
 * object of L_s where n is smallest has n' ≤ n = m_s), so the objective is unchanged; and every
 * other constraint (stage sums, layout, strict, upper bounds) only gets looser as counts fall. So n'
 * is feasible, as good as n, and within the caps. Only the first solve may use the caps: the second
 * one (ties broken by max Σ n_O) must see the full domains.
 */
final class Bounds {
  /** Per stage: an upper bound on m_s (0 for stages outside the objective). */
  final long[] maxM;
  /** Per object: the phase-1 cap on n_O. */
  final long[] capN;
  /** Per stage: U_s (empty for stages outside the objective). */
  final int[][] up;

  private Bounds(long[] maxM, long[] capN, int[][] up) {
    this.maxM = maxM;
    this.capN = capN;
    this.up = up;
  }

  /**
   * The projection n' of the class comment: feasible and as good as n when n is feasible, and
   * within the caps.
   */
  int[] project(SizingProblem p, int[] n) {
    int[] out = new int[n.length];
    java.util.Arrays.fill(out, 1);
    for (int s = 0; s < up.length; s++) {
      if (up[s].length == 0) {
        continue;
      }
      int m = Integer.MAX_VALUE;
      for (int i : p.stages().get(s).live()) {
        m = Math.min(m, n[i]);
      }
      for (int i : up[s]) {
        out[i] = Math.max(out[i], m);
      }
    }
    return out;
  }

  static boolean inObjective(Row r) {
    return r.live().length > 0 && r.weight() > 0;
  }

  static Bounds of(SizingProblem p) {
    List<Var> vars = p.vars();
    int nv = vars.size();
    List<List<Integer>> greaterOf = new ArrayList<>();
    for (int i = 0; i < nv; i++) {
      greaterOf.add(new ArrayList<>());
    }
    for (int[] c : p.order()) {
      greaterOf.get(c[1]).add(c[0]);
    }
    int[] regionOf = new int[nv];
    long[] minSlots = new long[p.regions().size()];
    long baseLayout = 0;
    for (int g = 0; g < minSlots.length; g++) {
      Group gr = p.regions().get(g);
      for (int i : gr.members()) {
        regionOf[i] = g;
        minSlots[g] = Math.max(minSlots[g], vars.get(i).perTask());
      }
      baseLayout += gr.slotBytes() * minSlots[g];
    }
    long allBytes = 0;
    for (Var v : vars) {
      allBytes += v.bytes();
    }
    long[] stageAtOne = new long[p.stages().size()];
    for (int s = 0; s < stageAtOne.length; s++) {
      Row r = p.stages().get(s);
      stageAtOne[s] = r.allocatedBytes() + r.liveAtOneBytes();
    }
    long[] maxM = new long[p.stages().size()];
    int[][] up = new int[maxM.length][];
    long[] capN = new long[nv];
    java.util.Arrays.fill(capN, 1);
    boolean[] inU = new boolean[nv];
    long[] perTaskInU = new long[minSlots.length];
    List<Integer> u = new ArrayList<>();
    for (int s = 0; s < maxM.length; s++) {
      Row r = p.stages().get(s);
      if (!inObjective(r)) {
        up[s] = new int[0];
        continue;
      }
      u.clear();
      ArrayDeque<Integer> work = new ArrayDeque<>();
      for (int i : r.live()) {
        if (!inU[i]) {
          inU[i] = true;
          u.add(i);
          work.add(i);
        }
      }
      while (!work.isEmpty()) {
        for (int g : greaterOf.get(work.poll())) {
          if (!inU[g]) {
            inU[g] = true;
            u.add(g);
            work.add(g);
          }
        }
      }
      long best = Long.MAX_VALUE;
      long uBytes = 0;
      for (int i : u) {
        best = Math.min(best, vars.get(i).upper());
        uBytes += vars.get(i).bytes();
        int g = regionOf[i];
        perTaskInU[g] = Math.max(perTaskInU[g], vars.get(i).perTask());
      }
      // (i) every stage's constraint
      for (int s2 = 0; s2 < maxM.length; s2++) {
        Row r2 = p.stages().get(s2);
        long inBytes = 0;
        for (int i : r2.live()) {
          if (inU[i]) {
            inBytes += vars.get(i).bytes();
          }
        }
        if (inBytes > 0) {
          // n = 1 is feasible, so room >= inBytes
          long room = p.tau() - (stageAtOne[s2] - inBytes);
          best = Math.min(best, room / inBytes);
        }
      }
      // (ii) the layout: region g holds >= max(m·perTaskInU[g], minSlots[g]) >= m·perTaskInU[g] slots
      long per = 0;
      long rest = baseLayout;
      for (int g = 0; g < minSlots.length; g++) {
        if (perTaskInU[g] > 0) {
          long slot = p.regions().get(g).slotBytes();
          per += slot * perTaskInU[g];
          rest -= slot * minSlots[g];
        }
      }
      if (per > 0) {
        best = Math.min(best, (p.regionAreaBytes() - rest) / per);
      }
      // (iii) --strict
      if (p.strict()) {
        best = Math.min(best, (p.tau() - (allBytes - uBytes)) / uBytes);
      }
      maxM[s] = Math.max(1, best);
      up[s] = u.stream().mapToInt(Integer::intValue).toArray();
      for (int i : u) {
        capN[i] = Math.max(capN[i], maxM[s]);
        inU[i] = false;
        perTaskInU[regionOf[i]] = 0;
      }
    }
    for (int i = 0; i < nv; i++) {
      capN[i] = Math.max(1, Math.min(capN[i], vars.get(i).upper()));
    }
    return new Bounds(maxM, capN, up);
  }
}
