package org.broomstick.memwalk.model;

/** Where a function's frame size comes from (SPEC §10 {@code frameSource}). */
public enum FrameSource {
  /** Computed from locals, spills, call arguments (thesis §6.2.2). */
  ESTIMATE,
  /** Exact, from a GCC {@code -fstack-usage} file. */
  SU,
  /** Exact-ish, from JVM max locals and max stack. */
  BYTECODE,
  /** Declared only; nothing is known. */
  NONE;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
