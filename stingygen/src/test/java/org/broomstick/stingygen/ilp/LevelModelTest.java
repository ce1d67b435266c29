package org.broomstick.stingygen.ilp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
    MediumReports.Drawn d = MediumReports.draw(new SplittableRandom(seed));
    SizingProblem p = d.problem();
    int[] greedy = Greedy.solve(p, 1_000_000_000L);
    Sizing region = CpSatModel.solve(p, greedy, 60, 1, false, false); // CP-SAT on the region form, without the level split
    Sizing levels = CpSatModel.solve(p, greedy, 60, 1, true);
    System.out.printf("seed %d (draw %d): %s: region %s %.9g (%s); levels %s %.9g (%s)%n",
        seed, d.draws(), d.describe(), region.status(), region.objective(), region.detail(),
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

  private static int[] toArray(List<Integer> counts) {
    return counts.stream().mapToInt(Integer::intValue).toArray();
  }
}
