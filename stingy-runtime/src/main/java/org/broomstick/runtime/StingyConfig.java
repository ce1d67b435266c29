package org.broomstick.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link Arena} manages (SPEC §6, §10): the cache slab, its regions of equal slots (one per
 * colour), the per-task objects with their instance limit {@code n_O}, and the stages with the
 * objects each allocates. Immutable and validated on construction.
 *
 * <p>At run time objects and stages are named by their position in {@link #objects()} and {@link
 * #stages()} (the {@code int} ids a generated {@code Ids} class holds); the string ids are those of
 * {@code allocator.json} and {@code report.json}. Build one with {@link #of} from the fields of
 * {@code allocator.json}, or by hand with {@link #builder}:
 *
 * <pre>{@code
 * StingyConfig config = StingyConfig.builder(256 * 1024, 64)
 *     .object("request", 320, 64)        // its own region: 64 slots of 320 bytes (5 lines)
 *     .object("inBuf", 2048, 32)
 *     .entryStage("accept", "request")
 *     .stage("read", "inBuf")
 *     .build();
 * }</pre>
 */
public final class StingyConfig {
  /**
   * A region of the cache slab: {@code slots} slots of {@code slotBytes} each from {@code
   * offsetBytes} ({@code allocator.json regions[]}). Offset and slot size are multiples of the line.
   */
  public record Region(String id, int offsetBytes, int slotBytes, int slots) {
    public Region {
      Objects.requireNonNull(id, "region id");
    }

    int endBytes() {
      return Math.addExact(offsetBytes, Math.multiplyExact(slotBytes, slots));
    }
  }

  /**
   * A per-task object (an allocation site): at most {@code count} ({@code n_O}) live at once, each a
   * slice of {@code slotBytes} in a slot of {@code region} ({@code allocator.json objects[]}).
   */
  public record ObjectKind(String id, int count, int slotBytes, String region) {
    public ObjectKind {
      Objects.requireNonNull(id, "object id");
      Objects.requireNonNull(region, "region of object " + id);
    }
  }

  /**
   * A stage: the objects it allocates (the table behind {@code dynCheck}), the objects live when it
   * starts ({@code L_s}, which bounds the batch a {@link StageGate} can gather there; may be empty),
   * and whether it admits new work (accept / new request), where {@code dynCheck} is admission
   * control. List stages in the order of treatment, entry first: {@link StageGate} favours early
   * ones.
   */
  public record Stage(String id, List<String> allocates, List<String> liveIn, boolean entry) {
    public Stage {
      Objects.requireNonNull(id, "stage id");
      allocates = List.copyOf(allocates);
      liveIn = List.copyOf(liveIn);
    }
  }

  private final int cacheBytes;
  private final int lineBytes;
  private final List<Region> regions;
  private final List<ObjectKind> objects;
  private final List<Stage> stages;
  private final Map<String, Integer> regionIds = new HashMap<>();
  private final Map<String, Integer> objectIds = new HashMap<>();
  private final Map<String, Integer> stageIds = new HashMap<>();

  private StingyConfig(
      int cacheBytes, int lineBytes, List<Region> regions, List<ObjectKind> objects, List<Stage> stages) {
    this.cacheBytes = cacheBytes;
    this.lineBytes = lineBytes;
    this.regions = List.copyOf(regions);
    this.objects = List.copyOf(objects);
    this.stages = List.copyOf(stages);
    validate();
  }

  /**
   * A configuration from the fields of {@code allocator.json} ({@code cache{sizeBytes, lineBytes}},
   * {@code regions[]}, {@code objects[]}) and the per-stage tables.
   *
   * @throws IllegalArgumentException naming the region, object or stage that is inconsistent
   */
  public static StingyConfig of(
      int cacheBytes, int lineBytes, List<Region> regions, List<ObjectKind> objects, List<Stage> stages) {
    return new StingyConfig(cacheBytes, lineBytes, regions, objects, stages);
  }

  /** A builder for hand-written configurations; regions are placed one after another. */
  public static Builder builder(int cacheBytes, int lineBytes) {
    return new Builder(cacheBytes, lineBytes);
  }

  public int cacheBytes() {
    return cacheBytes;
  }

  public int lineBytes() {
    return lineBytes;
  }

  public List<Region> regions() {
    return regions;
  }

  public List<ObjectKind> objects() {
    return objects;
  }

  public List<Stage> stages() {
    return stages;
  }

  /** The run-time id of the object named {@code id}. */
  public int objectId(String id) {
    return lookup(objectIds, id, "object");
  }

  /** The run-time id of the stage named {@code id}. */
  public int stageId(String id) {
    return lookup(stageIds, id, "stage");
  }

  /**
   * The run-time ids of the stages that are methods {@code methods} of {@code owner}, in that order
   * (-1 for one the plan does not have): a scheduler's table from its run queues to the plan's
   * stages, as the C server's {@code stingy_stage_ids}. A stage id matches a method when, without
   * its descriptor ({@code (…)…}), it is {@code owner}'s binary name, a dot and the method name, or
   * the method name alone.
   */
  public int[] stageIds(Class<?> owner, String... methods) {
    int[] ids = new int[methods.length];
    java.util.Arrays.fill(ids, -1);
    for (int s = 0; s < stages.size(); s++) {
      String id = stages.get(s).id();
      int paren = id.indexOf('(');
      String name = paren < 0 ? id : id.substring(0, paren);
      for (int m = 0; m < methods.length; m++) {
        if (name.equals(owner.getName() + "." + methods[m]) || name.equals(methods[m])) {
          ids[m] = s;
        }
      }
    }
    return ids;
  }

  int regionId(String id) {
    return lookup(regionIds, id, "region");
  }

  private static int lookup(Map<String, Integer> ids, String id, String what) {
    Integer i = ids.get(id);
    if (i == null) {
      throw new IllegalArgumentException("no " + what + " " + id + " (known: " + ids.keySet() + ")");
    }
    return i;
  }

  private void validate() {
    require(lineBytes > 0 && Integer.bitCount(lineBytes) == 1, "line size %d is not a power of two", lineBytes);
    require(cacheBytes > 0, "cache size %d is not positive", cacheBytes);
    for (int i = 0; i < regions.size(); i++) {
      Region r = regions.get(i);
      require(regionIds.put(r.id(), i) == null, "region %s is declared twice", r.id());
      require(r.slots() >= 0, "region %s has %d slots", r.id(), r.slots());
      require(
          r.slotBytes() > 0 && r.slotBytes() % lineBytes == 0,
          "region %s: slot size %d is not a positive multiple of the %d-byte line",
          r.id(),
          r.slotBytes(),
          lineBytes);
      require(
          r.offsetBytes() >= 0 && r.offsetBytes() % lineBytes == 0,
          "region %s: offset %d is not line-aligned",
          r.id(),
          r.offsetBytes());
      require(
          (long) r.offsetBytes() + (long) r.slotBytes() * r.slots() <= cacheBytes,
          "region %s [%d, %d) does not fit the %d-byte cache slab",
          r.id(),
          r.offsetBytes(),
          (long) r.offsetBytes() + (long) r.slotBytes() * r.slots(),
          cacheBytes);
    }
    List<Region> byOffset = new ArrayList<>(regions);
    byOffset.removeIf(r -> r.slots() == 0);
    byOffset.sort((a, b) -> Integer.compare(a.offsetBytes(), b.offsetBytes()));
    for (int i = 1; i < byOffset.size(); i++) {
      Region a = byOffset.get(i - 1);
      Region b = byOffset.get(i);
      require(
          a.endBytes() <= b.offsetBytes(),
          "regions %s [%d, %d) and %s [%d, %d) overlap",
          a.id(),
          a.offsetBytes(),
          a.endBytes(),
          b.id(),
          b.offsetBytes(),
          b.endBytes());
    }
    for (int i = 0; i < objects.size(); i++) {
      ObjectKind o = objects.get(i);
      require(objectIds.put(o.id(), i) == null, "object %s is declared twice", o.id());
      Integer r = regionIds.get(o.region());
      require(r != null, "object %s: no region %s", o.id(), o.region());
      Region region = regions.get(r);
      require(o.count() >= 0, "object %s: count %d is negative", o.id(), o.count());
      require(
          o.count() <= region.slots(),
          "object %s: count %d exceeds the %d slots of region %s",
          o.id(),
          o.count(),
          region.slots(),
          region.id());
      require(
          o.slotBytes() > 0 && o.slotBytes() <= region.slotBytes(),
          "object %s: %d bytes do not fit the %d-byte slots of region %s",
          o.id(),
          o.slotBytes(),
          region.slotBytes(),
          region.id());
    }
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      require(stageIds.put(s.id(), i) == null, "stage %s is declared twice", s.id());
      for (String o : s.allocates()) {
        require(objectIds.containsKey(o), "stage %s allocates unknown object %s", s.id(), o);
      }
      for (String o : s.liveIn()) {
        require(objectIds.containsKey(o), "stage %s: unknown live object %s", s.id(), o);
      }
    }
  }

  private static void require(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException("stingy config: " + String.format(format, args));
    }
  }

  @Override
  public String toString() {
    return "StingyConfig[cache="
        + cacheBytes
        + ", line="
        + lineBytes
        + ", regions="
        + regions
        + ", objects="
        + objects
        + ", stages="
        + stages
        + "]";
  }

  /**
   * Collects regions, objects and stages for {@link StingyConfig#of}. Regions without an explicit
   * offset are placed after the highest region so far, on a line boundary.
   */
  public static final class Builder {
    private final int cacheBytes;
    private final int lineBytes;
    private final Map<String, Region> regions = new LinkedHashMap<>();
    private final List<ObjectKind> objects = new ArrayList<>();
    private final List<Stage> stages = new ArrayList<>();
    private long nextOffset;

    private Builder(int cacheBytes, int lineBytes) {
      if (lineBytes <= 0 || Integer.bitCount(lineBytes) != 1) {
        throw new IllegalArgumentException(
            "stingy config: line size " + lineBytes + " is not a power of two");
      }
      this.cacheBytes = cacheBytes;
      this.lineBytes = lineBytes;
    }

    /** A region at an explicit offset. */
    public Builder region(String id, int offsetBytes, int slotBytes, int slots) {
      Region r = new Region(id, offsetBytes, slotBytes, slots);
      if (regions.putIfAbsent(id, r) != null) {
        throw new IllegalArgumentException("stingy config: region " + id + " is declared twice");
      }
      nextOffset = Math.max(nextOffset, (long) offsetBytes + (long) slotBytes * slots);
      return this;
    }

    /** A region placed after the previous ones. */
    public Builder region(String id, int slotBytes, int slots) {
      return region(id, toInt(roundUp(nextOffset)), slotBytes, slots);
    }

    /** An object in a shared region, its slices as large as the region's slots. */
    public Builder object(String id, String region, int count) {
      Region r = regions.get(region);
      if (r == null) {
        throw new IllegalArgumentException("stingy config: object " + id + ": no region " + region);
      }
      return object(id, region, count, r.slotBytes());
    }

    /** An object in a shared region with slices of {@code slotBytes}. */
    public Builder object(String id, String region, int count, int slotBytes) {
      objects.add(new ObjectKind(id, count, slotBytes, region));
      return this;
    }

    /**
     * An object of {@code bytes} in a region of its own (named after it) with {@code count} slots of
     * {@code bytes} rounded up to a line; its slices have a capacity of exactly {@code bytes}.
     */
    public Builder object(String id, int bytes, int count) {
      region(id, toInt(roundUp(bytes)), count);
      return object(id, id, count, bytes);
    }

    /** A stage that allocates {@code allocates}. */
    public Builder stage(String id, String... allocates) {
      return stage(new Stage(id, List.of(allocates), List.of(), false));
    }

    /** An entry stage (admits new work) that allocates {@code allocates}. */
    public Builder entryStage(String id, String... allocates) {
      return stage(new Stage(id, List.of(allocates), List.of(), true));
    }

    public Builder stage(Stage stage) {
      stages.add(stage);
      return this;
    }

    /** @throws IllegalArgumentException as {@link StingyConfig#of} */
    public StingyConfig build() {
      return of(cacheBytes, lineBytes, new ArrayList<>(regions.values()), objects, stages);
    }

    private long roundUp(long bytes) {
      return (bytes + lineBytes - 1) / lineBytes * lineBytes;
    }

    private static int toInt(long bytes) {
      if (bytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("stingy config: " + bytes + " bytes exceed 2 GiB");
      }
      return (int) bytes;
    }
  }
}
