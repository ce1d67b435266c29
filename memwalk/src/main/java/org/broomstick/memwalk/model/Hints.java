package org.broomstick.memwalk.model;

/**
 * The {@code stingy_size} / {@code stingy_count} hints attached to an allocation (through the
 * variable or field that receives it, or a spec entry). Null fields are absent.
 */
public record Hints(Long stingySize, Long stingyCount) {
  public static final Hints NONE = new Hints(null, null);

  public boolean isEmpty() {
    return stingySize == null && stingyCount == null;
  }

  /** Fields of {@code other} win where both are set. */
  public Hints overriddenBy(Hints other) {
    return new Hints(
        other.stingySize != null ? other.stingySize : stingySize,
        other.stingyCount != null ? other.stingyCount : stingyCount);
  }
}
