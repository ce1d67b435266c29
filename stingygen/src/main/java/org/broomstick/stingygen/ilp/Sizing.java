package org.broomstick.stingygen.ilp;

import java.util.List;

/**
 * The solved program: n_O per managed object (in {@link SizingProblem#vars()} order) and how it was
 * found. {@code objective} is the thesis objective Σ w_s / min n_O evaluated exactly (as a double)
 * on the counts; {@code bound} a proven lower bound on it (0 when none); {@code gap} their relative
 * difference. {@code scale} is the K of the scaled reciprocal q_s = ⌈K / m_s⌉; {@code exact} says
 * K is a multiple of every possible m_s, so the solver's optimum is the thesis optimum.
 */
public record Sizing(
    List<Integer> counts,
    Status status,
    double objective,
    double bound,
    double gap,
    long wallMillis,
    long scale,
    boolean exact,
    String detail) {

  public Sizing {
    counts = List.copyOf(counts);
  }

  /** How the counts were found. */
  public enum Status {
    /** Proven optimal: by CP-SAT, or by the level split ({@code LevelBound}), whose bound they reach. */
    OPTIMAL,
    /** CP-SAT's best within the time limit, not proven optimal. */
    FEASIBLE,
    /** CP-SAT found nothing within the time limit: the greedy heuristic's counts. */
    GREEDY_FALLBACK,
    /** No managed objects: nothing to solve. */
    TRIVIAL
  }
}
