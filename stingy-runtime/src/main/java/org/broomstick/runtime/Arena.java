package org.broomstick.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The Stingy allocator over one direct-memory cache slab (SPEC §6 "Java runtime", thesis §5.2.1):
 * every object kind of the {@link StingyConfig} gets at most {@code n_O} live slices of its region,
 * handed out and taken back in O(1) from a per-region free list; past that limit, or when its region
 * is full, {@link #alloc} falls back to {@link ByteBuffer#allocateDirect} and counts it. {@link
 * #dynCheck} says whether a stage can run now without falling back — the scheduler's admission test.
 * Objects that are Java instances rather than buffers are served by {@link #pool}s that share the
 * limits, {@code dynCheck} and the counters.
 *
 * <h2>The slab</h2>
 *
 * One {@code ByteBuffer.allocateDirect} of the cache size plus a line, cut to a line boundary
 * ({@link ByteBuffer#alignedSlice}); every slot is line-aligned because region offsets and slot sizes
 * are multiples of the line. Unlike the C runtime, Java cannot ask for a huge page, so the slab is
 * contiguous in virtual memory only (transparent huge pages may back it). Slice contents are not
 * cleared between uses, like {@code malloc} and unlike {@code allocateDirect}.
 *
 * <h2>How {@code free} recognises its own slices</h2>
 *
 * Java does not give a buffer's address, so the C runtime's address-range test is not available. The
 * arena instead hands out, for each (object, slot) pair, always the same {@code ByteBuffer} view
 * object — made on first use and reset ({@code clear()}, big-endian) on every {@code alloc} — and
 * keeps an identity table from those views to their slot. {@code free(b)} is one {@link
 * System#identityHashCode} and a short linear probe, with no allocation after warm-up (each view is
 * made once). Trade-offs, against a wrapper object that would carry the slot index:
 *
 * <ul>
 *   <li>user code keeps plain {@code ByteBuffer}s, so stingify can swap {@code allocateDirect(n)}
 *       for {@code Stingy.alloc(Ids.X)} without changing any type, and a buffer passes to channels
 *       as before; a wrapper would need a {@code .buffer()} at every use and a changed field type;
 *   <li>free the very buffer {@code alloc} returned: a {@code duplicate()}, {@code slice()} or
 *       read-only view of it is a different object, so freeing it is counted as a foreign free and
 *       the slot stays taken (visible in {@link #stats()} as {@code live} that never drops);
 *   <li>as with C pointers, a reference kept after {@code free} aliases the slot's next owner. A
 *       second {@code free} of a slice whose slot is free or held by another object throws {@link
 *       IllegalStateException}; one whose slot was handed to the same object again cannot be told
 *       from a legitimate free (the view is the same object).
 * </ul>
 *
 * <p>Buffers that are not this arena's views (fallbacks, heap buffers, other arenas' slices) are
 * ignored by {@code free} — the garbage collector reclaims them — and counted as foreign frees.
 * {@code free(null)} does nothing, like C's {@code free(NULL)}.
 *
 * <h2>Threads</h2>
 *
 * Not thread-safe, and without locks on purpose: use one arena per event-loop thread (see {@link
 * Stingy} for the per-thread binding), and free a slice on the thread that allocated it.
 */
public final class Arena {
  private static final int FREE = -1;

  private final StingyConfig config;
  private final ByteBuffer slab;
  private final int lineBytes;

  private final int[] regionOffset;
  private final int[] regionSlotBytes;
  private final int[][] freeSlots;
  private final int[] freeTop;
  private final int[][] slotOwner;

  private final String[] names;
  private final int[] objRegion;
  private final int[] objCount;
  private final int[] objBytes;
  private final int[] live;
  private final int[] highWater;
  private final long[] hits;
  private final long[] fallbacks;
  private final long[] oversize;
  private final long[] frees;
  private final ByteBuffer[][] views;
  private final Pool<?>[] pools;

  private final int[][] stageObjects; // distinct objects a stage allocates
  private final int[][] stageObjectNeed; // how many of each
  private final int[] entryStages;
  private int[][] stageRegions;
  private int[][] stageRegionNeed;

  // identity table: view -> (object, slot); open addressing, linear probing, never shrinks
  private ByteBuffer[] keys;
  private int[] keyObject;
  private int[] keySlot;
  private int keyCount;

  private long foreignFrees;

  /** Maps the slab and builds the free lists; every slot starts free. */
  public Arena(StingyConfig config) {
    this.config = config;
    this.lineBytes = config.lineBytes();
    long rounded = ((long) config.cacheBytes() + lineBytes - 1) / lineBytes * lineBytes;
    if (rounded + lineBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cache slab of " + config.cacheBytes() + " bytes is too large");
    }
    ByteBuffer raw = ByteBuffer.allocateDirect((int) rounded + lineBytes);
    this.slab = raw.alignedSlice(lineBytes).limit(config.cacheBytes()).slice();

    List<StingyConfig.Region> regions = config.regions();
    int nr = regions.size();
    regionOffset = new int[nr];
    regionSlotBytes = new int[nr];
    freeSlots = new int[nr][];
    freeTop = new int[nr];
    slotOwner = new int[nr][];
    for (int r = 0; r < nr; r++) {
      StingyConfig.Region region = regions.get(r);
      regionOffset[r] = region.offsetBytes();
      regionSlotBytes[r] = region.slotBytes();
      int slots = region.slots();
      freeSlots[r] = new int[slots];
      for (int i = 0; i < slots; i++) {
        freeSlots[r][i] = slots - 1 - i; // slot 0 on top: the first alloc gets the lowest address
      }
      freeTop[r] = slots;
      slotOwner[r] = new int[slots];
      Arrays.fill(slotOwner[r], FREE);
    }

    List<StingyConfig.ObjectKind> objects = config.objects();
    int no = objects.size();
    names = new String[no];
    objRegion = new int[no];
    objCount = new int[no];
    objBytes = new int[no];
    live = new int[no];
    highWater = new int[no];
    hits = new long[no];
    fallbacks = new long[no];
    oversize = new long[no];
    frees = new long[no];
    views = new ByteBuffer[no][];
    pools = new Pool<?>[no];
    long expectedViews = 0;
    for (int o = 0; o < no; o++) {
      StingyConfig.ObjectKind kind = objects.get(o);
      names[o] = kind.id();
      objRegion[o] = config.regionId(kind.region());
      objCount[o] = kind.count();
      objBytes[o] = kind.slotBytes();
      views[o] = new ByteBuffer[regions.get(objRegion[o]).slots()];
      expectedViews += kind.count();
    }
    int capacity = Integer.highestOneBit((int) Math.min(1 << 20, Math.max(8, expectedViews * 2)) * 2 - 1);
    keys = new ByteBuffer[capacity];
    keyObject = new int[capacity];
    keySlot = new int[capacity];

    List<StingyConfig.Stage> stages = config.stages();
    stageObjects = new int[stages.size()][];
    stageObjectNeed = new int[stages.size()][];
    for (int s = 0; s < stages.size(); s++) {
      int[] times = new int[no];
      for (String id : stages.get(s).allocates()) {
        times[config.objectId(id)]++;
      }
      stageObjects[s] = IntStream.range(0, no).filter(o -> times[o] > 0).toArray();
      stageObjectNeed[s] = Arrays.stream(stageObjects[s]).map(o -> times[o]).toArray();
    }
    entryStages = IntStream.range(0, stages.size()).filter(s -> stages.get(s).entry()).toArray();
    computeStageRegions();
  }

  /** The configuration this arena serves. */
  public StingyConfig config() {
    return config;
  }

  /**
   * A slice of object {@code objectId}'s region, position 0 and limit = capacity = the object's
   * {@code slotBytes}; or, when {@code n_O} of them are live or the region is full, a new {@code
   * allocateDirect} buffer of the same capacity (a counted fallback).
   *
   * @throws IllegalStateException if the object is served by a {@link Pool}
   */
  public ByteBuffer alloc(int objectId) {
    ByteBuffer b = take(objectId);
    if (b == null) {
      fallbacks[objectId]++;
      return ByteBuffer.allocateDirect(objBytes[objectId]);
    }
    return b;
  }

  /**
   * The guarded allocation of thesis figure 6.5 in one call, for objects with a {@code stingy_size}
   * hint: when {@code bytes} fit the object's slot, a slice with limit {@code bytes} (its capacity
   * stays the slot's); larger requests get {@code allocateDirect(bytes)} and count as oversize;
   * a full pool falls back to {@code allocateDirect(bytes)} as {@link #alloc(int)} does.
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public ByteBuffer alloc(int objectId, int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size " + bytes + " for " + names[objectId]);
    }
    if (bytes > objBytes[objectId]) {
      oversize[objectId]++;
      return ByteBuffer.allocateDirect(bytes);
    }
    ByteBuffer b = take(objectId);
    if (b == null) {
      fallbacks[objectId]++;
      return ByteBuffer.allocateDirect(bytes);
    }
    return b.limit(bytes);
  }

  private ByteBuffer take(int o) {
    if (pools[o] != null) {
      throw new IllegalStateException(names[o] + " is served by a Pool, not by slices");
    }
    int r = objRegion[o];
    if (live[o] >= objCount[o] || freeTop[r] == 0) {
      return null;
    }
    int slot = freeSlots[r][--freeTop[r]];
    slotOwner[r][slot] = o;
    if (++live[o] > highWater[o]) {
      highWater[o] = live[o];
    }
    hits[o]++;
    ByteBuffer v = views[o][slot];
    if (v == null) {
      v = slab.slice(regionOffset[r] + slot * regionSlotBytes[r], objBytes[o]);
      views[o][slot] = v;
      register(v, o, slot);
    }
    v.clear();
    v.order(ByteOrder.BIG_ENDIAN);
    return v;
  }

  /**
   * Returns a slice to its region's free list (LIFO: the next allocation of the region reuses the
   * most recently freed, cache-warm slot). Foreign buffers are ignored and counted; {@code null} is
   * ignored.
   *
   * @throws IllegalStateException on a second free of a slice (naming its object and slot)
   */
  public void free(ByteBuffer b) {
    if (b == null) {
      return;
    }
    int i = find(b);
    if (i < 0) {
      foreignFrees++;
      return;
    }
    int o = keyObject[i];
    int slot = keySlot[i];
    int r = objRegion[o];
    if (slotOwner[r][slot] != o) {
      throw new IllegalStateException(
          "double free of "
              + names[o]
              + " (slot "
              + slot
              + " of region "
              + config.regions().get(r).id()
              + " is "
              + (slotOwner[r][slot] == FREE ? "free" : "held by " + names[slotOwner[r][slot]])
              + ")");
    }
    slotOwner[r][slot] = FREE;
    live[o]--;
    frees[o]++;
    freeSlots[r][freeTop[r]++] = slot;
  }

  /**
   * Whether every object stage {@code stage} allocates can be had now without a fallback: each is
   * below its {@code n_O}, and each region has as many free slots as the stage takes from it
   * ({@code stingy_dyn_check}). An object listed twice in the stage's table needs two. O(objects
   * the stage allocates).
   */
  public boolean dynCheck(int stage) {
    int[] objects = stageObjects[stage];
    int[] times = stageObjectNeed[stage];
    for (int k = 0; k < objects.length; k++) {
      int o = objects[k];
      Pool<?> p = pools[o];
      if ((p != null ? p.live() : live[o]) + times[k] > objCount[o]) {
        return false;
      }
    }
    int[] regions = stageRegions[stage];
    int[] need = stageRegionNeed[stage];
    for (int k = 0; k < regions.length; k++) {
      if (freeTop[regions[k]] < need[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Admission control (thesis §7.4.5): whether {@link #dynCheck} passes for every entry stage of the
   * configuration, i.e. new work can be admitted without a fallback. True when there is no entry
   * stage. O(objects the entry stages allocate).
   */
  public boolean admits() {
    for (int s : entryStages) {
      if (!dynCheck(s)) {
        return false;
      }
    }
    return true;
  }

  /** Whether one more {@code objectId} can be had now without a fallback. */
  public boolean available(int objectId) {
    Pool<?> p = pools[objectId];
    if (p != null) {
      return p.available();
    }
    return live[objectId] < objCount[objectId] && freeTop[objRegion[objectId]] > 0;
  }

  /**
   * Serves object {@code objectId} with Java instances instead of slices: a {@link Pool} of at most
   * {@code n_O} instances made by {@code factory} and cleaned by {@code reset} on free, whose counts
   * appear in {@link #stats()} and whose availability {@link #dynCheck} tests. The object's region
   * slots are then not used by it.
   *
   * @throws IllegalStateException if the object already has a pool or live slices
   */
  public <T> Pool<T> pool(int objectId, Supplier<? extends T> factory, Consumer<? super T> reset) {
    if (pools[objectId] != null) {
      throw new IllegalStateException(names[objectId] + " already has a pool");
    }
    if (live[objectId] > 0) {
      throw new IllegalStateException(names[objectId] + " has live slices");
    }
    Pool<T> p = new Pool<>(objectId, names[objectId], objCount[objectId], factory, reset);
    pools[objectId] = p;
    computeStageRegions();
    return p;
  }

  /** The byte offset of one of this arena's slices in the cache slab; -1 for any other buffer. */
  public int offsetOf(ByteBuffer b) {
    int i = b == null ? -1 : find(b);
    if (i < 0) {
      return -1;
    }
    int r = objRegion[keyObject[i]];
    return regionOffset[r] + keySlot[i] * regionSlotBytes[r];
  }

  /** A read-write view of the whole slab (tests check slices against it). */
  ByteBuffer slab() {
    return slab.duplicate();
  }

  /** A snapshot of the counters. */
  public StingyStats stats() {
    List<StingyStats.ObjectStats> objects = new ArrayList<>(names.length);
    long foreign = foreignFrees;
    for (int o = 0; o < names.length; o++) {
      Pool<?> p = pools[o];
      if (p != null) {
        objects.add(p.stats());
        foreign += p.foreignFrees();
      } else {
        objects.add(
            new StingyStats.ObjectStats(
                o,
                names[o],
                StingyStats.Kind.SLICE,
                objCount[o],
                live[o],
                highWater[o],
                hits[o],
                fallbacks[o],
                oversize[o],
                frees[o]));
      }
    }
    List<StingyStats.RegionStats> regions = new ArrayList<>(freeTop.length);
    for (int r = 0; r < freeTop.length; r++) {
      StingyConfig.Region region = config.regions().get(r);
      regions.add(new StingyStats.RegionStats(region.id(), region.slots(), freeTop[r]));
    }
    return new StingyStats(config.cacheBytes(), lineBytes, objects, regions, foreign);
  }

  /** The counters as a table, for logs and debugging. */
  public String dump() {
    return stats().toTable();
  }

  // --- stage tables ------------------------------------------------------------------------------

  /** Per stage, the regions its slice objects take slots from and how many (pools take none). */
  private void computeStageRegions() {
    int ns = stageObjects.length;
    stageRegions = new int[ns][];
    stageRegionNeed = new int[ns][];
    for (int s = 0; s < ns; s++) {
      int[] need = new int[freeTop.length];
      for (int k = 0; k < stageObjects[s].length; k++) {
        int o = stageObjects[s][k];
        if (pools[o] == null) {
          need[objRegion[o]] += stageObjectNeed[s][k];
        }
      }
      int distinct = 0;
      for (int n : need) {
        distinct += n > 0 ? 1 : 0;
      }
      stageRegions[s] = new int[distinct];
      stageRegionNeed[s] = new int[distinct];
      int k = 0;
      for (int r = 0; r < need.length; r++) {
        if (need[r] > 0) {
          stageRegions[s][k] = r;
          stageRegionNeed[s][k++] = need[r];
        }
      }
    }
  }

  // --- identity table ----------------------------------------------------------------------------

  private static int hash(Object key, int mask) {
    int h = System.identityHashCode(key);
    return (h ^ (h >>> 16)) * 0x9E3779B9 >>> 7 & mask;
  }

  private int find(ByteBuffer b) {
    int mask = keys.length - 1;
    for (int i = hash(b, mask); ; i = (i + 1) & mask) {
      ByteBuffer k = keys[i];
      if (k == b) {
        return i;
      }
      if (k == null) {
        return -1;
      }
    }
  }

  private void register(ByteBuffer v, int o, int slot) {
    if ((keyCount + 1) * 2 > keys.length) {
      grow();
    }
    insert(v, o, slot);
    keyCount++;
  }

  private void insert(ByteBuffer v, int o, int slot) {
    int mask = keys.length - 1;
    int i = hash(v, mask);
    while (keys[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = v;
    keyObject[i] = o;
    keySlot[i] = slot;
  }

  private void grow() {
    ByteBuffer[] oldKeys = keys;
    int[] oldObject = keyObject;
    int[] oldSlot = keySlot;
    keys = new ByteBuffer[oldKeys.length * 2];
    keyObject = new int[keys.length];
    keySlot = new int[keys.length];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        insert(oldKeys[i], oldObject[i], oldSlot[i]);
      }
    }
  }
}
