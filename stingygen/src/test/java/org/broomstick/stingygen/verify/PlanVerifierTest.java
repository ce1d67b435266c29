package org.broomstick.stingygen.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.broomstick.stingygen.Fixture;
import org.broomstick.stingygen.Plan;
import org.broomstick.stingygen.Stingygen;
import org.broomstick.stingygen.layout.MemoryMap;
import org.broomstick.stingygen.layout.MemoryMap.Placement;
import org.broomstick.stingygen.layout.MemoryMap.Region;
import org.broomstick.stingygen.report.Report;
import org.junit.jupiter.api.Test;

/** The verifier passes a solved plan and catches each kind of broken one. */
class PlanVerifierTest {
  private final Report report = Fixture.report()
      .object("A", 256, 0)
      .object("B", 512, 1)
      .object("C", 100, 0)
      .stage("s0", 100, List.of(), List.of("A"))
      .stage("s1", 1000, List.of("A"), List.of("B"))
      .stage("s2", 10, List.of("A", "B"), List.of("C"))
      .stage("s3", 10, List.of("B", "C"), List.of())
      .order("A", "B")
      .build();
  private final Plan plan = Stingygen.plan(report, Fixture.cache(8192));

  private List<String> check(MemoryMap m) {
    return PlanVerifier.verify(report, m, plan.workload().tauBytes(), false).violations();
  }

  private MemoryMap withRegions(List<Region> regions) {
    MemoryMap m = plan.map();
    return new MemoryMap(m.cacheBytes(), m.lineBytes(), m.stack(), m.globals(), m.lowBytes(), m.highBytes(), regions, m.objects());
  }

  private MemoryMap withObjects(List<Placement> objects) {
    MemoryMap m = plan.map();
    return new MemoryMap(m.cacheBytes(), m.lineBytes(), m.stack(), m.globals(), m.lowBytes(), m.highBytes(), m.regions(), objects);
  }

  @Test
  void aSolvedPlanPasses() {
    assertThat(check(plan.map())).isEmpty();
    assertThat(plan.map().regions()).hasSize(2);
  }

  @Test
  void overlappingAndMisalignedRegionsFail() {
    List<Region> rs = new ArrayList<>(plan.map().regions());
    Region r1 = rs.get(1);
    rs.set(1, new Region(r1.id(), r1.colour(), rs.get(0).offsetBytes() + 64, r1.slotBytes(), r1.slots(), r1.members()));
    assertThat(check(withRegions(rs))).anyMatch(v -> v.contains("region 1 overlaps region 0"));
    rs.set(1, new Region(r1.id(), r1.colour(), r1.offsetBytes() + 8, r1.slotBytes(), r1.slots(), r1.members()));
    assertThat(check(withRegions(rs))).anyMatch(v -> v.contains("not a multiple of the line 64"));
    rs.set(1, new Region(r1.id(), r1.colour(), 0, r1.slotBytes(), r1.slots(), r1.members()));
    assertThat(check(withRegions(rs))).anyMatch(v -> v.contains("overlaps stack area") || v.contains("stack area overlaps"));
    rs.set(1, new Region(r1.id(), r1.colour(), 8192 - 512, r1.slotBytes(), r1.slots() + 1, r1.members()));
    assertThat(check(withRegions(rs))).anyMatch(v -> v.contains("is not inside the cache slab [0, 8192)"));
  }

  @Test
  void aSlotStrideOfAMultipleOf64LinesFails() {
    List<Region> rs = new ArrayList<>(plan.map().regions());
    Region r1 = rs.get(1);
    assertThat(r1.slots()).isGreaterThan(1);
    rs.set(1, new Region(r1.id(), r1.colour(), r1.offsetBytes(), 8192, r1.slots(), r1.members()));
    assertThat(check(withRegions(rs)))
        .anyMatch(v -> v.contains("region 1 has slots of 8192 bytes, a multiple of 64 lines"));
    rs.set(1, new Region(r1.id(), r1.colour(), r1.offsetBytes(), 4096 + 64, r1.slots(), r1.members()));
    assertThat(check(withRegions(rs))).noneMatch(v -> v.contains("a multiple of 64 lines"));
  }

  @Test
  void countsBeyondTheBudgetOrTheOrderFail() {
    List<Placement> os = new ArrayList<>(plan.map().objects());
    Placement b = os.get(1);
    // B more than A: breaks n_A ≥ n_B; enough of it also overflows s2
    int n = os.get(0).tasks() + 1;
    os.set(1, new Placement(b.id(), b.sizeBytes(), b.slotBytes(), n, 1, n, b.region()));
    assertThat(check(withObjects(os)))
        .anyMatch(v -> v.startsWith("order constraint n(A)"))
        .anyMatch(v -> v.startsWith("stage s2 needs"))
        .anyMatch(v -> v.contains(n + " instances but region 1 has"));
  }

  @Test
  void slotsMustHoldTheirObject() {
    List<Placement> os = new ArrayList<>(plan.map().objects());
    Placement a = os.get(0);
    os.set(0, new Placement(a.id(), a.sizeBytes(), 192, a.tasks(), 1, a.count(), a.region()));
    assertThat(check(withObjects(os))).anyMatch(v -> v.contains("slot of 192 bytes does not hold its 256 bytes"));
  }

  @Test
  void sharingARegionWhileLiveTogetherFails() {
    // A and B are both live at the start of s2: putting them in one region is wrong
    List<Placement> os = new ArrayList<>(plan.map().objects());
    Placement b = os.get(1);
    os.set(1, new Placement(b.id(), b.sizeBytes(), b.slotBytes(), b.tasks(), 1, b.count(), 0));
    assertThat(check(withObjects(os))).anyMatch(v -> v.contains("share region 0 but are both live at the start of stage s2"));
  }
}
