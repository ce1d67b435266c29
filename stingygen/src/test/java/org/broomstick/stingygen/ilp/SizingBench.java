package org.broomstick.stingygen.ilp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.broomstick.stingygen.Fixture;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenOptions;
import org.broomstick.stingygen.cache.CacheGeometry;
import org.broomstick.stingygen.layout.Workload;
import org.broomstick.stingygen.report.Report;

/**
 * Benchmark (a script, not a test: bench/stingygen-sizing.sh; issue 5 benchmark (a)): stingygen on generated reports of N
 * objects × S stages with a 1 MiB cache. Each object is allocated in one stage and live over a run of
 * the following stages (a pipeline, as in a server); colours from a greedy colouring of co-liveness;
 * order constraints along allocation order within a run. Prints the solver status and seconds, and
 * the greedy heuristic's objective beside CP-SAT's as the baseline.
 */
public final class SizingBench {
  private SizingBench() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int[][] sizes = {{100, 20}, {1000, 200}, {5000, 1000}};
    if (args.length > 1) {
      sizes = new int[][] {{Integer.parseInt(args[1]), Integer.parseInt(args[2])}};
    }
    // -Dseed=N: another report of the same shape; -Dseeds=A..B: every seed from A to B, one line each,
    // then a summary (how many OPTIMAL, and the slowest solve)
    long[] seeds = seeds(System.getProperty("seeds"), Long.getLong("seed", 42));
    // -Dcompare=true: each size also with the model before the region form and the bounds
    // (-Dbroomstick.stingygen.bounds=false), in the same run
    // -Dcompare=split: each size with the level split (the default) and CP-SAT alone
    // -Dcompare=form: each size with the region form (the default) and the level form
    // (-Dbroomstick.stingygen.form=levels), in the same run
    String compare = System.getProperty("compare", "false");
    String[] models = switch (compare) {
      case "true" -> new String[] {"before", "after"};
      case "form" -> new String[] {"region", "levels"};
      case "split" -> new String[] {"split", "cp-sat"};
      default -> new String[] {""};
    };
    for (int[] ns : sizes) {
      for (String model : models) {
        // without -Dcompare the properties given on the command line are left as they are
        if (model.equals("before")) {
          System.setProperty("broomstick.stingygen.bounds", "false");
        } else if (model.equals("after")) {
          System.clearProperty("broomstick.stingygen.bounds");
        }
        if (model.equals("cp-sat")) {
          System.setProperty("broomstick.stingygen.levelBound", "false");
        } else if (model.equals("split")) {
          System.clearProperty("broomstick.stingygen.levelBound");
        }
        if (model.equals("levels")) {
          System.setProperty("broomstick.stingygen.form", "levels");
        } else if (model.equals("region")) {
          System.clearProperty("broomstick.stingygen.form");
        }
        int optimal = 0;
        double slowest = 0;
        for (long seed : seeds) {
          Plan p = run(ns, seed, seconds, model);
          if (p.sizing().status() == Sizing.Status.OPTIMAL) {
            optimal++;
            slowest = Math.max(slowest, p.sizing().wallMillis() / 1000.0);
          }
        }
        if (seeds.length > 1) {
          System.out.printf(
              "%s%5d objects x %4d stages: OPTIMAL on %d of %d seeds (slowest OPTIMAL solve %.2f s)%n",
              model.isEmpty() ? "" : model + ": ", ns[0], ns[1], optimal, seeds.length, slowest);
        }
      }
    }
  }

  private static long[] seeds(String range, long single) {
    if (range == null) {
      return new long[] {single};
    }
    String[] ab = range.split("\\.\\.");
    long a = Long.parseLong(ab[0].trim());
    long b = ab.length > 1 ? Long.parseLong(ab[1].trim()) : a;
    return java.util.stream.LongStream.rangeClosed(a, b).toArray();
  }

  private static Plan run(int[] ns, long seed, double seconds, String model) {
    {
      Report r = generate(ns[0], ns[1], seed);
      StingygenOptions o = Fixture.cache(1 << 20).withSolver(seconds, Integer.getInteger("workers", 1));
      // baseline: the greedy heuristic alone, on the same program
      SizingProblem sp = SizingProblem.of(Workload.of(r, new CacheGeometry(1 << 20, 64, "bench"), null, null), r, false);
      long g0 = System.nanoTime();
      double greedy = sp.objective(Greedy.solve(sp, (long) (seconds * 1e9)));
      double gs = (System.nanoTime() - g0) / 1e9;
      long t0 = System.nanoTime();
      Plan p = Stingygen.plan(r, o);
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "%s%5d objects x %4d stages (seed %d): %-8s objective %.6g, bound %.6g, gap %.3f%%, stingygen %.2f s (solver %.2f s)"
              + " | greedy baseline %.6g in %.2f s | %s%n",
          model.isEmpty() ? "" : model + ": ", ns[0], ns[1], seed, p.sizing().status(), p.sizing().objective(), p.sizing().bound(), 100 * p.sizing().gap(), s,
          p.sizing().wallMillis() / 1000.0, greedy, gs, p.sizing().detail());
      return p;
    }
  }

  /** A pipeline-shaped report, seeded. */
  public static Report generate(int objects, int stages, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Set<String>> live = new ArrayList<>();
    List<Set<String>> alloc = new ArrayList<>();
    for (int s = 0; s < stages; s++) {
      live.add(new LinkedHashSet<>());
      alloc.add(new LinkedHashSet<>());
    }
    Fixture f = Fixture.report().stack(16_384L).global("g", 8192, true);
    Map<String, Integer> colour = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      String id = "o" + i;
      ids.add(id);
      int at = rnd.nextInt(stages);
      alloc.get(at).add(id);
      int span = rnd.nextInt(Math.min(8, stages - at));
      for (int s = at + 1; s <= at + span; s++) {
        live.get(s).add(id);
      }
    }
    // colour by co-liveness (live at the start of one stage together, or allocated with)
    Map<String, Set<String>> conflicts = new HashMap<>();
    for (int s = 0; s < stages; s++) {
      Set<String> together = new LinkedHashSet<>(live.get(s));
      together.addAll(alloc.get(s));
      for (String a : together) {
        conflicts.computeIfAbsent(a, k -> new HashSet<>()).addAll(together);
      }
    }
    for (String id : ids) {
      Set<Integer> taken = new HashSet<>();
      for (String other : conflicts.getOrDefault(id, Set.of())) {
        if (!other.equals(id) && colour.containsKey(other)) {
          taken.add(colour.get(other));
        }
      }
      int c = 0;
      while (taken.contains(c)) {
        c++;
      }
      colour.put(id, c);
    }
    for (String id : ids) {
      f.object(id, 32 + rnd.nextInt(2048), colour.get(id));
    }
    for (int s = 0; s < stages; s++) {
      f.stage("s" + s, 100 + rnd.nextInt(10_000), List.copyOf(live.get(s)), List.copyOf(alloc.get(s)));
    }
    // allocation order inside a stage: the earlier allocation outlives the later one's holders
    for (int s = 0; s < stages; s++) {
      List<String> a = new ArrayList<>(alloc.get(s));
      for (int i = 1; i < a.size() && i < 3; i++) {
        f.order(a.get(i - 1), a.get(i));
      }
    }
    return f.build();
  }
}
