package org.broomstick.stingygen.ilp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.broomstick.stingygen.Fixture;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.report.Report;
import org.junit.jupiter.api.Test;

/** Tiny integer programs solved by hand (SPEC §6, thesis §5.2.2–5.2.3); the hand solution is in each comment. */
class SizingTest {

  /*
   * cache 4096, stack 1024, no globals: τ = 3072; region area 4096 − 1024 = 3072.
   * A 256 B, B 512 B, own regions (slots = sizes).
   *   s0 (w 100) allocates A;  s1 (w 1000) L = {A}, allocates B;  s2 (w 10) L = {A, B}.
   * s1: 256 nA + 512 ≤ 3072 → nA ≤ 10;  s2 and the layout: 256 nA + 512 nB ≤ 3072.
   * f = 1000/nA + 10/min(nA, nB):  (10, 1) → 100 + 10 = 110;  (9, 1) → 121.1;  (8, 2) → 125 + 5 = 130;
   * smaller nA only costs more. Optimum nA = 10, nB = 1, f = 110.
   */
  private static Fixture twoObjects() {
    return Fixture.report()
        .object("A", 256, null)
        .object("B", 512, null)
        .stage("s0", 100, List.of(), List.of("A"))
        .stage("s1", 1000, List.of("A"), List.of("B"))
        .stage("s2", 10, List.of("A", "B"), List.of());
  }

  @Test
  void handSolvedOptimum() {
    Plan p = Stingygen.plan(twoObjects().build(), Fixture.cache(4096));
    assertThat(p.sizing().status()).isEqualTo(Sizing.Status.OPTIMAL);
    assertThat(p.sizing().counts()).containsExactly(10, 1);
    assertThat(p.sizing().objective()).isCloseTo(110.0, within(1e-9));
    // m ≤ 10 for both weighted stages (s1's constraint, Bounds), so K = lcm(1..10)
    assertThat(p.sizing().exact()).as("K = lcm(1..10) is exact").isTrue();
    assertThat(p.sizing().scale()).isEqualTo(2520);
    assertThat(p.sizing().gap()).isZero();
    assertThat(p.workload().tauBytes()).isEqualTo(3072);
  }

  /*
   * The same with n_B ≥ n_A: 256 nA + 512 nB ≤ 3072 and nB ≥ nA give 768 nA ≤ 3072, nA ≤ 4;
   * f = 1000/nA + 10/nA = 1010/nA, least at nA = 4, and then nB ≤ (3072 − 1024)/512 = 4:
   * optimum (4, 4), f = 252.5 — the order constraint binds (without it: (10, 1)).
   */
  @Test
  void orderConstraintBinds() {
    Plan p = Stingygen.plan(twoObjects().order("B", "A").build(), Fixture.cache(4096));
    assertThat(p.sizing().counts()).containsExactly(4, 4);
    assertThat(p.sizing().objective()).isCloseTo(252.5, within(1e-9));
  }

  /*
   * A 1024 B and B 512 B share colour 0 (never live together): one region of 1024-byte slots,
   * slots = max(nA, nB); τ = 3072, region area 3072.
   *   s0 (w 100) L = {A};  s1 (w 100) L = {B}.
   * Plain: layout 1024 max(nA, nB) ≤ 3072 → (3, 3), f = 100/3 + 100/3 = 66.67.
   * --strict adds 1024 nA + 512 nB ≤ 3072: (2, 2) → 50 + 50 = 100; (1, 3) → 100 + 33.3 = 133.3;
   * (1, 4) breaks the layout. Optimum (2, 2), f = 100.
   */
  @Test
  void strictMakesEveryObjectFitAtOnce() {
    Report r = Fixture.report()
        .object("A", 1024, 0)
        .object("B", 512, 0)
        .stage("s0", 100, List.of("A"), List.of())
        .stage("s1", 100, List.of("B"), List.of())
        .build();
    Plan plain = Stingygen.plan(r, Fixture.cache(4096));
    assertThat(plain.sizing().counts()).containsExactly(3, 3);
    assertThat(plain.map().regions()).hasSize(1);
    assertThat(plain.map().regions().get(0).slotBytes()).isEqualTo(1024);
    Plan strict = Stingygen.plan(r, Fixture.cache(4096).withStrict(true));
    assertThat(strict.sizing().counts()).containsExactly(2, 2);
    assertThat(strict.sizing().objective()).isCloseTo(100.0, within(1e-9));
  }

  /* Stage s1 holds A and B (2048 B each) at its start: 4096 > τ = 3072 by 1024 even at n = 1. */
  @Test
  void infeasibleNamesTheStageAndTheOverflow() {
    Report r = Fixture.report()
        .object("A", 2048, null)
        .object("B", 2048, null)
        .stage("s0", 1, List.of(), List.of("A", "B"))
        .stage("s1", 1, List.of("A", "B"), List.of())
        .build();
    assertThatThrownBy(() -> Stingygen.plan(r, Fixture.cache(4096)))
        .isInstanceOf(StingygenException.class)
        .hasMessage(
            "infeasible: stage \"s0\" (entry s0) overflows tau = 3072 bytes by 1024 bytes even with"
                + " n_O = 1 for every object: 0 bytes live at its start + 4096 bytes allocated in it"
                + " (1 more stage(s) overflow: s0, s1)")
        .extracting(e -> ((StingygenException) e).kind())
        .isEqualTo(StingygenException.Kind.INFEASIBLE);
  }

  @Test
  void noRoomForTaskDataGivesTheNumbers() {
    Report r = twoObjects().stack(4000L).global("g", 200, true).build();
    assertThatThrownBy(() -> Stingygen.plan(r, Fixture.cache(4096)))
        .hasMessageContaining("tau = cache 4096 - stack 4000 - final globals 200 = -104 bytes");
  }

  @Test
  void roundedAreasThatOverflowTheCacheAreInfeasible() {
    // tau = 4096 - 4000 - 90 = 6 > 0, but the areas take 4032 + 128 = 4160 bytes of lines
    Report r = Fixture.report().stack(4000L).global("g", 90, true).build();
    assertThatThrownBy(() -> Stingygen.plan(r, Fixture.cache(4096)))
        .isInstanceOfSatisfying(StingygenException.class, e -> assertThat(e.kind()).isEqualTo(StingygenException.Kind.INFEASIBLE))
        .hasMessage("the stack area (4032 bytes) and globals area (128 bytes), each rounded up to a 64-byte line,"
            + " need more than the cache's 4096 bytes");
  }

  /*
   * A count hint of 3 makes A take 3 × 256 bytes per task: s1: 768 nA + 512 ≤ 3072 → nA ≤ 3;
   * layout 768 nA + 512 nB ≤ 3072: (3, 1) → 1000/3 + 10 = 343.3; (2, 3) → 500 + 5 = 505. Optimum (3, 1),
   * and A's region has 9 slots.
   */
  @Test
  void countHintMultipliesBytesAndSlots() {
    Report r = Fixture.report()
        .object("A", 256L, null, 3, null, Report.ObjectClass.PER_TASK)
        .object("B", 512, null)
        .stage("s0", 100, List.of(), List.of("A"))
        .stage("s1", 1000, List.of("A"), List.of("B"))
        .stage("s2", 10, List.of("A", "B"), List.of())
        .build();
    Plan p = Stingygen.plan(r, Fixture.cache(4096));
    assertThat(p.sizing().counts()).containsExactly(3, 1);
    assertThat(p.map().regions().get(0).slots()).isEqualTo(9);
    assertThat(p.map().objects().get(0).count()).isEqualTo(9);
  }

  @Test
  void lcmScaleIsExactOnlyWhileItFits() {
    assertThat(CpSatModel.lcmUpTo(12, 1L << 50)).isEqualTo(27720);
    assertThat(CpSatModel.lcmUpTo(36, 1L << 50)).isEqualTo(144403552893600L);
    assertThat(CpSatModel.lcmUpTo(40, 1L << 50)).as("5342931457063200 > 2^50").isZero();
    assertThat(CpSatModel.lcmUpTo(50, 1L << 50)).isZero();
  }

  @Test
  void greedyIsFeasibleAndUsedWhenCpSatHasNoTime() {
    Report r = twoObjects().order("B", "A").build();
    var w = org.broomstick.stingygen.layout.Workload.of(
        r, new org.broomstick.stingygen.cache.CacheGeometry(4096, 64, "test"), null, null);
    SizingProblem p = SizingProblem.of(w, r, false);
    int[] g = Greedy.solve(p, 1_000_000_000L);
    assertThat(p.feasible(g)).isTrue();
    // greedy reaches the optimum on this one: raise A (and B along, by the order) to 4
    assertThat(g).containsExactly(4, 4);
    Sizing s = Sizer.solve(p, 1e-9, 1);
    assertThat(s.status()).isIn(Sizing.Status.GREEDY_FALLBACK, Sizing.Status.FEASIBLE, Sizing.Status.OPTIMAL);
    assertThat(p.feasible(s.counts().stream().mapToInt(Integer::intValue).toArray())).isTrue();
    // CP-SAT's presolve solves this one even with no time; the fallback itself:
    Sizing f = Sizer.greedyFallback(p, g, 5, 0.5);
    assertThat(f.status()).isEqualTo(Sizing.Status.GREEDY_FALLBACK);
    assertThat(f.detail()).isEqualTo("CP-SAT found no solution within 0.5 s; greedy counts, not proven optimal");
    assertThat(f.objective()).isCloseTo(252.5, within(1e-9));
  }
}
