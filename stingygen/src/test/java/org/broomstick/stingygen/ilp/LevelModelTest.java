package org.broomstick.stingygen.ilp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.cache.CacheGeometry;
import org.broomstick.stingygen.layout.Workload;
import org.broomstick.stingygen.report.Report;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The level form ({@link LevelModel}) against the region form ({@link RegionModel}) on random medium
 * reports (20–80 objects, 6–30 stages, pipeline-shaped as in {@link SizingBench}, 40–136 KiB of
 * region area, some --strict; fixed, printed seeds; each seed draws until the program is feasible):
 * both prove an optimum, with the same objective, and both plans are feasible.
 */
public class LevelModelTest {
  private static final long BASE_SEED = Long.getLong("broomstick.stingygen.seed", 17);
  private static final int CASES = Integer.getInteger("broomstick.stingygen.levelCases", 25);

  static List<Long> seeds() {
    List<Long> s = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      s.add(BASE_SEED * 1000 + 500 + i);
    }
    return s;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void levelFormHasTheRegionFormsOptimum(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    // draws until the program is feasible (the generator knows nothing of the cache size), so that
    // every case compares two optima
    int objects;
    int stages;
    long cache;
    boolean strict;
    SizingProblem p;
    int draws = 0;
    do {
      draws++;
      objects = 20 + rnd.nextInt(61);
      stages = 6 + rnd.nextInt(25);
      // the generator's stack and globals take 24 KiB of the cache
      cache = 1024L * (64 + 16 * rnd.nextInt(7));
      strict = rnd.nextInt(4) == 0;
      Report r = SizingBench.generate(objects, stages, rnd.nextLong());
      p = SizingProblem.of(Workload.of(r, new CacheGeometry(cache, 64, "test"), null, null), r, strict);
    } while (infeasible(p));
    int[] greedy = Greedy.solve(p, 1_000_000_000L);
    Sizing region = CpSatModel.solve(p, greedy, 60, 1, false, false); // CP-SAT on the region form, without the level split
    Sizing levels = CpSatModel.solve(p, greedy, 60, 1, true);
    System.out.printf("seed %d (draw %d): %d objects, %d stages, cache %d%s: region %s %.9g (%s); levels %s %.9g (%s)%n",
        seed, draws, objects, stages, cache, strict ? " strict" : "", region.status(), region.objective(), region.detail(),
        levels.status(), levels.objective(), levels.detail());
    assertThat(levels.detail()).as("seed %d", seed).contains("level form");
    assertThat(region.detail()).as("seed %d", seed).contains("region form");
    assertThat(region.status()).as("seed %d", seed).isEqualTo(Sizing.Status.OPTIMAL);
    assertThat(levels.status()).as("seed %d", seed).isEqualTo(Sizing.Status.OPTIMAL);
    // the same scaled optimum Σ w·⌈K/m⌉; when K is not exact two such plans may differ by < Σ w / K
    long weights = p.stages().stream().filter(Bounds::inObjective).mapToLong(SizingProblem.Row::weight).sum();
    double slack = (region.exact() ? 0 : (double) weights / region.scale()) + 1e-9 * region.objective();
    assertThat(levels.scale()).as("seed %d", seed).isEqualTo(region.scale());
    assertThat(levels.objective()).as("seed %d", seed).isCloseTo(region.objective(), within(slack));
    assertThat(p.feasible(toArray(levels.counts()))).as("seed %d", seed).isTrue();
    assertThat(p.feasible(toArray(region.counts()))).as("seed %d", seed).isTrue();
  }

  private static boolean infeasible(SizingProblem p) {
    try {
      Sizer.explainInfeasibility(p);
      return false;
    } catch (StingygenException e) {
      return true;
    }
  }

  private static int[] toArray(List<Integer> counts) {
    return counts.stream().mapToInt(Integer::intValue).toArray();
  }
}
