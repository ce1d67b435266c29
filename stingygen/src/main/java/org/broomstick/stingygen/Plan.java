package org.broomstick.stingygen;

import java.util.List;
import org.broomstick.stingygen.ilp.Sizing;
import org.broomstick.stingygen.layout.MemoryMap;
import org.broomstick.stingygen.layout.Workload;
import org.broomstick.stingygen.report.Report;

/**
 * One stingygen result, verified: the report it came from, the options, what goes into the cache
 * slab, the solved counts, the memory map and the per-stage figures the emitters print.
 */
public record Plan(
    Report report, StingygenOptions options, Workload workload, Sizing sizing, MemoryMap map, List<StagePlan> stages) {

  public Plan {
    stages = List.copyOf(stages);
  }

  /**
   * A stage under the plan. {@code fillBytes} = Σ_{L_s} bytes·n_O + Σ_{A_s} bytes (managed objects;
   * ≤ τ); {@code cap} = min n_O over L_s (0: none live), the runtime's stage cap; {@code
   * admissionCap} = min n_O over L_s ∪ A_s, the tasks in flight an entry stage lets in (0: no cap).
   */
  public record StagePlan(
      String id,
      String entry,
      boolean entryStage,
      int rank,
      long liveBytes,
      long allocatedBytes,
      long fillBytes,
      int cap,
      int admissionCap,
      List<String> allocates) {
    public StagePlan {
      allocates = List.copyOf(allocates);
    }
  }
}
