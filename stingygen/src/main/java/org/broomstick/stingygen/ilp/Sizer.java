package org.broomstick.stingygen.ilp;

import java.util.ArrayList;
import java.util.List;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenException.Kind;
import org.broomstick.stingygen.ilp.SizingProblem.Row;

/**
 * Solves a {@link SizingProblem}: first the explanation of infeasibility, which needs no solver
 * (with every n_O = 1 the order constraints hold and every other constraint is at its loosest, so
 * the program is feasible iff n_O = 1 is); then CP-SAT, hinted with the greedy solution; the greedy
 * counts themselves if CP-SAT finds nothing in time.
 */
public final class Sizer {
  private Sizer() {}

  /** The optimal (or best found) counts, or an INFEASIBLE {@link StingygenException}. */
  public static Sizing solve(SizingProblem p, double seconds, int workers) {
    explainInfeasibility(p);
    long t0 = System.nanoTime();
    if (p.vars().isEmpty()) {
      return new Sizing(List.of(), Sizing.Status.TRIVIAL, 0, 0, 0, 0, 1, true, "no managed objects");
    }
    // a small share of the time for the heuristic: it is only a hint and a fallback
    int[] greedy = Greedy.solve(p, (long) (seconds * 0.1e9) + 1);
    double left = Math.max(0, seconds - (System.nanoTime() - t0) / 1e9);
    Sizing s = CpSatModel.solve(p, greedy, left, workers);
    if (s == null) {
      return greedyFallback(p, greedy, (System.nanoTime() - t0) / 1_000_000, seconds);
    }
    return s;
  }

  /** The greedy counts, stated as such, for when CP-SAT found no solution in time. */
  static Sizing greedyFallback(SizingProblem p, int[] greedy, long wallMillis, double seconds) {
    List<Integer> counts = new ArrayList<>();
    for (int n : greedy) {
      counts.add(n);
    }
    return new Sizing(
        counts,
        Sizing.Status.GREEDY_FALLBACK,
        p.objective(greedy),
        0,
        1,
        wallMillis,
        0,
        false,
        "CP-SAT found no solution within " + seconds + " s; greedy counts, not proven optimal");
  }

  /** Throws the INFEASIBLE explanation when n_O = 1 for all objects violates a constraint. */
  static void explainInfeasibility(SizingProblem p) {
    List<String> over = new ArrayList<>();
    Row worst = null;
    long worstBy = 0;
    for (Row r : p.stages()) {
      long need = r.liveAtOneBytes() + r.allocatedBytes();
      if (need > p.tau()) {
        over.add(r.id());
        if (need - p.tau() > worstBy) {
          worstBy = need - p.tau();
          worst = r;
        }
      }
    }
    if (worst != null) {
      String others = over.size() > 1 ? " (" + (over.size() - 1) + " more stage(s) overflow: " + String.join(", ", over.subList(0, Math.min(over.size(), 6))) + ")" : "";
      throw new StingygenException(
          Kind.INFEASIBLE,
          "ilp.stage-overflow",
          String.format(
              "infeasible: stage \"%s\" (entry %s) overflows tau = %d bytes by %d bytes even with"
                  + " n_O = 1 for every object: %d bytes live at its start + %d bytes allocated in it%s",
              worst.id(), worst.entry(), p.tau(), worstBy, worst.liveAtOneBytes(), worst.allocatedBytes(), others));
    }
    for (SizingProblem.Var v : p.vars()) {
      if (v.upper() < 1) {
        throw new StingygenException(
            Kind.INFEASIBLE,
            "ilp.object-too-large",
            String.format(
                "infeasible: object %s needs %d bytes per task (%d x %d-byte slots in the map), more than"
                    + " tau = %d bytes or the %d bytes left for regions",
                v.id(), v.bytes(), v.perTask(), v.slotBytes(), p.tau(), p.regionAreaBytes()));
      }
    }
    int[] ones = new int[p.vars().size()];
    java.util.Arrays.fill(ones, 1);
    long regions = p.regionBytes(ones);
    if (regions > p.regionAreaBytes()) {
      throw new StingygenException(
          Kind.INFEASIBLE,
          "ilp.layout-overflow",
          String.format(
              "infeasible: the memory map's %d regions need %d bytes even with n_O = 1, but the cache"
                  + " slab has %d bytes above the stack and globals areas: over by %d bytes",
              p.regions().size(), regions, p.regionAreaBytes(), regions - p.regionAreaBytes()));
    }
    if (p.strict()) {
      long all = p.vars().stream().mapToLong(SizingProblem.Var::bytes).sum();
      if (all > p.tau()) {
        throw new StingygenException(
            Kind.INFEASIBLE,
            "ilp.strict-overflow",
            String.format(
                "infeasible with --strict: one instance of every per-task object needs %d bytes,"
                    + " tau = %d bytes: over by %d bytes",
                all, p.tau(), all - p.tau()));
      }
    }
  }
}
