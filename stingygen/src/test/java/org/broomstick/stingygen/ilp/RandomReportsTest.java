package org.broomstick.stingygen.ilp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.TreeMap;
import org.broomstick.stingygen.Fixture;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenOptions;
import org.broomstick.stingygen.report.Report;
import org.broomstick.stingygen.report.Report.ObjectClass;
import org.broomstick.stingygen.report.Report.OrderConstraint;
import org.broomstick.stingygen.report.Report.ReportObject;
import org.broomstick.stingygen.report.Report.Stage;
import org.broomstick.stingygen.verify.PlanVerifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random small reports (≤ 5 objects, ≤ 8 stages; fixed, printed seeds, as STYLE §11 asks): the
 * solver's objective equals a brute-force optimum computed here from the report alone, every plan
 * passes the verifier, and a report with no feasible counts is reported infeasible.
 */
public class RandomReportsTest {
  private static final long BASE_SEED = Long.getLong("broomstick.stingygen.seed", 17);
  private static final int CASES = Integer.getInteger("broomstick.stingygen.cases", 60);

  static List<Long> seeds() {
    List<Long> s = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      s.add(BASE_SEED * 1000 + i);
    }
    return s;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void solverMatchesBruteForceAndPassesTheVerifier(long seed) {
    // SplittableRandom: java.util.Random's first draws of adjacent seeds are nearly equal
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean strict = rnd.nextInt(4) == 0;
    long cache = 4096L * (1 + rnd.nextInt(3));
    Report r = randomReport(rnd);
    StingygenOptions o = Fixture.cache(cache).withStrict(strict);
    double best = bruteForce(r, cache, 64, strict);
    System.out.printf("seed %d: %d objects, %d stages, cache %d%s, brute force %s%n", seed,
        r.objects().size(), r.stages().size(), cache, strict ? " strict" : "",
        Double.isNaN(best) ? "infeasible" : String.format("%.6f", best));
    if (Double.isNaN(best)) {
      assertThatThrownBy(() -> Stingygen.plan(r, o))
          .as("seed %d", seed)
          .isInstanceOfSatisfying(StingygenException.class,
              e -> assertThat(e.kind()).isEqualTo(StingygenException.Kind.INFEASIBLE));
      return;
    }
    Plan p = Stingygen.plan(r, o);
    System.out.printf("seed %d: %s%n", seed, p.sizing().detail());
    // the fallback heuristic is feasible on its own too
    SizingProblem sp = SizingProblem.of(p.workload(), r, strict);
    assertThat(sp.feasible(Greedy.solve(sp, 1_000_000_000L))).as("greedy, seed %d", seed).isTrue();
    if (sp.vars().isEmpty()) {
      // no managed objects (seeds past the default 60 draw some): nothing to size
      assertThat(p.sizing().status()).as("seed %d", seed).isEqualTo(Sizing.Status.TRIVIAL);
      assertThat(best).as("seed %d", seed).isZero();
      return;
    }
    assertThat(p.sizing().status()).as("seed %d", seed).isEqualTo(Sizing.Status.OPTIMAL);
    assertThat(p.sizing().objective()).as("seed %d", seed).isCloseTo(best, within(1e-9));
    assertThat(p.sizing().objective() - p.sizing().bound()).as("seed %d: an OPTIMAL bound is tight", seed)
        .isLessThanOrEqualTo(r.stages().stream().mapToLong(Report.Stage::codeBytes).sum() / (double) p.sizing().scale() + 1e-12);
    assertThat(PlanVerifier.verify(r, p.map(), p.workload().tauBytes(), strict).violations())
        .as("seed %d", seed).isEmpty();
  }

  static Report randomReport(SplittableRandom rnd) {
    int nObjects = 1 + rnd.nextInt(5);
    int nStages = 1 + rnd.nextInt(8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < nObjects; i++) {
      ids.add("o" + i);
    }
    List<Set<String>> live = new ArrayList<>();
    List<Set<String>> alloc = new ArrayList<>();
    for (int s = 0; s < nStages; s++) {
      Set<String> l = new LinkedHashSet<>();
      Set<String> a = new LinkedHashSet<>();
      for (String id : ids) {
        int k = rnd.nextInt(4);
        if (k == 0) {
          l.add(id);
        } else if (k == 1) {
          a.add(id);
        }
      }
      live.add(l);
      alloc.add(a);
    }
    // colours: a greedy colouring of "live at the start of one stage together", or none
    Map<String, Integer> colour = new HashMap<>();
    boolean coloured = rnd.nextBoolean();
    for (String id : ids) {
      if (!coloured || rnd.nextInt(5) == 0) {
        continue;
      }
      Set<Integer> taken = new java.util.HashSet<>();
      for (Set<String> l : live) {
        if (l.contains(id)) {
          for (String other : l) {
            if (colour.containsKey(other)) {
              taken.add(colour.get(other));
            }
          }
        }
      }
      int c = 0;
      while (taken.contains(c)) {
        c++;
      }
      colour.put(id, c);
    }
    Fixture f = Fixture.report().stack((long) (rnd.nextInt(3) * 1000));
    for (String id : ids) {
      long size = 200 + rnd.nextInt(1400);
      int kind = rnd.nextInt(6);
      if (kind == 0) {
        f.object(id, null, size, null, colour.get(id), ObjectClass.PER_TASK); // sized by a hint
      } else if (kind == 1) {
        f.object(id, size, null, 2, colour.get(id), ObjectClass.PER_TASK); // two per task
      } else if (kind == 2 && rnd.nextBoolean()) {
        f.object(id, null, null, null, null, ObjectClass.PER_TASK); // unknown size: not managed
      } else {
        f.object(id, size, colour.get(id));
      }
    }
    for (int s = 0; s < nStages; s++) {
      f.stage("s" + s, rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(5000), List.copyOf(live.get(s)), List.copyOf(alloc.get(s)));
    }
    int nOrder = rnd.nextInt(3);
    for (int i = 0; i < nOrder && nObjects > 1; i++) {
      int g = rnd.nextInt(nObjects);
      int l = rnd.nextInt(nObjects);
      if (g != l) {
        f.order(ids.get(g), ids.get(l));
      }
    }
    if (rnd.nextInt(4) == 0) {
      f.global("g", 100 + rnd.nextInt(500), true);
    }
    return f.build();
  }

  /**
   * The optimum of the thesis objective by enumeration, from the report alone (no code of the
   * model builder): NaN when no counts are feasible.
   */
  public static double bruteForce(Report r, long cache, long line, boolean strict) {
    List<ReportObject> managed = new ArrayList<>();
    for (ReportObject o : r.objects()) {
      if (o.objectClass() == ObjectClass.PER_TASK && (o.sizeBytes() != null || o.sizeHint() != null)) {
        managed.add(o);
      }
    }
    long stack = r.stack().totalBytes();
    long globals = r.globals().stream().filter(g -> g.globalClass() == ObjectClass.GLOBAL_FINAL).mapToLong(Report.Global::sizeBytes).sum();
    long tau = cache - stack - globals;
    long area = cache - up(stack, line) - up(globals, line);
    int n = managed.size();
    long[] bytes = new long[n];
    long[] slot = new long[n];
    int[] per = new int[n];
    Map<String, Integer> idx = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ReportObject o = managed.get(i);
      long size = o.sizeBytes() != null ? o.sizeBytes() : o.sizeHint();
      per[i] = o.countHint() == null ? 1 : o.countHint();
      bytes[i] = size * per[i];
      slot[i] = up(size, line);
      idx.put(o.id(), i);
    }
    Map<Object, List<Integer>> groups = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    for (int i = 0; i < n; i++) {
      Object key = managed.get(i).color() == null ? "u" + i : "c" + managed.get(i).color();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    int[] cur = new int[n];
    double[] best = {Double.NaN};
    enumerate(0, cur, r, idx, bytes, slot, per, groups.values(), tau, area, strict, best);
    return best[0];
  }

  private static void enumerate(int i, int[] cur, Report r, Map<String, Integer> idx, long[] bytes, long[] slot, int[] per,
      java.util.Collection<List<Integer>> groups, long tau, long area, boolean strict, double[] best) {
    if (i == cur.length) {
      for (Stage s : r.stages()) {
        long sum = 0;
        for (String id : new LinkedHashSet<>(s.liveIn())) {
          if (idx.containsKey(id)) {
            sum += bytes[idx.get(id)] * cur[idx.get(id)];
          }
        }
        for (String id : new LinkedHashSet<>(s.allocates())) {
          if (idx.containsKey(id)) {
            sum += bytes[idx.get(id)];
          }
        }
        if (sum > tau) {
          return;
        }
      }
      for (OrderConstraint c : r.orderConstraints()) {
        Integer g = idx.get(c.greater());
        Integer l = idx.get(c.lesser());
        if (g != null && l != null && cur[g] < cur[l]) {
          return;
        }
      }
      long layout = 0;
      for (List<Integer> g : groups) {
        long sl = 0;
        long slots = 0;
        for (int m : g) {
          sl = Math.max(sl, slot[m]);
          slots = Math.max(slots, (long) cur[m] * per[m]);
        }
        layout += sl * slots;
      }
      if (layout > area) {
        return;
      }
      if (strict) {
        long all = 0;
        for (int m = 0; m < cur.length; m++) {
          all += bytes[m] * cur[m];
        }
        if (all > tau) {
          return;
        }
      }
      double f = 0;
      for (Stage s : r.stages()) {
        int min = Integer.MAX_VALUE;
        for (String id : s.liveIn()) {
          if (idx.containsKey(id)) {
            min = Math.min(min, cur[idx.get(id)]);
          }
        }
        if (min != Integer.MAX_VALUE) {
          f += (double) s.codeBytes() / min;
        }
      }
      if (Double.isNaN(best[0]) || f < best[0]) {
        best[0] = f;
      }
      return;
    }
    for (int v = 1; bytes[i] * v <= Math.max(tau, 0); v++) {
      cur[i] = v;
      enumerate(i + 1, cur, r, idx, bytes, slot, per, groups, tau, area, strict, best);
    }
  }

  private static long up(long n, long line) {
    return (n + line - 1) / line * line;
  }
}
