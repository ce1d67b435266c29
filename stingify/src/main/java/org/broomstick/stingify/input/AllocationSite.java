package org.broomstick.stingify.input;

/**
 * An allocation site (object) of {@code report.json} as stingify needs it: where its call is, and
 * what memwalk found about its size.
 *
 * @param sizeOffset where the size argument starts (-1: no size argument or unknown)
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
    int sizeLength) {}
