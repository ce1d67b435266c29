package org.broomstick.runtime;

import java.util.List;

/**
 * A snapshot of an {@link Arena}'s counters: per object, per region, and the frees it did not
 * recognise. Immutable; taking one allocates, so take it from a timer or on demand, not per request.
 *
 * @param foreignFrees frees of buffers or instances that were not the arena's or its pools' (their
 *     fallbacks included), which the garbage collector reclaims
 */
public record StingyStats(
    int cacheBytes,
    int lineBytes,
    List<ObjectStats> objects,
    List<RegionStats> regions,
    long foreignFrees) {

  public StingyStats {
    objects = List.copyOf(objects);
    regions = List.copyOf(regions);
  }

  /** How an object is served. */
  public enum Kind {
    /** Slices of the cache slab. */
    SLICE,
    /** Pooled Java instances. */
    POOL
  }

  /**
   * One object's counters.
   *
   * @param count its limit {@code n_O}
   * @param live slices or pooled instances held now (fallbacks are not counted)
   * @param highWater the most held at once
   * @param hits allocations served from the slab or the pool
   * @param fallbacks allocations that fell back to {@code allocateDirect} / a new instance because
   *     {@code count} were live or the region was full
   * @param oversize allocations larger than the slot ({@link Arena#alloc(int, int)})
   * @param frees slices or instances taken back
   */
  public record ObjectStats(
      int id,
      String name,
      Kind kind,
      int count,
      int live,
      int highWater,
      long hits,
      long fallbacks,
      long oversize,
      long frees) {}

  /** One region's slots and how many are free now. */
  public record RegionStats(String id, int slots, int free) {}

  /** The counters of the object named {@code name}. */
  public ObjectStats object(String name) {
    for (ObjectStats o : objects) {
      if (o.name().equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException("no object " + name);
  }

  /** Hits over all objects. */
  public long hits() {
    return objects.stream().mapToLong(ObjectStats::hits).sum();
  }

  /** Fallbacks (not counting oversize requests) over all objects. */
  public long fallbacks() {
    return objects.stream().mapToLong(ObjectStats::fallbacks).sum();
  }

  /** Slices and instances held now over all objects. */
  public long live() {
    return objects.stream().mapToLong(ObjectStats::live).sum();
  }

  /** The counters as an aligned text table. */
  public String toTable() {
    int w = "object".length();
    for (ObjectStats o : objects) {
      w = Math.max(w, o.name().length());
    }
    for (RegionStats r : regions) {
      w = Math.max(w, r.id().length());
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "stingy arena: cache %d B, line %d B, %d hits, %d fallbacks, %d foreign frees%n",
            cacheBytes, lineBytes, hits(), fallbacks(), foreignFrees));
    String row = "%-" + w + "s %-5s %6s %6s %6s %10s %10s %9s %10s%n";
    sb.append(
        String.format(row, "object", "kind", "n_O", "live", "high", "hits", "fallbacks", "oversize", "frees"));
    for (ObjectStats o : objects) {
      sb.append(
          String.format(
              row,
              o.name(),
              o.kind() == Kind.SLICE ? "slice" : "pool",
              o.count(),
              o.live(),
              o.highWater(),
              o.hits(),
              o.fallbacks(),
              o.oversize(),
              o.frees()));
    }
    String regionRow = "%-" + w + "s %6s %6s%n";
    sb.append(String.format(regionRow, "region", "slots", "free"));
    for (RegionStats r : regions) {
      sb.append(String.format(regionRow, r.id(), r.slots(), r.free()));
    }
    return sb.toString();
  }
}
