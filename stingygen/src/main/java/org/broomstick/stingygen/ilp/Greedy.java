package org.broomstick.stingygen.ilp;

import java.util.Arrays;
import org.broomstick.stingygen.ilp.SizingProblem.Row;

/**
 * The fallback heuristic: from n_O = 1, repeatedly raise the minimum of the stage that costs the
 * objective most (w_s / min n_O), raising the greater side of order constraints along, while every
 * constraint still holds. Feasible at every step, so a deadline can stop it anywhere.
 */
final class Greedy {
  private Greedy() {}

  static int[] solve(SizingProblem p, long nanos) {
    long deadline = System.nanoTime() + nanos;
    int n = p.vars().size();
    int[] cur = new int[n];
    Arrays.fill(cur, 1);
    boolean[] stuck = new boolean[p.stages().size()];
    while (System.nanoTime() < deadline) {
      int best = -1;
      double bestCost = -1;
      for (int s = 0; s < p.stages().size(); s++) {
        Row r = p.stages().get(s);
        if (stuck[s] || r.live().length == 0 || r.weight() == 0) {
          continue;
        }
        double cost = (double) r.weight() / min(cur, r.live());
        if (cost > bestCost) {
          bestCost = cost;
          best = s;
        }
      }
      if (best < 0) {
        break;
      }
      int[] next = raise(p, cur, p.stages().get(best));
      if (next != null && p.feasible(next)) {
        cur = next;
        Arrays.fill(stuck, false);
      } else {
        stuck[best] = true;
      }
    }
    return cur;
  }

  private static int[] raise(SizingProblem p, int[] cur, Row r) {
    int[] next = cur.clone();
    int m = min(cur, r.live());
    for (int i : r.live()) {
      if (next[i] == m) {
        next[i]++;
      }
    }
    // n_greater >= n_lesser: pull the greater sides up until nothing changes
    boolean changed = true;
    for (int round = 0; changed && round <= next.length; round++) {
      changed = false;
      for (int[] c : p.order()) {
        if (next[c[0]] < next[c[1]]) {
          next[c[0]] = next[c[1]];
          changed = true;
        }
      }
    }
    return changed ? null : next;
  }

  private static int min(int[] n, int[] idx) {
    int m = Integer.MAX_VALUE;
    for (int i : idx) {
      m = Math.min(m, n[i]);
    }
    return m;
  }
}
