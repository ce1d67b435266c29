package org.broomstick.stingygen.ilp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The level split ({@link LevelBound}) against CP-SAT alone, on random medium reports (20–80
 * objects, 6–30 stages, pipeline-shaped as in {@link SizingBench}, 40–136 KiB of region area, some
 * --strict; fixed, printed seeds): its bound never exceeds the optimum CP-SAT proves without it;
 * when its sets nest into feasible counts, those counts reach the optimum; and the solver with the
 * split proves the same optimum. The brute-force check of the default path is {@link
 * RandomReportsTest}.
 */
public class LevelBoundTest {
  private static final long BASE_SEED = Long.getLong("broomstick.stingygen.seed", 17);
  private static final int CASES = Integer.getInteger("broomstick.stingygen.levelBoundCases", 20);

  @Test
  void theSplitsBoundNeverExceedsTheOptimumAndItsNestedSetsReachIt() {
    int proven = 0;
    int bounded = 0;
    for (int c = 0; c < CASES; c++) {
      long seed = BASE_SEED * 1000 + 700 + c;
      MediumReports.Drawn d = MediumReports.draw(new SplittableRandom(seed));
      SizingProblem p = d.problem();
      int[] greedy = Greedy.solve(p, 1_000_000_000L);
      Sizing alone = CpSatModel.solve(p, greedy, 60, 1, false, false);
      assertThat(alone.status()).as("seed %d: CP-SAT alone", seed).isEqualTo(Sizing.Status.OPTIMAL);
      long k = alone.scale();
      long optimum = CpSatModel.scaled(p, toArray(alone), k);

      Bounds bounds = Bounds.of(p);
      Signatures sig = Signatures.of(p, bounds, bounds.project(p, greedy));
      LevelBound.Result lb = LevelBound.of(p, sig, k, System.nanoTime() + 60_000_000_000L);
      String nested = "-";
      if (lb != null) {
        bounded++;
        assertThat(lb.lowerBound()).as("seed %d: the split's bound", seed).isLessThanOrEqualTo(optimum);
        if (lb.m() != null) {
          int[] n = sig.counts(bounds, j -> lb.m()[j]);
          nested = p.feasible(n) ? "feasible" : "infeasible";
          if (p.feasible(n)) {
            assertThat(CpSatModel.scaled(p, n, k)).as("seed %d: the nested sets' counts", seed).isEqualTo(optimum);
            assertThat(lb.lowerBound()).as("seed %d: the bound is then tight", seed).isEqualTo(optimum);
          }
        }
      }

      Sizing with = CpSatModel.solve(p, greedy, 60, 1, false, true);
      System.out.printf("seed %d: %s: optimum %d, split %s (nested: %s); with the split: %s%n",
          seed, d.describe(), optimum, lb == null ? "none" : lb.lowerBound(), nested, with.detail());
      assertThat(with.status()).as("seed %d: with the split", seed).isEqualTo(Sizing.Status.OPTIMAL);
      assertThat(CpSatModel.scaled(p, toArray(with), k)).as("seed %d: with the split", seed).isEqualTo(optimum);
      assertThat(p.feasible(toArray(with))).as("seed %d", seed).isTrue();
      if (with.detail().contains("the level split (LevelBound)")) {
        proven++;
      }
    }
    System.out.printf("level split: a bound on %d of %d reports, proven optimal by it alone on %d%n", bounded, CASES, proven);
    // the split must carry its weight on this family (it proves the pipeline reports of the benchmark)
    assertThat(proven).as("reports the split proved by itself").isPositive();
  }

  private static int[] toArray(Sizing s) {
    return s.counts().stream().mapToInt(Integer::intValue).toArray();
  }
}
