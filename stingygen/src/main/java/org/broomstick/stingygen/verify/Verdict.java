package org.broomstick.stingygen.verify;

import java.util.List;

/** What {@link PlanVerifier} found wrong with a plan; empty when the plan is sound. */
public record Verdict(List<String> violations) {
  public Verdict {
    violations = List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }
}
