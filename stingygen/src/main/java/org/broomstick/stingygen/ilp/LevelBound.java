package org.broomstick.stingygen.ilp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A lower bound on the region form's objective that is often tight where the LP bound is not, and,
 * when it is tight, an optimal solution with it.
 *
 * <p><b>Levels.</b> With every p_{g,s} = 1 (one instance per task) write the region form by levels:
 * R_v = {g : slots_g ≥ v}, nested, and signature j has m_j ≥ v iff v ≤ maxM_j and U_j ⊆ R_v. With
 * c(m) = ⌈K/m⌉ and δ_v = c(v−1) − c(v), the objective is Σ_j w_j c(1) − Σ_v δ_v f_v(R_v), where
 * f_v(R) is the weight of the signatures that can be at level v and whose regions are all in R,
 * and the layout is Σ_g b_g lo_g + Σ_v cost_v(R_v) ≤ A, where cost_v counts the regions above
 * their least size (lo_g &lt; v). Dropping only the nesting R_v ⊇ R_{v+1} leaves one set-union
 * knapsack per level, φ_v(B) = max{f_v(R) : cost_v(R) ≤ B}, and a budget split Σ_v B_v ≤ A − Σ b lo
 * maximising Σ_v δ_v φ_v(B_v): a multiple-choice knapsack over the levels. Its optimum bounds the
 * gains from above, so Σ_j w_j c(1) minus it bounds the objective from below.
 *
 * <p>Why it beats the LP: the LP may raise every region by a fraction of a level (every one of the
 * ~19 regions of a stage at 14.6 slots gives the stage 14.6), while φ_v is evaluated exactly: a
 * stage gains level 15 only if all its regions are at 15. The one relaxation left, the nesting, is
 * what the optimum satisfies anyway when the budget fills whole levels and splits one (the usual
 * shape: every region at L or L+1); then the split's sets are nested, form a solution, and that
 * solution is optimal.
 *
 * <p>φ_v is computed exactly, lazily, by a branch-and-bound over the regions (at most 62 regions,
 * else no bound is given), at the budgets the split needs. The split starts from upper bounds on
 * φ_v: the weight of the signatures whose own regions fit the budget each alone, and what is known
 * of φ at this level and the levels below (φ_v falls as v rises); it evaluates φ_v exactly where it
 * chose an optimistic budget (bisecting between the budgets known around it) and splits again,
 * until every chosen budget is exact. Kept stage constraints and --strict are relaxed (the bound
 * stays valid); the nested solution is used only if the program's every constraint holds for it.
 * A knapsack that runs out of time voids the bound.
 */
final class LevelBound {
  /** The bound on the scaled objective Σ_j w_j ⌈K/m_j⌉ and, when the split's sets nest, their m per signature. */
  record Result(long lowerBound, long[] m, int evaluations, long nodes, int splits) {}
  private int splits;
  private static final int RUN = 4;
  private static final int MAX_LEVELS = 4096;
  private static final long MAX_TABLE = 10_000_000L;
  /** Set when a knapsack ran out of time: its value is then not exact, and no bound is given. */
  private boolean timedOut;

  private final long k;
  private final long[] weight;
  private final long[] maxM;
  private final long[] mask; // regions of each signature
  private final long[] lo;
  private final long[] hi;
  private final long[] units; // per region: slot bytes in units of the gcd of all slot sizes
  private final long budgetUnits;
  private final long deadline;
  private long nodes;
  private int evaluations;

  private LevelBound(long k, long[] weight, long[] maxM, long[] mask, long[] lo, long[] hi, long[] units, long budgetUnits, long deadline) {
    this.k = k;
    this.weight = weight;
    this.maxM = maxM;
    this.mask = mask;
    this.lo = lo;
    this.hi = hi;
    this.units = units;
    this.budgetUnits = budgetUnits;
    this.deadline = deadline;
  }

  /** The bound for the region form of {@code sig}, or null when it does not apply or time runs out. */
  static Result of(SizingProblem p, Signatures sig, long k, long deadlineNanos) {
    int regions = p.regions().size();
    if (regions > 62) {
      return null;
    }
    List<Signatures.Signature> groups = sig.groups();
    long[] weight = new long[groups.size()];
    long[] maxM = new long[groups.size()];
    long[] mask = new long[groups.size()];
    for (int j = 0; j < groups.size(); j++) {
      Signatures.Signature e = groups.get(j);
      weight[j] = e.weight();
      maxM[j] = e.maxM();
      for (Map.Entry<Integer, Integer> gp : e.perTask().entrySet()) {
        if (gp.getValue() != 1) {
          return null;
        }
        mask[j] |= 1L << gp.getKey();
      }
    }
    long[] bytes = new long[regions];
    long base = 0;
    long unit = 0;
    for (int g = 0; g < regions; g++) {
      bytes[g] = p.regions().get(g).slotBytes();
      base += bytes[g] * sig.minSlots()[g];
      unit = gcd(unit, bytes[g]);
    }
    long budget = p.regionAreaBytes() - base;
    if (budget < 0 || unit <= 0) {
      return null;
    }
    long[] costUnits = new long[regions];
    for (int g = 0; g < regions; g++) {
      costUnits[g] = bytes[g] / unit;
    }
    LevelBound lb = new LevelBound(k, weight, maxM, mask, sig.minSlots(), sig.maxSlots(), costUnits, budget / unit, deadlineNanos);
    return lb.solve();
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private long c(long m) {
    return (k + m - 1) / m;
  }

  // ------------------------------------------------------------------ levels

  /** The levels that share an eligible set and a costing set share φ. */
  private final class Level {
    final long[] stageMask; // costing regions of each eligible signature (merged)
    final long[] stageWeight;
    final long free; // weight of eligible signatures with no costing region
    final long fullCost;
    final TreeMap<Long, long[]> known = new TreeMap<>(); // budget -> {value, actual cost, set}
    final long[] indivCost; // each signature's own regions' cost, ascending
    final long[] indivCum; // the weight of the signatures up to each
    Level lower; // the class of the levels just below, whose φ bounds this one's

    Level(long[] stageMask, long[] stageWeight, long free) {
      this.stageMask = stageMask;
      this.stageWeight = stageWeight;
      this.free = free;
      long all = 0;
      long value = free;
      for (int i = 0; i < stageMask.length; i++) {
        all |= stageMask[i];
        value += stageWeight[i];
      }
      this.fullCost = cost(all);
      Integer[] order = new Integer[stageMask.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      long[] own = new long[stageMask.length];
      for (int i = 0; i < own.length; i++) {
        own[i] = cost(stageMask[i]);
      }
      Arrays.sort(order, (x, y) -> Long.compare(own[x], own[y]));
      indivCost = new long[order.length];
      indivCum = new long[order.length];
      long cum = 0;
      for (int i = 0; i < order.length; i++) {
        indivCost[i] = own[order[i]];
        cum += stageWeight[order[i]];
        indivCum[i] = cum;
      }
      known.put(0L, new long[] {free, 0, 0});
      known.put(fullCost, new long[] {value, fullCost, all});
    }

    /**
     * The choices of a level for the split: {cost, value, exact?, set}. The value is an upper bound
     * on φ at that budget, the least of: the weight of the signatures whose own regions fit (each
     * alone), and the value of the next budget φ is known at; exact when a known set of that cost
     * reaches it. Dominated choices are left out.
     */
    List<long[]> choices(long budget) {
      java.util.TreeSet<Long> xs = new java.util.TreeSet<>();
      xs.add(0L);
      for (Map.Entry<Long, long[]> e : known.entrySet()) {
        xs.add(e.getValue()[1]);
        xs.add(e.getKey() + 1);
      }
      for (long c : indivCost) {
        xs.add(c);
      }
      List<long[]> out = new ArrayList<>();
      long lastValue = -1;
      for (long x : xs) {
        if (x > budget || x > fullCost) {
          break;
        }
        long up = free + indivUpTo(x);
        Map.Entry<Long, long[]> above = known.ceilingEntry(x);
        if (above != null) {
          up = Math.min(up, above.getValue()[0]);
        }
        // φ falls as the level rises (fewer signatures can be there, each needs more), so what is
        // known at lower levels bounds this one too
        for (Level l = lower; l != null; l = l.lower) {
          Map.Entry<Long, long[]> e = l.known.ceilingEntry(x);
          if (e != null) {
            up = Math.min(up, e.getValue()[0]);
          }
        }
        long low = 0;
        long set = 0;
        for (Map.Entry<Long, long[]> e : known.headMap(x, true).entrySet()) {
          // known.headMap(x): keys ≤ x, whose sets cost ≤ their key ≤ x
          if (e.getValue()[0] > low) {
            low = e.getValue()[0];
            set = e.getValue()[2];
          }
        }
        Map.Entry<Long, long[]> cheap = above;
        if (cheap != null && cheap.getValue()[1] <= x && cheap.getValue()[0] >= low) {
          low = cheap.getValue()[0];
          set = cheap.getValue()[2];
        }
        if (up <= lastValue) {
          continue;
        }
        lastValue = up;
        out.add(new long[] {x, up, up == low ? 1 : 0, set});
      }
      return coarse(out);
    }

    /**
     * At most {@link #RUN} optimistic choices in a row: a run is cut into groups, each at its first
     * cost with its last value (a choice that dominates the group's, so still an upper bound). The
     * split's table costs a pass per choice; the refinement restores what the grouping hides.
     */
    private List<long[]> coarse(List<long[]> in) {
      List<long[]> out = new ArrayList<>();
      int i = 0;
      while (i < in.size()) {
        if (in.get(i)[2] == 1) {
          out.add(in.get(i++));
          continue;
        }
        int j = i;
        while (j < in.size() && in.get(j)[2] == 0) {
          j++;
        }
        int run = j - i;
        int groups = Math.min(run, RUN);
        for (int gi = 0; gi < groups; gi++) {
          int first = i + (int) ((long) run * gi / groups);
          int last = i + (int) ((long) run * (gi + 1) / groups) - 1;
          out.add(new long[] {in.get(first)[0], in.get(last)[1], 0, 0});
        }
        i = j;
      }
      return out;
    }

    private long indivUpTo(long x) {
      int i = java.util.Arrays.binarySearch(indivCost, x);
      if (i < 0) {
        i = -i - 1;
      } else {
        while (i < indivCost.length && indivCost[i] == x) {
          i++;
        }
      }
      return i == 0 ? 0 : indivCum[i - 1];
    }

    /** φ at {@code budget} (exact), remembered. */
    long[] at(long budget) {
      long[] v = known.get(budget);
      if (v == null) {
        v = knapsack(this, budget);
        known.put(budget, v);
        evaluations++;
      }
      return v;
    }
  }

  private long cost(long set) {
    long c = 0;
    while (set != 0) {
      int g = Long.numberOfTrailingZeros(set);
      set &= set - 1;
      c += units[g];
    }
    return c;
  }

  private Result solve() {
    int vmax = 1;
    for (int j = 0; j < weight.length; j++) {
      long top = maxM[j];
      for (long s = mask[j]; s != 0; s &= s - 1) {
        top = Math.min(top, hi[Long.numberOfTrailingZeros(s)]);
      }
      vmax = (int) Math.max(vmax, Math.min(top, Integer.MAX_VALUE - 1));
    }
    if (vmax > MAX_LEVELS || (long) vmax * (budgetUnits + 1) > MAX_TABLE) {
      return null; // the split's table would be too large for a bound that is only a bonus
    }
    // level classes
    Map<String, Level> classes = new HashMap<>();
    Level[] levelOf = new Level[vmax + 1];
    for (int v = 2; v <= vmax; v++) {
      TreeMap<Long, Long> merged = new TreeMap<>();
      long free = 0;
      for (int j = 0; j < weight.length; j++) {
        if (v > maxM[j]) {
          continue;
        }
        boolean ok = true;
        long costing = 0;
        for (long s = mask[j]; s != 0; s &= s - 1) {
          int g = Long.numberOfTrailingZeros(s);
          if (hi[g] < v) {
            ok = false;
            break;
          }
          if (lo[g] < v) {
            costing |= 1L << g;
          }
        }
        if (!ok) {
          continue;
        }
        if (costing == 0) {
          free += weight[j];
        } else {
          merged.merge(costing, weight[j], Long::sum);
        }
      }
      String key = merged + "|" + free;
      Level l = classes.get(key);
      if (l == null) {
        long[] sm = new long[merged.size()];
        long[] sw = new long[merged.size()];
        int i = 0;
        for (Map.Entry<Long, Long> e : merged.entrySet()) {
          sm[i] = e.getKey();
          sw[i++] = e.getValue();
        }
        l = new Level(sm, sw, free);
        l.lower = levelOf[v - 1];
        classes.put(key, l);
      }
      levelOf[v] = l;
    }
    long total = 0;
    for (long w : weight) {
      total += w * c(1);
    }
    while (true) {
      if (timedOut || System.nanoTime() > deadline) {
        return null;
      }
      Split split = split(levelOf, vmax);
      splits++;
      // make the chosen budgets exact where they are not: every level class at its chosen budget
      boolean exact = true;
      for (int v = 2; v <= vmax; v++) {
        long[] ch = split.choice()[v];
        if (ch[2] == 0) {
          // bisect between the known budgets around it: x is optimistic, so no known set of cost
          // ≤ x reaches its value; the next known budget above x is where the value is known
          exact = false;
          Level l = levelOf[v];
          long below = l.known.floorKey(ch[0]);
          Map.Entry<Long, long[]> above = l.known.ceilingEntry(ch[0]);
          long top = above == null ? Math.min(budgetUnits, l.fullCost) : Math.min(above.getKey(), above.getValue()[1]);
          long mid = below + (top - below + 1) / 2;
          if (mid <= below || l.known.containsKey(mid)) {
            mid = ch[0];
          }
          l.at(Math.max(mid, ch[0]));
        }
      }
      if (timedOut) {
        return null;
      }
      if (exact) {
        long lower = total - split.gain();
        return new Result(lower, nested(split, vmax), evaluations, nodes, splits);
      }
    }
  }

  /** The best budget split: per level the chosen {cost, value, exact?, set}. */
  private record Split(long gain, long[][] choice) {}

  private int[][] argmax;

  private Split split(Level[] levelOf, int vmax) {
    int u = (int) budgetUnits;
    long[] best = new long[u + 1];
    long[] next = new long[u + 1];
    long[][][] options = new long[vmax + 1][][];
    if (argmax == null || argmax.length < vmax + 1) {
      argmax = new int[vmax + 1][];
    }
    long constant = 0;
    Map<Level, long[][]> byClass = new HashMap<>();
    for (int v = 2; v <= vmax; v++) {
      Level l = levelOf[v];
      long delta = c(v - 1) - c(v);
      long[][] o = byClass.computeIfAbsent(l, x -> x.choices(budgetUnits).toArray(new long[0][]));
      options[v] = o;
      if (o.length == 1) {
        constant += delta * o[0][1]; // only the choice of cost 0
        continue;
      }
      int[] arg = argmax[v] != null ? argmax[v] : new int[u + 1];
      for (int b = 0; b <= u; b++) {
        long bestHere = Long.MIN_VALUE;
        int bestI = -1;
        for (int i = 0; i < o.length && o[i][0] <= b; i++) {
          long val = best[(int) (b - o[i][0])] + delta * o[i][1];
          if (val > bestHere) {
            bestHere = val;
            bestI = i;
          }
        }
        next[b] = bestHere;
        arg[b] = bestI;
      }
      argmax[v] = arg;
      long[] t = best;
      best = next;
      next = t;
    }
    long[][] choice = new long[vmax + 1][];
    int b = u;
    for (int v = vmax; v >= 2; v--) {
      long[] ch = options[v].length == 1 ? options[v][0] : options[v][argmax[v][b]];
      choice[v] = ch;
      b -= (int) ch[0];
    }
    return new Split(best[u] + constant, choice);
  }

  /** m per signature if the split's sets nest (R_v ⊇ R_{v+1} on the regions that cost), else null. */
  private long[] nested(Split split, int vmax) {
    long[] m = new long[weight.length];
    Arrays.fill(m, 1);
    // slots per region from the sets: the regions a level's set holds, plus those free at it
    long[] slots = lo.clone();
    for (int v = 2; v <= vmax; v++) {
      long set = split.choice()[v][3];
      for (long s = set; s != 0; s &= s - 1) {
        int g = Long.numberOfTrailingZeros(s);
        if (slots[g] != v - 1 && lo[g] < v) {
          return null; // not nested: region g is in R_v but not in R_{v-1}
        }
        slots[g] = Math.max(slots[g], v);
      }
    }
    for (int j = 0; j < weight.length; j++) {
      long mj = maxM[j];
      for (long s = mask[j]; s != 0; s &= s - 1) {
        mj = Math.min(mj, slots[Long.numberOfTrailingZeros(s)]);
      }
      m[j] = Math.max(1, mj);
    }
    return m;
  }

  // ------------------------------------------------------------------ one set-union knapsack

  private long bestValue;
  private long bestSet;
  private long[] sm;
  private long[] sw;
  private long cap;

  /** {value, actual cost, set}: the most weight of signatures whose costing regions fit in {@code budget}. */
  private long[] knapsack(Level l, long budget) {
    // only the signatures whose own regions fit
    int n = 0;
    long[] m0 = new long[l.stageMask.length];
    long[] w0 = new long[l.stageMask.length];
    for (int i = 0; i < l.stageMask.length; i++) {
      if (cost(l.stageMask[i]) <= budget) {
        m0[n] = l.stageMask[i];
        w0[n++] = l.stageWeight[i];
      }
    }
    sm = Arrays.copyOf(m0, n);
    sw = Arrays.copyOf(w0, n);
    cap = budget;
    bestValue = 0;
    bestSet = 0;
    // a greedy start: add the signature with the most weight per added cost while it fits
    long in = 0;
    long c = 0;
    boolean[] taken = new boolean[n];
    while (true) {
      int pickI = -1;
      double ratio = -1;
      for (int i = 0; i < n; i++) {
        if (taken[i]) {
          continue;
        }
        long add = cost(sm[i] & ~in);
        if (c + add > cap) {
          continue;
        }
        double r = add == 0 ? Double.MAX_VALUE : (double) sw[i] / add;
        if (r > ratio) {
          ratio = r;
          pickI = i;
        }
      }
      if (pickI < 0) {
        break;
      }
      in |= sm[pickI];
      c = cost(in);
      taken[pickI] = true;
    }
    bestSet = in;
    bestValue = covered(in, n);
    int[] alive = new int[n];
    for (int i = 0; i < n; i++) {
      alive[i] = i;
    }
    dfsFrom(0, 0, 0, alive, n, 0);
    return new long[] {l.free + bestValue, cost(bestSet), bestSet};
  }

  private long covered(long in, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      if ((sm[i] & ~in) == 0) {
        v += sw[i];
      }
    }
    return v;
  }

  private void dfsValue(long in, long out, long inCost, int[] alive, int count, long have, long bound, long[] score) {
    if (have > bestValue) {
      bestValue = have;
      bestSet = in;
    }
    if (have + bound <= bestValue || count == 0) {
      return;
    }
    int g = -1;
    long top = -1;
    for (int r = 0; r < 64; r++) {
      if (score[r] > top) {
        top = score[r];
        g = r;
      }
    }
    long bit = 1L << g;
    // take g
    long add = units[g];
    if (inCost + add <= cap) {
      dfsFrom(in | bit, out, inCost + add, alive, count, have);
    }
    // refuse g
    dfsFrom(in, out | bit, inCost, alive, count, have);
  }

  private void dfsFrom(long in, long out, long inCost, int[] alive, int count, long have) {
    nodes++;
    if (timedOut || ((nodes & 1023) == 0 && System.nanoTime() > deadline)) {
      timedOut = true;
      return;
    }
    long gained = have;
    long bound = 0;
    int[] next = new int[count];
    int kept = 0;
    long[] score = new long[64];
    for (int t = 0; t < count; t++) {
      int i = alive[t];
      long need = sm[i] & ~in;
      if (need == 0) {
        gained += sw[i];
        continue;
      }
      if ((sm[i] & out) != 0 || inCost + cost(need) > cap) {
        continue;
      }
      bound += sw[i];
      next[kept++] = i;
      for (long s = need; s != 0; s &= s - 1) {
        score[Long.numberOfTrailingZeros(s)] += sw[i];
      }
    }
    dfsValue(in, out, inCost, next, kept, gained, bound, score);
  }
}
