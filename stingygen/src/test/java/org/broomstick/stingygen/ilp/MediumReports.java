package org.broomstick.stingygen.ilp;

import java.util.SplittableRandom;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.cache.CacheGeometry;
import org.broomstick.stingygen.layout.Workload;
import org.broomstick.stingygen.report.Report;

/**
 * Random medium programs for the tests that compare two exact methods: 20–80 objects, 6–30
 * stages, pipeline-shaped as in {@link SizingBench}, 40–136 KiB of region area (the generator's
 * stack and globals take 24 KiB of the cache), some --strict; drawn until feasible (the generator
 * knows nothing of the cache size), so that every case compares two optima.
 */
final class MediumReports {
  private MediumReports() {}

  /** A drawn program and what it was drawn with. */
  record Drawn(SizingProblem problem, int objects, int stages, long cache, boolean strict, int draws) {
    String describe() {
      return String.format("%d objects, %d stages, cache %d%s", objects, stages, cache, strict ? " strict" : "");
    }
  }

  static Drawn draw(SplittableRandom rnd) {
    int draws = 0;
    while (true) {
      draws++;
      int objects = 20 + rnd.nextInt(61);
      int stages = 6 + rnd.nextInt(25);
      long cache = 1024L * (64 + 16 * rnd.nextInt(7));
      boolean strict = rnd.nextInt(4) == 0;
      Report r = SizingBench.generate(objects, stages, rnd.nextLong());
      SizingProblem p = SizingProblem.of(Workload.of(r, new CacheGeometry(cache, 64, "test"), null, null), r, strict);
      if (feasible(p)) {
        return new Drawn(p, objects, stages, cache, strict, draws);
      }
    }
  }

  private static boolean feasible(SizingProblem p) {
    try {
      Sizer.explainInfeasibility(p);
      return true;
    } catch (StingygenException e) {
      return false;
    }
  }
}
