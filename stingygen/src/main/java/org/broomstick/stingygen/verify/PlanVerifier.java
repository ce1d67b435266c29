package org.broomstick.stingygen.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.broomstick.stingygen.layout.MemoryMap;
import org.broomstick.stingygen.layout.MemoryMap.Placement;
import org.broomstick.stingygen.layout.MemoryMap.Region;
import org.broomstick.stingygen.report.Report;
import org.broomstick.stingygen.report.Report.ObjectClass;
import org.broomstick.stingygen.report.Report.OrderConstraint;
import org.broomstick.stingygen.report.Report.ReportObject;
import org.broomstick.stingygen.report.Report.Stage;

/**
 * Checks a finished plan against the report, from first principles and sharing no code with the
 * integer program's builder (issue 5): object sizes are re-derived from the report; every stage's
 * cache constraint holds with the chosen counts; order constraints hold; the stack, globals and
 * regions lie in the cache slab, line-aligned and disjoint; no region's slot stride is a multiple of
 * 64 lines (which would alias cache sets); every slot holds its object; no object
 * counts more instances than its region has slots; objects sharing a region are never live at the
 * start of one stage together.
 */
public final class PlanVerifier {
  private PlanVerifier() {}

  /**
   * A slot stride of a multiple of this many lines puts the first line of every slot into at most
   * 1/64 of a cache's sets (set counts are powers of two); the layout must avoid it (SPEC §6, the
   * memory map; stated again here, not shared with the layout code).
   */
  static final long ALIASING_LINES = 64;

  private record Interval(long lo, long hi, String what) {}

  /** Verifies {@code map} against {@code report} with budget τ = {@code tauBytes}. */
  public static Verdict verify(Report report, MemoryMap map, long tauBytes, boolean strict) {
    List<String> bad = new ArrayList<>();
    long line = map.lineBytes();
    long cache = map.cacheBytes();
    if (line <= 0 || (line & (line - 1)) != 0) {
      bad.add("line size " + line + " is not a power of two");
      return new Verdict(bad);
    }
    if (cache % line != 0) {
      bad.add("cache slab " + cache + " is not a multiple of the line size " + line);
    }
    long expectTau = cache - map.stack().usedBytes() - map.globals().usedBytes();
    if (tauBytes != expectTau) {
      bad.add("tau is " + tauBytes + " but cache - stack - globals = " + expectTau);
    }
    if (map.stack().bytes() < map.stack().usedBytes()) {
      bad.add("stack area of " + map.stack().bytes() + " bytes is smaller than the stack's " + map.stack().usedBytes());
    }
    if (map.globals().bytes() < map.globals().usedBytes()) {
      bad.add("globals area of " + map.globals().bytes() + " bytes is smaller than the globals' " + map.globals().usedBytes());
    }

    // address space: everything inside [0, cache), aligned, pairwise disjoint
    List<Interval> spans = new ArrayList<>();
    spans.add(new Interval(map.stack().offsetBytes(), map.stack().offsetBytes() + map.stack().bytes(), "stack area"));
    spans.add(new Interval(map.globals().offsetBytes(), map.globals().offsetBytes() + map.globals().bytes(), "globals area"));
    for (Region r : map.regions()) {
      if (r.offsetBytes() % line != 0) {
        bad.add("region " + r.id() + " starts at " + r.offsetBytes() + ", not a multiple of the line " + line);
      }
      if (r.slotBytes() <= 0 || r.slotBytes() % line != 0) {
        bad.add("region " + r.id() + " has slots of " + r.slotBytes() + " bytes, not a positive multiple of the line " + line);
      } else if (r.slots() > 1 && r.slotBytes() % (ALIASING_LINES * line) == 0) {
        bad.add("region " + r.id() + " has slots of " + r.slotBytes() + " bytes, a multiple of " + ALIASING_LINES
            + " lines: every slot's first line falls into the same few cache sets (pad the stride by a line)");
      }
      spans.add(new Interval(r.offsetBytes(), r.offsetBytes() + r.slotBytes() * r.slots(), "region " + r.id()));
    }
    for (Interval s : spans) {
      if (s.lo() < 0 || s.hi() > cache) {
        bad.add(s.what() + " [" + s.lo() + ", " + s.hi() + ") is not inside the cache slab [0, " + cache + ")");
      }
      if (s.lo() % line != 0) {
        bad.add(s.what() + " starts at " + s.lo() + ", not line-aligned");
      }
    }
    List<Interval> sorted = new ArrayList<>(spans);
    sorted.removeIf(s -> s.hi() == s.lo());
    sorted.sort(Comparator.comparingLong(Interval::lo));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).lo() < sorted.get(i - 1).hi()) {
        bad.add(sorted.get(i).what() + " overlaps " + sorted.get(i - 1).what());
      }
    }

    // objects: sizes from the report, slots, counts
    Map<String, ReportObject> byId = new HashMap<>();
    for (ReportObject o : report.objects()) {
      byId.put(o.id(), o);
    }
    Map<Integer, Region> regionById = new HashMap<>();
    for (Region r : map.regions()) {
      regionById.put(r.id(), r);
    }
    Map<String, Long> perTaskBytes = new HashMap<>();
    Map<String, Integer> tasks = new HashMap<>();
    Map<String, Integer> regionOf = new HashMap<>();
    for (Placement p : map.objects()) {
      ReportObject o = byId.get(p.id());
      if (o == null) {
        bad.add("object " + p.id() + " is placed but not in the report");
        continue;
      }
      if (o.objectClass() != ObjectClass.PER_TASK) {
        bad.add("object " + p.id() + " is placed but is " + o.objectClass().json() + ", not per-task");
      }
      Long size = o.sizeBytes() != null ? o.sizeBytes() : o.sizeHint();
      int per = o.countHint() != null ? o.countHint() : 1;
      if (size == null) {
        bad.add("object " + p.id() + " is placed but has no size");
        continue;
      }
      if (p.sizeBytes() != size || p.perTask() != per) {
        bad.add("object " + p.id() + " is placed as " + p.perTask() + " x " + p.sizeBytes() + " bytes, the report says " + per + " x " + size);
      }
      if (p.slotBytes() < size || p.slotBytes() % line != 0) {
        bad.add("object " + p.id() + ": slot of " + p.slotBytes() + " bytes does not hold its " + size + " bytes on a line boundary");
      }
      if (p.tasks() < 1) {
        bad.add("object " + p.id() + ": n_O = " + p.tasks() + " < 1");
      }
      if (p.count() != (long) p.tasks() * per) {
        bad.add("object " + p.id() + ": count " + p.count() + " is not n_O x count hint = " + p.tasks() + " x " + per);
      }
      Region r = regionById.get(p.region());
      if (r == null) {
        bad.add("object " + p.id() + " is in region " + p.region() + ", which does not exist");
      } else {
        if (p.slotBytes() > r.slotBytes()) {
          bad.add("object " + p.id() + ": slot " + p.slotBytes() + " is larger than region " + r.id() + "'s slots of " + r.slotBytes());
        }
        if (p.count() > r.slots()) {
          bad.add("object " + p.id() + ": " + p.count() + " instances but region " + r.id() + " has " + r.slots() + " slots");
        }
      }
      if (tasks.put(p.id(), p.tasks()) != null) {
        bad.add("object " + p.id() + " is placed twice");
      }
      perTaskBytes.put(p.id(), size * per);
      regionOf.put(p.id(), p.region());
    }
    for (ReportObject o : report.objects()) {
      if (o.objectClass() == ObjectClass.PER_TASK
          && (o.sizeBytes() != null || o.sizeHint() != null)
          && !tasks.containsKey(o.id())) {
        bad.add("per-task object " + o.id() + " has a size but no place in the map");
      }
    }

    // the thesis's cache constraint per stage (§5.2.2), and region sharing
    for (Stage s : report.stages()) {
      long sum = 0;
      for (String id : new LinkedHashSet<>(s.liveIn())) {
        if (tasks.containsKey(id)) {
          sum += perTaskBytes.get(id) * tasks.get(id);
        }
      }
      for (String id : new LinkedHashSet<>(s.allocates())) {
        if (tasks.containsKey(id)) {
          sum += perTaskBytes.get(id);
        }
      }
      if (sum > tauBytes) {
        bad.add("stage " + s.id() + " needs " + sum + " bytes, over tau = " + tauBytes + " by " + (sum - tauBytes));
      }
      Map<Integer, String> seen = new HashMap<>();
      // live at the stage's start means live at the same time; an object allocated in the stage
      // may reuse the slot of one freed earlier in it, so A_s is not checked here
      Set<String> together = new LinkedHashSet<>(s.liveIn());
      for (String id : together) {
        Integer r = regionOf.get(id);
        if (r == null) {
          continue;
        }
        String other = seen.putIfAbsent(r, id);
        if (other != null) {
          bad.add("objects " + other + " and " + id + " share region " + r + " but are both live at the start of stage " + s.id());
        }
      }
    }
    for (OrderConstraint c : report.orderConstraints()) {
      Integer g = tasks.get(c.greater());
      Integer l = tasks.get(c.lesser());
      if (g != null && l != null && g < l) {
        bad.add("order constraint n(" + c.greater() + ") = " + g + " >= n(" + c.lesser() + ") = " + l + " fails");
      }
    }
    if (strict) {
      long all = 0;
      for (String id : tasks.keySet()) {
        all += perTaskBytes.get(id) * tasks.get(id);
      }
      if (all > tauBytes) {
        bad.add("--strict: the per-task objects need " + all + " bytes at once, over tau = " + tauBytes);
      }
    }
    Set<Integer> ids = new HashSet<>();
    for (Region r : map.regions()) {
      if (!ids.add(r.id())) {
        bad.add("region id " + r.id() + " appears twice");
      }
    }
    return new Verdict(bad);
  }
}
