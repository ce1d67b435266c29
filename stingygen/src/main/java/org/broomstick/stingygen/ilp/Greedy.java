package org.broomstick.stingygen.ilp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.broomstick.stingygen.ilp.SizingProblem.Group;
import org.broomstick.stingygen.ilp.SizingProblem.Row;

/**
 * The fallback heuristic: from n_O = 1, repeatedly raise the minimum of the stage that costs the
 * objective most (w_s / min n_O), raising the greater side of order constraints along, while every
 * constraint still holds. Feasible at every step, so a deadline can stop it anywhere. The stage
 * sums, region sizes and total are kept up to date, so a step costs only what it touches.
 */
final class Greedy {
  private final SizingProblem p;
  private final int[] cur;
  private final long[] stageSum;
  private final long[] regionSlots;
  private final int[] regionOf;
  private final List<List<Integer>> liveIn = new ArrayList<>();
  private final List<List<Integer>> greaterOf = new ArrayList<>();
  private long layout;
  private long total;

  private Greedy(SizingProblem p) {
    this.p = p;
    int n = p.vars().size();
    cur = new int[n];
    Arrays.fill(cur, 1);
    regionOf = new int[n];
    for (int i = 0; i < n; i++) {
      liveIn.add(new ArrayList<>());
      greaterOf.add(new ArrayList<>());
      total += p.vars().get(i).bytes();
    }
    stageSum = new long[p.stages().size()];
    for (int s = 0; s < stageSum.length; s++) {
      Row r = p.stages().get(s);
      stageSum[s] = r.allocatedBytes();
      for (int i : r.live()) {
        stageSum[s] += p.vars().get(i).bytes();
        liveIn.get(i).add(s);
      }
    }
    regionSlots = new long[p.regions().size()];
    for (int g = 0; g < regionSlots.length; g++) {
      Group gr = p.regions().get(g);
      for (int i : gr.members()) {
        regionOf[i] = g;
        regionSlots[g] = Math.max(regionSlots[g], p.vars().get(i).perTask());
      }
      layout += gr.slotBytes() * regionSlots[g];
    }
    for (int[] c : p.order()) {
      greaterOf.get(c[1]).add(c[0]);
    }
  }

  static int[] solve(SizingProblem p, long nanos) {
    return new Greedy(p).run(System.nanoTime() + nanos);
  }

  private record Entry(double cost, int stage) {}

  private int[] run(long deadline) {
    PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.cost() != b.cost()
        ? Double.compare(b.cost(), a.cost())
        : Integer.compare(a.stage(), b.stage()));
    for (int s = 0; s < p.stages().size(); s++) {
      Row r = p.stages().get(s);
      if (r.live().length > 0 && r.weight() > 0) {
        queue.add(new Entry(cost(s), s));
      }
    }
    int steps = 0;
    while (!queue.isEmpty()) {
      if ((++steps & 63) == 0 && System.nanoTime() > deadline) {
        break;
      }
      Entry e = queue.poll();
      double now = cost(e.stage());
      if (now != e.cost()) {
        queue.add(new Entry(now, e.stage())); // stale: costs only fall as counts rise
        continue;
      }
      if (raise(e.stage())) {
        queue.add(new Entry(cost(e.stage()), e.stage()));
      }
      // else: every constraint only tightens as counts rise, so this stage stays stuck
    }
    return cur.clone();
  }

  private double cost(int s) {
    Row r = p.stages().get(s);
    return (double) r.weight() / min(r.live());
  }

  private int min(int[] idx) {
    int m = Integer.MAX_VALUE;
    for (int i : idx) {
      m = Math.min(m, cur[i]);
    }
    return m;
  }

  /** Raises the minimum of stage s by one (and order partners); false, changing nothing, if it would not fit. */
  private boolean raise(int s) {
    Row r = p.stages().get(s);
    int m = min(r.live());
    Map<Integer, Integer> next = new HashMap<>();
    ArrayDeque<Integer> work = new ArrayDeque<>();
    for (int i : r.live()) {
      if (cur[i] == m) {
        next.put(i, m + 1);
        work.add(i);
      }
    }
    // n_greater >= n_lesser: pull the greater sides up
    while (!work.isEmpty()) {
      int l = work.poll();
      int v = next.get(l);
      for (int g : greaterOf.get(l)) {
        if (next.getOrDefault(g, cur[g]) < v) {
          next.put(g, v);
          work.add(g);
        }
      }
    }
    Map<Integer, Long> stageDelta = new HashMap<>();
    Map<Integer, Long> regionNew = new HashMap<>();
    long totalDelta = 0;
    for (Map.Entry<Integer, Integer> c : next.entrySet()) {
      int i = c.getKey();
      int v = c.getValue();
      SizingProblem.Var var = p.vars().get(i);
      if (v > var.upper()) {
        return false;
      }
      long d = var.bytes() * (v - cur[i]);
      totalDelta += d;
      for (int st : liveIn.get(i)) {
        stageDelta.merge(st, d, Long::sum);
      }
      int g = regionOf[i];
      regionNew.merge(g, Math.max(regionSlots[g], (long) v * var.perTask()), Math::max);
    }
    for (Map.Entry<Integer, Long> d : stageDelta.entrySet()) {
      if (stageSum[d.getKey()] + d.getValue() > p.tau()) {
        return false;
      }
    }
    long layoutDelta = 0;
    for (Map.Entry<Integer, Long> g : regionNew.entrySet()) {
      layoutDelta += p.regions().get(g.getKey()).slotBytes() * (g.getValue() - regionSlots[g.getKey()]);
    }
    if (layout + layoutDelta > p.regionAreaBytes() || (p.strict() && total + totalDelta > p.tau())) {
      return false;
    }
    next.forEach((i, v) -> cur[i] = v);
    stageDelta.forEach((st, d) -> stageSum[st] += d);
    regionNew.forEach((g, v) -> regionSlots[g] = v);
    layout += layoutDelta;
    total += totalDelta;
    return true;
  }
}
