package org.broomstick.stingygen.layout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenException.Kind;
import org.broomstick.stingygen.cache.CacheGeometry;
import org.broomstick.stingygen.report.Report;
import org.broomstick.stingygen.report.Report.Global;
import org.broomstick.stingygen.report.Report.ObjectClass;
import org.broomstick.stingygen.report.Report.ReportObject;

/**
 * What goes into the cache slab (SPEC §6, thesis §6.2.3): the stack, the final globals, the per-task
 * objects the Stingy allocator manages grouped into regions by colour, and the budget τ they leave.
 * Objects stingygen cannot manage (unknown size without a hint, unbounded count, global) are listed
 * with the reason; they stay with the default allocator.
 *
 * @param stackBytes the stack requirement (report or {@code --stack-bytes})
 * @param finalGlobalBytes the final globals, static and dynamic, unrounded
 * @param tauBytes τ = cache − stack − final globals (SPEC §6)
 * @param stackAreaBytes the stack area, rounded up to a line
 * @param globalsAreaBytes the globals area, rounded up to a line
 * @param regionAreaBytes what the regions may occupy: the cache slab above both areas
 */
public record Workload(
    CacheGeometry cache,
    long stackBytes,
    String stackSource,
    List<GlobalItem> globals,
    long finalGlobalBytes,
    long tauBytes,
    long stackAreaBytes,
    long globalsAreaBytes,
    long regionAreaBytes,
    List<Managed> managed,
    List<Unmanaged> unmanaged,
    List<RegionGroup> regions) {

  public Workload {
    globals = List.copyOf(globals);
    managed = List.copyOf(managed);
    unmanaged = List.copyOf(unmanaged);
    regions = List.copyOf(regions);
  }

  /**
   * A managed per-task object. {@code sizeBytes} is the report's size, else the {@code stingy_size}
   * hint ({@code hinted}); a task holds {@code perTask} (= {@code stingy_count}, default 1) of them,
   * {@code bytesPerTask} in all; {@code slotBytes} is the size rounded up to a line.
   */
  public record Managed(
      String id, long sizeBytes, boolean hinted, int perTask, long bytesPerTask, long slotBytes, Integer colour, int region) {}

  /** An object left to the default allocator, and why. */
  public record Unmanaged(String id, String reason) {}

  /** A static global or a dynamically allocated global object, with its final/temporary class. */
  public record GlobalItem(String id, boolean dynamic, long sizeBytes, boolean isFinal) {}

  /**
   * The objects of one colour (or one uncoloured object): a region of the memory map. {@code
   * slotBytes} is the stride of its slots: the largest member's slot, one line more when that is a
   * multiple of {@link #ALIAS_LINES} lines.
   */
  public record RegionGroup(int index, Integer colour, long slotBytes, List<Integer> members) {
    public RegionGroup {
      members = List.copyOf(members);
    }
  }

  /**
   * Classifies the report's objects and globals for this cache. {@code stackOverride} replaces the
   * report's stack; {@code globalThreshold} reclassifies globals by size (≤ threshold: final).
   */
  public static Workload of(Report report, CacheGeometry cache, Long stackOverride, Long globalThreshold) {
    long line = cache.lineBytes();
    long stack;
    String stackSource;
    if (stackOverride != null) {
      if (stackOverride < 0) {
        throw new StingygenException(Kind.USAGE, "stack.invalid", "--stack-bytes must not be negative");
      }
      stack = stackOverride;
      stackSource = "--stack-bytes";
    } else if (report.stack().totalBytes() != null) {
      stack = report.stack().totalBytes();
      stackSource = "report";
    } else {
      throw new StingygenException(
          Kind.INPUT,
          "stack.unbounded",
          report.file(),
          0,
          0,
          "the report's stack is unbounded (recursion without a stingy_count); give --stack-bytes N");
    }

    List<GlobalItem> globals = new ArrayList<>();
    List<Unmanaged> unmanaged = new ArrayList<>();
    for (Global g : report.globals()) {
      boolean fin = globalThreshold != null ? g.sizeBytes() <= globalThreshold : g.globalClass() == ObjectClass.GLOBAL_FINAL;
      globals.add(new GlobalItem(g.id(), false, g.sizeBytes(), fin));
    }
    List<ReportObject> perTask = new ArrayList<>();
    for (ReportObject o : report.objects()) {
      switch (o.objectClass()) {
        case GLOBAL_FINAL, GLOBAL_TEMPORARY -> {
          Long size = o.sizeBytes() != null ? o.sizeBytes() : o.sizeHint();
          if (size == null) {
            unmanaged.add(new Unmanaged(o.id(), "global of unknown size"));
            continue;
          }
          long bytes = size * (o.countHint() == null ? 1 : o.countHint());
          boolean fin = globalThreshold != null ? bytes <= globalThreshold : o.objectClass() == ObjectClass.GLOBAL_FINAL;
          globals.add(new GlobalItem(o.id(), true, bytes, fin));
          unmanaged.add(new Unmanaged(o.id(), fin ? "global (final: in the globals area)" : "global (temporary: outside the cache slab)"));
        }
        case UNBOUNDED -> unmanaged.add(new Unmanaged(o.id(), "unbounded count (in a cycle, no stingy_count)"));
        case PER_TASK -> {
          if (o.sizeBytes() == null && o.sizeHint() == null) {
            unmanaged.add(new Unmanaged(o.id(), "unknown size and no stingy_size hint"));
          } else {
            perTask.add(o);
          }
        }
      }
    }
    long finalGlobals = globals.stream().filter(GlobalItem::isFinal).mapToLong(GlobalItem::sizeBytes).sum();
    long tau = cache.sizeBytes() - stack - finalGlobals;
    if (tau <= 0) {
      throw new StingygenException(
          Kind.INFEASIBLE,
          "budget.none",
          String.format(
              "no room for per-task objects: tau = cache %d - stack %d - final globals %d = %d bytes"
                  + " (try --stack-bytes, a smaller --global-threshold or a larger --cache-size)",
              cache.sizeBytes(), stack, finalGlobals, tau));
    }
    long stackArea = roundUp(stack, line);
    long globalsArea = roundUp(finalGlobals, line);
    long regionArea = cache.sizeBytes() - stackArea - globalsArea;
    if (regionArea < 0) {
      throw new StingygenException(
          Kind.INFEASIBLE,
          "budget.areas",
          String.format(
              "the stack area (%d bytes) and globals area (%d bytes), each rounded up to a %d-byte"
                  + " line, need more than the cache's %d bytes",
              stackArea, globalsArea, line, cache.sizeBytes()));
    }

    // Regions: one per colour in ascending colour order, then one per uncoloured object, in report
    // order, so that the map is the same on every run.
    Map<Integer, List<Integer>> byColour = new TreeMap<>();
    List<Integer> uncoloured = new ArrayList<>();
    for (int i = 0; i < perTask.size(); i++) {
      Integer c = perTask.get(i).color();
      if (c == null) {
        uncoloured.add(i);
      } else {
        byColour.computeIfAbsent(c, k -> new ArrayList<>()).add(i);
      }
    }
    Map<Integer, Integer> regionOf = new LinkedHashMap<>();
    List<List<Integer>> groups = new ArrayList<>();
    List<Integer> groupColour = new ArrayList<>();
    byColour.forEach((c, members) -> {
      groups.add(members);
      groupColour.add(c);
    });
    for (int i : uncoloured) {
      groups.add(List.of(i));
      groupColour.add(null);
    }
    for (int g = 0; g < groups.size(); g++) {
      for (int i : groups.get(g)) {
        regionOf.put(i, g);
      }
    }
    List<Managed> managed = new ArrayList<>();
    for (int i = 0; i < perTask.size(); i++) {
      ReportObject o = perTask.get(i);
      boolean hinted = o.sizeBytes() == null;
      long size = hinted ? o.sizeHint() : o.sizeBytes();
      int count = o.countHint() == null ? 1 : o.countHint();
      managed.add(new Managed(o.id(), size, hinted, count, Math.multiplyExact(size, count), roundUp(size, line), o.color(), regionOf.get(i)));
    }
    List<RegionGroup> regions = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      long slot = stride(groups.get(g).stream().mapToLong(i -> managed.get(i).slotBytes()).max().orElseThrow(), line);
      List<Integer> members = new ArrayList<>(groups.get(g));
      members.sort(Comparator.naturalOrder());
      regions.add(new RegionGroup(g, groupColour.get(g), slot, members));
    }
    return new Workload(
        cache, stack, stackSource, globals, finalGlobals, tau, stackArea, globalsArea, regionArea, managed, unmanaged, regions);
  }

  /** The index of each managed object's id. */
  public Map<String, Integer> index() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < managed.size(); i++) {
      m.put(managed.get(i).id(), i);
    }
    return m;
  }

  /**
   * Slots whose size is a multiple of this many lines (4 KiB at 64-byte lines: the page, and the
   * way size of a 64-set L1) get one line more of stride. With such a stride the first line of
   * every slot, the line a task touches first, falls into the same 1/64 (or fewer) of any cache's
   * sets, whose count is a power of two: at 4096 tasks and 4096-byte slots they evict each other. An
   * odd stride (64·k + 1 lines) spreads them over every set, for at most 1/65 more bytes. Measured
   * in bench/alloc/README.md (event loop at 4096 tasks). Smaller powers of two (2 KiB slots) alias
   * less and were not measured; padding them would cost more (1/33) and change the plans of small
   * caches, so they are left as they are.
   */
  public static final long ALIAS_LINES = 64;

  /** A region's slot stride for its largest member's slot: padded by a line when it aliases. */
  static long stride(long slotBytes, long line) {
    return slotBytes % (ALIAS_LINES * line) == 0 ? slotBytes + line : slotBytes;
  }

  static long roundUp(long n, long line) {
    return (n + line - 1) / line * line;
  }
}
