package org.broomstick.memwalk.order;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.broomstick.memwalk.liveness.Liveness;

/**
 * Allocation-order constraints for stingygen (SPEC §5.9), emitted only when they provably hold:
 * {@code n_i ≥ n_j} when at the entry of every stage a task may hold {@code O_j} in, it surely holds
 * {@code O_i} (must-liveness). Tasks wait for the allocator only between stages, so there the tasks
 * holding {@code O_j} are a subset of those holding {@code O_i}, and a pool for {@code O_j} larger
 * than {@code O_i}'s could never fill.
 *
 * <p>SPEC §5.9 words the condition as dominance ("alloc(O_i) dominates alloc(O_j), and alloc(O_j)
 * dominates every free of O_i"). That alone does not make every holder of {@code O_j} a holder of
 * {@code O_i}: {@code O_i} may be freed while {@code O_j} lives on. Stating the condition on
 * must-live sets is what the constraint needs, and it implies the dominance.
 */
public final class AllocationOrder {
  private AllocationOrder() {}

  /** @param objects the per-task objects, in order */
  public static List<OrderConstraint> derive(Liveness liveness, Collection<String> objects) {
    List<OrderConstraint> out = new ArrayList<>();
    for (String j : objects) {
      boolean heldSomewhere = liveness.stages().stream().anyMatch(s -> s.liveIn().contains(j));
      if (!heldSomewhere) {
        continue; // never waits between stages: no pool pressure to order
      }
      for (String i : objects) {
        if (i.equals(j)) {
          continue;
        }
        boolean holds = true;
        for (Liveness.StageFacts s : liveness.stages()) {
          if (s.liveIn().contains(j) && !s.mustLiveIn().contains(i)) {
            holds = false;
            break;
          }
        }
        if (holds) {
          out.add(new OrderConstraint(i, j));
        }
      }
    }
    return out;
  }
}
