package org.broomstick.stingify.input;

/**
 * An allocation site (object) of {@code report.json} as stingify needs it: where its call is, and
 * what memwalk found about its size.
 *
 * @param sizeOffset where the size argument starts (-1: no size argument or unknown)
 * @param sizeParam the index of the size argument (-1: none)
 * @param args the texts of the call's arguments (null where unknown)
 * @param wrapper the spec's wrapper for the allocator (thesis figure 7.5), or null
 */
public record AllocationSite(
    String id,
    String file,
    int line,
    int column,
    String allocator,
    String objectClass,
    Long sizeBytes,
    Long sizeHint,
    boolean inMacro,
    int offset,
    int length,
    int sizeOffset,
    int sizeLength,
    int sizeParam,
    java.util.List<String> args,
    String wrapper) {
  public AllocationSite {
    args = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(args));
  }
}
