package org.broomstick.memwalk.objects;

/** How the allocator treats an object (SPEC §5.4–5.6, §10 {@code objects[].class}). */
public enum ObjectClass {
  /** Held by a task between stages and released before it ends: pooled per stage plan. */
  PER_TASK("per-task"),
  /** Outlives tasks (or is allocated outside them) and is small: kept in the cache slab. */
  GLOBAL_FINAL("global-final"),
  /** Outlives tasks and is larger than the threshold, or of unknown size: left outside the slab. */
  GLOBAL_TEMPORARY("global-temporary"),
  /** A task may hold any number of them (loop, SCG cycle, recursion) and no hint bounds it. */
  UNBOUNDED("unbounded");

  private final String label;

  ObjectClass(String label) {
    this.label = label;
  }

  /** The report's spelling. */
  public String label() {
    return label;
  }
}
