package org.broomstick.stingygen.ilp;

import com.google.ortools.Loader;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearArgument;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenException.Kind;
import org.broomstick.stingygen.ilp.SizingProblem.Group;
import org.broomstick.stingygen.ilp.SizingProblem.Row;
import org.broomstick.stingygen.ilp.SizingProblem.Var;

/**
 * The CP-SAT model of a {@link SizingProblem}. The objective Σ_s w_s / min_{L_s} n_O is linearised
 * with m_s ≤ n_O for O ∈ L_s (equal to the minimum at every optimum, since the objective falls as
 * m_s rises; AddMinEquality with {@code -Dbroomstick.stingygen.minEquality=true}, measured slower)
 * and q_s = ⌈K / m_s⌉ (secant cuts of the convex K/m, see {@link #reciprocal}), minimising Σ w_s
 * q_s. When K is a common multiple of every value m_s can take (K = lcm(1..M), M the largest upper
 * bound of any m_s), K / m_s is an integer, Σ w_s q_s = K · Σ w_s / m_s, and the optimum is exactly
 * the thesis optimum. When lcm(1..M) would overflow the objective's range, K is the largest that
 * fits and the counts are optimal within Σ w_s / K of the thesis objective ({@code exact = false}).
 * Ties are then broken by a second solve that keeps the objective and maximises Σ n_O, so that
 * objects the objective does not see (live in no stage) get the room left, not an arbitrary count.
 * The first solve is on the equivalent {@link RegionModel} (region sizes and stage minima, with the
 * bounds of {@link Bounds}); the model over the counts described here is what the tie-break solve
 * uses, and the first solve too with {@code -Dbroomstick.stingygen.regionForm=false}. With
 * {@code -Dbroomstick.stingygen.form=levels} the first solve is on {@link LevelModel}, the same
 * program in unary literals (measured slower on every generated report, so not the default).
 * Before CP-SAT, the level split ({@link LevelBound}) gets up to half the time: when its bound is
 * reached by a solution of its own, that solution is optimal and CP-SAT's first solve is skipped;
 * otherwise its bound joins CP-SAT's, and CP-SAT's counts that reach it are proven optimal
 * ({@code -Dbroomstick.stingygen.levelBound=false} leaves it out).
 * Measurements behind these choices: {@code bench/stingygen-sizing.md}.
 */
final class CpSatModel {
  private static final long SCALE_LIMIT = Long.getLong("broomstick.stingygen.scaleLimit", 1L << 50);
  // m_s <= n_O for O in L_s instead of AddMinEquality: equal at every optimum (q falls as m rises and
  // w_s > 0), and CP-SAT proves optima several times faster (measured in bench/stingygen-sizing.md)
  static final boolean MIN_EQUALITY = Boolean.getBoolean("broomstick.stingygen.minEquality");
  private static final int SEED = 20061;
  // for measurements (bench/stingygen-sizing.md), read at each solve so that one run can compare:
  // -Dbroomstick.stingygen.bounds=false leaves out the bounds and caps of Bounds (and with them the
  // region form); -Dbroomstick.stingygen.regionForm=false always solves the full model;
  // -Dbroomstick.stingygen.form=levels solves the region form in unary literals (LevelModel)
  private static boolean off(String name) {
    return "false".equals(System.getProperty("broomstick.stingygen." + name));
  }
  private static boolean loaded;
  private static final long ALL_SECANTS = 32;
  // the share of the time limit the level split may take before CP-SAT gets the rest
  private static final double LEVEL_BOUND_SHARE = 0.5;
  private static final long OVERFLOW_GUARD = 1L << 61;

  private CpSatModel() {}

  static synchronized void loadNatives() {
    if (!loaded) {
      try {
        Loader.loadNativeLibraries();
      } catch (RuntimeException | LinkageError e) {
        throw new StingygenException(
            Kind.PLAN, "ilp.native", "cannot load OR-Tools' native library: " + e);
      }
      loaded = true;
    }
  }

  /** The full model of the program: counts, its objective expression and the variables. */
  private record Full(CpModel model, IntVar[] n, LinearExpr primary) {}

  /** The solution, or null when CP-SAT found none in time. */
  static Sizing solve(SizingProblem p, int[] hint, double seconds, int workers) {
    return solve(p, hint, seconds, workers, "levels".equals(System.getProperty("broomstick.stingygen.form")));
  }

  /** {@code levels}: the first solve on {@link LevelModel} when it is small enough, else on {@link RegionModel}. */
  static Sizing solve(SizingProblem p, int[] hint, double seconds, int workers, boolean levels) {
    return solve(p, hint, seconds, workers, levels, !off("levelBound"));
  }

  /** {@code levelBound}: try {@link LevelBound} before CP-SAT (region form only). */
  static Sizing solve(SizingProblem p, int[] hint, double seconds, int workers, boolean levels, boolean levelBound) {
    loadNatives();
    long t0 = System.nanoTime();
    boolean useBounds = !off("bounds");
    Bounds bounds = Bounds.of(p);
    if (useBounds) {
      hint = bounds.project(p, hint);
    }
    long maxM = 1;
    long weights = 0;
    long[] hiMs = new long[p.stages().size()];
    for (int s = 0; s < hiMs.length; s++) {
      Row r = p.stages().get(s);
      if (Bounds.inObjective(r)) {
        hiMs[s] = useBounds ? bounds.maxM[s] : minUpper(p, r);
        maxM = Math.max(maxM, hiMs[s]);
        weights += r.weight();
      }
    }
    // K bounds the objective's coefficients (Σ w_s·K) and the product q·m ≤ K·max m, which must stay
    // inside CP-SAT's int64 overflow checks; secants whose coefficients would not are left out
    // (a 1 MiB cache and 64-byte objects give m up to 16 000)
    long limit = Math.min(SCALE_LIMIT / Math.max(1, weights), OVERFLOW_GUARD / (maxM + 1));
    limit = Math.max(maxM, limit);
    long lcm = lcmUpTo(maxM, limit);
    boolean exact = lcm > 0;
    long k = exact ? lcm : limit;

    boolean regionForm = useBounds && !off("regionForm");
    CpModel model;
    RegionModel rm = null;
    LevelModel lm = null;
    Full full = null;
    String form;
    LevelBound.Result split = null;
    int[] splitCounts = null;
    long splitMillis = 0;
    if (regionForm) {
      Signatures sig = Signatures.of(p, bounds, hint);
      if (!levels && levelBound) {
        // the level split first: on the hard generated reports it proves what CP-SAT's LP cannot
        long s0 = System.nanoTime();
        LevelBound.Result lb = LevelBound.of(p, sig, k, s0 + (long) (seconds * LEVEL_BOUND_SHARE * 1e9));
        splitMillis = (System.nanoTime() - s0) / 1_000_000;
        if (lb != null) {
          split = lb;
          if (lb.m() != null) {
            int[] n = sig.counts(bounds, j -> lb.m()[j]);
            if (p.feasible(n) && scaled(p, n, k) == lb.lowerBound()) {
              splitCounts = n;
            }
          }
        }
      }
      if (levels && LevelModel.size(p, sig, bounds) <= LevelModel.MAX_SIZE) {
        lm = new LevelModel(p, bounds, sig, k, hint);
        model = lm.model;
        form = "level form, " + lm.literals + " literals, " + lm.activeConstraints + " stage constraint(s) not implied";
      } else {
        rm = new RegionModel(p, bounds, sig, k);
        model = rm.model;
        form = "region form, " + rm.activeConstraints + " stage constraint(s) not implied";
      }
    } else {
      form = "full model";
      full = full(p, hint, useBounds ? bounds.capN : null, hiMs, k);
      model = full.model();
    }
    CpSolver solver = null;
    CpSolverStatus st;
    int[] best;
    double objectiveValue;
    double objectiveBound;
    String how;
    if (splitCounts != null) {
      st = CpSolverStatus.OPTIMAL;
      best = splitCounts;
      objectiveValue = split.lowerBound();
      objectiveBound = split.lowerBound();
      how = String.format("the level split (LevelBound) in %d ms, %d knapsacks, %d splits: OPTIMAL, CP-SAT not needed for the first solve", splitMillis, split.evaluations(), split.splits());
    } else {
      solver = solver(Math.max(0.001, seconds - (System.nanoTime() - t0) / 1e9), workers, regionForm);
      st = solver.solve(model);
      best = null;
      objectiveValue = 0;
      objectiveBound = 0;
      how = null;
    }
    if (st == CpSolverStatus.INFEASIBLE) {
      // cannot happen after Sizer.explainInfeasibility (n_O = 1 is feasible); say so if it does
      throw new StingygenException(
          Kind.INFEASIBLE, "ilp.infeasible", "CP-SAT proved the program infeasible although n_O = 1 satisfies every constraint; please report this");
    }
    if (st == CpSolverStatus.MODEL_INVALID) {
      throw new StingygenException(Kind.PLAN, "ilp.model-invalid", "CP-SAT rejected the model: " + model.validate());
    }
    if (st != CpSolverStatus.OPTIMAL && st != CpSolverStatus.FEASIBLE) {
      return null;
    }
    boolean keptHint = false;
    if (solver != null) {
      best = lm != null ? lm.counts(solver::booleanValue) : rm != null ? rm.counts(solver::value) : values(solver, full.n());
      if (st != CpSolverStatus.OPTIMAL && p.objective(hint) < p.objective(best)) {
        // a partial hint does not bind the search: never return worse counts than the greedy's
        best = hint;
        keptHint = true;
      }
      objectiveValue = solver.objectiveValue();
      objectiveBound = solver.bestObjectiveBound();
      how = String.format(
          "CP-SAT %s in %d ms (deterministic time %.2f, %s), %d worker(s), seed %d",
          st, (System.nanoTime() - t0) / 1_000_000, solver.response().getDeterministicTime(), form, Math.max(1, workers), SEED);
      if (split != null) {
        how += String.format("; level split bound %d in %d ms (%d knapsacks, %d splits)", split.lowerBound(), splitMillis, split.evaluations(), split.splits());
        if (split.lowerBound() > objectiveBound) {
          objectiveBound = split.lowerBound();
        }
        long value = scaled(p, best, k);
        if (st != CpSolverStatus.OPTIMAL && value == objectiveBound) {
          // CP-SAT's counts reach the level split's bound: proven optimal
          st = CpSolverStatus.OPTIMAL;
          how += ", which CP-SAT's counts reach: OPTIMAL";
        }
        objectiveValue = value;
      }
    }
    // Σ w_s ⌈K/m_s⌉ exceeds K·Σ w_s/m_s by less than Σ w_s, so the solver's bound, less Σ w_s and
    // scaled back, bounds the thesis objective from below (exactly when K divides every m_s)
    double bound = Math.max(0, objectiveBound - (exact ? 0 : weights)) / k;
    String detail = String.format("%s, K = %d, scaled objective %.0f, bound %.0f", how, k, objectiveValue, objectiveBound)
        + (keptHint ? "; CP-SAT's best was worse than the greedy hint, which is kept" : "");

    double left = seconds - (System.nanoTime() - t0) / 1e9;
    if (st == CpSolverStatus.OPTIMAL && left > 0.05) {
      // ties: the full model without the caps, the objective kept, Σ n_O maximised
      long value = Math.round(objectiveValue);
      Full second = full(p, best, null, hiMs, k);
      second.model().addLessOrEqual(second.primary(), value);
      LinearExprBuilder total = LinearExpr.newBuilder();
      for (IntVar v : second.n()) {
        total.add(v);
      }
      second.model().maximize(total);
      CpSolver s2 = solver(Math.min(left, Math.max(1.0, seconds / 4)), workers, false);
      CpSolverStatus st2 = s2.solve(second.model());
      if (st2 == CpSolverStatus.OPTIMAL || st2 == CpSolverStatus.FEASIBLE) {
        best = values(s2, second.n());
        detail += "; ties broken by max sum n_O (" + st2 + ")";
      }
    }
    double obj = p.objective(best);
    if (st == CpSolverStatus.OPTIMAL && exact) {
      bound = obj;
    }
    double gap = obj <= 0 ? 0 : Math.max(0, (obj - bound) / obj);
    List<Integer> counts = new ArrayList<>();
    for (int v : best) {
      counts.add(v);
    }
    return new Sizing(
        counts,
        st == CpSolverStatus.OPTIMAL ? Sizing.Status.OPTIMAL : Sizing.Status.FEASIBLE,
        obj,
        bound,
        gap,
        (System.nanoTime() - t0) / 1_000_000,
        k,
        exact,
        detail);
  }

  /** Σ_s w_s ⌈K / min_{L_s} n_O⌉ over the stages in the objective: what the models minimise. */
  static long scaled(SizingProblem p, int[] n, long k) {
    long sum = 0;
    for (Row r : p.stages()) {
      if (!Bounds.inObjective(r)) {
        continue;
      }
      long m = Long.MAX_VALUE;
      for (int i : r.live()) {
        m = Math.min(m, n[i]);
      }
      sum += r.weight() * ((k + m - 1) / m);
    }
    return sum;
  }

  private static CpSolver solver(double seconds, int workers, boolean regionForm) {
    CpSolver solver = new CpSolver();
    solver.getParameters()
        .setMaxTimeInSeconds(Math.max(0.001, seconds))
        .setNumWorkers(Math.max(1, workers))
        // with one worker the search is sequential and, with the fixed seed, reproducible; more
        // workers run CP-SAT's parallel portfolio, whose result may differ from run to run
        .setRandomSeed(SEED);
    if (regionForm) {
      // the region form's LP is small; cuts on it close the gap (bench/stingygen-sizing.md); the
      // level form's bound too is best at level 2 (level 1: 30% below the optimum after 10 s)
      solver.getParameters().setLinearizationLevel(2);
    }
    String extra = System.getProperty("broomstick.stingygen.satParameters");
    if (extra != null) {
      // for experiments (bench/stingygen-sizing.md): CP-SAT parameters in protobuf text format
      try {
        com.google.protobuf.TextFormat.merge(extra, solver.getParameters());
      } catch (com.google.protobuf.TextFormat.ParseException e) {
        throw new StingygenException(Kind.USAGE, "solver.parameters", "broomstick.stingygen.satParameters: " + e.getMessage());
      }
    }
    if (Boolean.getBoolean("broomstick.stingygen.solverLog")) {
      solver.getParameters().setLogSearchProgress(true);
      solver.setLogCallback(System.err::println);
    }
    return solver;
  }

  /**
   * The model over the counts (SPEC §6 as written, plus the layout). {@code caps}: upper bounds on
   * n_O that some optimum satisfies (first solve), or null for the objects' own bounds. {@code hint}
   * must be feasible and within the caps; every auxiliary variable is hinted from it.
   */
  private static Full full(SizingProblem p, int[] hint, long[] caps, long[] hiMs, long k) {
    CpModel model = new CpModel();
    List<Var> vars = p.vars();
    IntVar[] n = new IntVar[vars.size()];
    for (int i = 0; i < n.length; i++) {
      n[i] = model.newIntVar(1, caps != null ? caps[i] : vars.get(i).upper(), "n_" + i);
      model.addHint(n[i], hint[i]);
    }
    for (Row r : p.stages()) {
      if (r.live().length == 0) {
        continue;
      }
      LinearExprBuilder sum = LinearExpr.newBuilder();
      for (int i : r.live()) {
        sum.addTerm(n[i], vars.get(i).bytes());
      }
      model.addLessOrEqual(sum, p.tau() - r.allocatedBytes());
    }
    for (int[] c : p.order()) {
      model.addGreaterOrEqual(n[c[0]], n[c[1]]);
    }
    LinearExprBuilder layout = LinearExpr.newBuilder();
    for (Group g : p.regions()) {
      if (g.members().length == 1) {
        int i = g.members()[0];
        layout.addTerm(n[i], g.slotBytes() * vars.get(i).perTask());
        continue;
      }
      long hi = 0;
      for (int i : g.members()) {
        hi = Math.max(hi, vars.get(i).upper() * vars.get(i).perTask());
      }
      IntVar slots = model.newIntVar(1, hi, "slots");
      long hinted = 0;
      for (int i : g.members()) {
        hinted = Math.max(hinted, (long) hint[i] * vars.get(i).perTask());
      }
      // a complete hint: CP-SAT completes a partial one by search, which took all the time on
      // 5000 objects x 1000 stages
      model.addHint(slots, hinted);
      for (int i : g.members()) {
        model.addGreaterOrEqual(slots, LinearExpr.term(n[i], vars.get(i).perTask()));
      }
      layout.addTerm(slots, g.slotBytes());
    }
    model.addLessOrEqual(layout, p.regionAreaBytes());
    if (p.strict()) {
      LinearExprBuilder all = LinearExpr.newBuilder();
      for (int i = 0; i < n.length; i++) {
        all.addTerm(n[i], vars.get(i).bytes());
      }
      model.addLessOrEqual(all, p.tau());
    }

    LinearExprBuilder objective = LinearExpr.newBuilder();
    for (int s = 0; s < hiMs.length; s++) {
      Row r = p.stages().get(s);
      if (!Bounds.inObjective(r)) {
        continue;
      }
      long hiM = hiMs[s];
      long mHint = Long.MAX_VALUE;
      for (int i : r.live()) {
        mHint = Math.min(mHint, hint[i]);
      }
      LinearArgument m;
      if (r.live().length == 1) {
        m = n[r.live()[0]];
      } else {
        IntVar mv = model.newIntVar(1, hiM, "m_" + r.id());
        model.addHint(mv, mHint);
        List<LinearArgument> live = new ArrayList<>();
        for (int i : r.live()) {
          live.add(n[i]);
        }
        if (MIN_EQUALITY) {
          model.addMinEquality(mv, live);
        } else {
          for (LinearArgument x : live) {
            model.addLessOrEqual(mv, x);
          }
        }
        m = mv;
      }
      IntVar q = model.newIntVar((k + hiM - 1) / hiM, k, "q_" + r.id());
      model.addHint(q, (k + mHint - 1) / mHint);
      reciprocal(model, q, m, k, hiM, mHint);
      objective.addTerm(q, r.weight());
    }
    LinearExpr primary = objective.build();
    model.minimize(primary);
    return new Full(model, n, primary);
  }

  /**
   * q ≥ ⌈K / m⌉ for m ∈ [1, hiM], with q minimised: the secant of the convex K/m through (v, K/v)
   * and (v + 1, K/(v + 1)) is v(v+1)·q + K·m ≥ K(2v+1); it is valid at every integer m, and tight
   * at m = v and v + 1. With every v the secants alone make q = ⌈K/m⌉ at integers; above
   * {@link #ALL_SECANTS} values only a geometric selection is kept (they give the LP its bound) and
   * q·m ≥ K (a multiplication equality) makes the rest exact. p = q·m has the domain [K, K + hiM]:
   * the product at q = ⌈K/m⌉ is below K + m. {@code mHint}: the hinted m, or 0 for no hint on p.
   */
  static void reciprocal(CpModel model, IntVar q, LinearArgument m, long k, long hiM, long mHint) {
    if (hiM == 1) {
      model.addGreaterOrEqual(q, k);
      return;
    }
    long v = 1;
    boolean everySecant = hiM <= ALL_SECANTS;
    while (v < hiM) {
      if (v * (v + 1) + hiM > OVERFLOW_GUARD / k) {
        everySecant = false; // past the overflow guard only q·m >= K remains (exact, a weaker LP)
        break;
      }
      model.addGreaterOrEqual(
          LinearExpr.newBuilder().addTerm(q, v * (v + 1)).addTerm(m, k).build(), k * (2 * v + 1));
      v = v < ALL_SECANTS ? v + 1 : Math.max(v + 1, (long) (v * 1.2));
    }
    if (!everySecant) {
      // at q = ⌈K/m⌉, q·m < K + m
      IntVar p = model.newIntVar(k, k + hiM, "p");
      model.addMultiplicationEquality(p, q, m);
      if (mHint > 0) {
        model.addHint(p, (k + mHint - 1) / mHint * mHint);
      }
    }
  }

  private static int[] values(CpSolver s, IntVar[] n) {
    int[] v = new int[n.length];
    for (int i = 0; i < n.length; i++) {
      v[i] = (int) s.value(n[i]);
    }
    return v;
  }

  private static long minUpper(SizingProblem p, Row r) {
    long m = Long.MAX_VALUE;
    for (int i : r.live()) {
      m = Math.min(m, p.vars().get(i).upper());
    }
    return m;
  }

  /** lcm(1..m), or 0 when it exceeds {@code limit}. */
  static long lcmUpTo(long m, long limit) {
    BigInteger l = BigInteger.ONE;
    BigInteger cap = BigInteger.valueOf(limit);
    for (long i = 2; i <= m; i++) {
      BigInteger b = BigInteger.valueOf(i);
      l = l.divide(l.gcd(b)).multiply(b);
      if (l.compareTo(cap) > 0) {
        return 0;
      }
    }
    return l.longValue();
  }
}
