package org.broomstick.stingygen.layout;

import java.util.ArrayList;
import java.util.List;
import org.broomstick.stingygen.layout.Workload.Managed;
import org.broomstick.stingygen.layout.Workload.RegionGroup;

/**
 * The Stingy allocator's memory map (thesis figure 7.4, SPEC §6): a cache slab of the cache's size
 * holding, from low addresses, the stack area, the final globals, then one region per colour; a low
 * slab below it for stack spill and a high slab above it. Offsets are from the start of the cache
 * slab; every area, region offset and slot is a multiple of the line size.
 *
 * @param lowBytes the low slab: the stack area again, at least a page, rounded to pages, so that a
 *     stack twice its estimate still spills only into memory of its own
 * @param highBytes the high slab; 0, as no runtime API allocates there yet
 */
public record MemoryMap(
    long cacheBytes,
    int lineBytes,
    Area stack,
    Area globals,
    long lowBytes,
    long highBytes,
    List<Region> regions,
    List<Placement> objects) {

  private static final long PAGE = 4096;

  public MemoryMap {
    regions = List.copyOf(regions);
    objects = List.copyOf(objects);
  }

  /** A fixed area: {@code bytes} reserved (line-rounded) for {@code usedBytes} of content. */
  public record Area(long offsetBytes, long bytes, long usedBytes) {
    public long end() {
      return offsetBytes + bytes;
    }
  }

  /** A region: {@code slots} slots of {@code slotBytes} from {@code offsetBytes}. */
  public record Region(int id, Integer colour, long offsetBytes, long slotBytes, long slots, List<String> members) {
    public Region {
      members = List.copyOf(members);
    }

    public long bytes() {
      return slotBytes * slots;
    }

    public long end() {
      return offsetBytes + bytes();
    }
  }

  /**
   * A managed object's place: n_O = {@code tasks} tasks, each holding {@code perTask} instances, so
   * {@code count} = tasks × perTask slots of its region at most.
   */
  public record Placement(String id, long sizeBytes, long slotBytes, int tasks, int perTask, long count, int region) {}

  /** Lays out a workload with the solved n_O ({@code tasks}, in {@link Workload#managed()} order). */
  public static MemoryMap layout(Workload w, List<Integer> tasks) {
    long line = w.cache().lineBytes();
    Area stack = new Area(0, w.stackAreaBytes(), w.stackBytes());
    Area globals = new Area(stack.end(), w.globalsAreaBytes(), w.finalGlobalBytes());
    List<Region> regions = new ArrayList<>();
    long offset = globals.end();
    for (RegionGroup g : w.regions()) {
      long slots = 0;
      List<String> members = new ArrayList<>();
      for (int i : g.members()) {
        Managed m = w.managed().get(i);
        slots = Math.max(slots, (long) tasks.get(i) * m.perTask());
        members.add(m.id());
      }
      regions.add(new Region(g.index(), g.colour(), offset, g.slotBytes(), slots, members));
      offset += g.slotBytes() * slots;
    }
    List<Placement> objects = new ArrayList<>();
    for (int i = 0; i < w.managed().size(); i++) {
      Managed m = w.managed().get(i);
      int t = tasks.get(i);
      objects.add(new Placement(m.id(), m.sizeBytes(), m.slotBytes(), t, m.perTask(), (long) t * m.perTask(), m.region()));
    }
    long low = Math.max(PAGE, Workload.roundUp(stack.bytes(), PAGE));
    assert offset % line == 0;
    return new MemoryMap(w.cache().sizeBytes(), w.cache().lineBytes(), stack, globals, low, 0, regions, objects);
  }

  /** The first byte of the cache slab no region uses. */
  public long regionsEnd() {
    return regions.stream().mapToLong(Region::end).max().orElse(globals.end());
  }
}
