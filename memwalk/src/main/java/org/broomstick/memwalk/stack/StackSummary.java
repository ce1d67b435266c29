package org.broomstick.memwalk.stack;

import java.util.List;
import java.util.Map;

/**
 * How much stack the server needs (thesis §6.2.2, SPEC §5.7): each stage's deepest call path, the
 * scheduler's deepest path up to a dispatch point, their total, and a histogram of path depths so a
 * user may pick a smaller stack. Null bytes mean unbounded (recursion without a bound).
 *
 * @param stageBytes deepest path per stage id, in bytes (null: recursive, unbounded)
 * @param schedulerBytes deepest scheduler path up to a dispatch (0 without a scheduler)
 * @param totalBytes scheduler plus the deepest stage; null when some stage is unbounded
 * @param clusters path depths by power-of-two bucket: {@code bytes} is the bucket's upper bound
 */
public record StackSummary(
    Map<String, Long> stageBytes, long schedulerBytes, Long totalBytes, List<Cluster> clusters) {

  public StackSummary {
    stageBytes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stageBytes));
    clusters = List.copyOf(clusters);
  }

  /** {@code paths} call paths (stage entry to a leaf) need at most {@code bytes}. */
  public record Cluster(long bytes, int paths) {}
}
