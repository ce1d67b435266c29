package org.broomstick.memwalk.stack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.broomstick.memwalk.cycles.Cycles;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.scg.Edge;
import org.broomstick.memwalk.scg.Stage;
import org.broomstick.memwalk.scg.StageGraph;

/**
 * The stack a stage needs is the heaviest call path from its entry, each function weighing its
 * frame (estimate or GCC's {@code .su} figure); library functions outside the inputs weigh 0. A
 * path through recursion has no bound unless a function of the recursive component declares one
 * with {@code stingy_count(k)} (at most k nested activations), as SPEC §5.7 treats recursion like
 * cycles. The scheduler's share is its heaviest path to a function
 * that dispatches a stage (SPEC §5.7).
 */
public final class StackAnalysis {
  private StackAnalysis() {}

  public static StackSummary analyse(StageGraph sg, Cycles cycles) {
    Map<String, Set<String>> calls = new HashMap<>();
    for (Edge e : sg.callGraph().edges()) {
      if (e.kind() == Edge.Kind.CALL) {
        calls.computeIfAbsent(e.from(), k -> new TreeSet<>()).add(e.to());
      }
    }
    Map<String, Function> fns = sg.callGraph().program().functionsById();
    Set<String> recursive = cycles.recursiveFunctions();
    Map<String, List<String>> byFunction = new HashMap<>();
    cycles.recursion().forEach(c -> c.forEach(f -> byFunction.put(f, c)));
    Recursion rec = new Recursion(byFunction, sg.callGraph().program().recursionBounds());
    Map<String, Long> perStage = new LinkedHashMap<>();
    TreeMap<Long, Integer> buckets = new TreeMap<>();
    boolean unbounded = false;
    long deepest = 0;
    for (Stage s : sg.stages()) {
      Set<String> members = Set.copyOf(s.functions());
      Map<String, Long> memo = new HashMap<>();
      Long d = heaviest(s.id(), members, calls, fns, rec, memo);
      perStage.put(s.id(), d);
      if (d == null) {
        unbounded = true;
      } else {
        deepest = Math.max(deepest, d);
        leafDepths(s.id(), 0, members, calls, fns, recursive, new TreeSet<>(), buckets);
      }
    }
    long scheduler = sg.scheduler().map(sch -> schedulerDepth(sch, calls, fns, recursive)).orElse(0L);
    List<StackSummary.Cluster> clusters = new ArrayList<>();
    buckets.forEach((bytes, n) -> clusters.add(new StackSummary.Cluster(bytes, n)));
    return new StackSummary(perStage, scheduler, unbounded ? null : scheduler + deepest, clusters);
  }

  private static long frame(String f, Map<String, Function> fns) {
    Function fn = fns.get(f);
    return fn == null ? 0 : fn.frameBytes();
  }

  /**
   * Heaviest path from {@code f} inside {@code members}; null when it meets unbounded recursion. A
   * recursive component whose functions carry a {@code stingy_count} bound k weighs k times the
   * sum of its frames (each activation at most every frame of the cycle), then its heaviest exit.
   */
  private static Long heaviest(
      String f, Set<String> members, Map<String, Set<String>> calls, Map<String, Function> fns,
      Recursion rec, Map<String, Long> memo) {
    if (memo.containsKey(f)) {
      return memo.get(f);
    }
    List<String> component = rec.componentOf(f);
    Long total;
    if (component != null) {
      Long k = rec.bound(component);
      if (k == null) {
        total = null;
      } else {
        memo.put(f, null); // guards the walk; replaced below
        long frames = 0;
        long exit = 0;
        boolean unbounded = false;
        for (String g : component) {
          frames += frame(g, fns);
          for (String c : calls.getOrDefault(g, Set.of())) {
            if (!members.contains(c) || component.contains(c)) {
              continue;
            }
            Long d = heaviest(c, members, calls, fns, rec, memo);
            if (d == null) {
              unbounded = true;
            } else {
              exit = Math.max(exit, d);
            }
          }
        }
        total = unbounded ? null : k * frames + exit;
      }
      for (String g : component) {
        memo.put(g, total);
      }
      return total;
    }
    long best = 0;
    for (String c : calls.getOrDefault(f, Set.of())) {
      if (!members.contains(c)) {
        continue;
      }
      Long d = heaviest(c, members, calls, fns, rec, memo);
      if (d == null) {
        memo.put(f, null);
        return null;
      }
      best = Math.max(best, d);
    }
    total = frame(f, fns) + best;
    memo.put(f, total);
    return total;
  }

  /** The recursive components and the bounds declared on their functions. */
  private record Recursion(Map<String, List<String>> byFunction, Map<String, Long> bounds) {
    List<String> componentOf(String f) {
      return byFunction.get(f);
    }

    /** The smallest bound declared on a function of the component; null when none is. */
    Long bound(List<String> component) {
      Long k = null;
      for (String g : component) {
        Long b = bounds.get(g);
        if (b != null && (k == null || b < k)) {
          k = b;
        }
      }
      return k;
    }
  }

  /**
   * Counts each path from the entry to a leaf into its power-of-two bucket. Paths are enumerated,
   * so a budget keeps pathological graphs linear-ish: past it, remaining paths count at the leaf's
   * heaviest depth once.
   */
  private static void leafDepths(
      String f, long above, Set<String> members, Map<String, Set<String>> calls, Map<String, Function> fns,
      Set<String> recursive, Set<String> onPath, TreeMap<Long, Integer> buckets) {
    long here = above + frame(f, fns);
    boolean leaf = true;
    if (buckets.values().stream().mapToInt(Integer::intValue).sum() < 100_000) {
      onPath.add(f);
      for (String c : calls.getOrDefault(f, Set.of())) {
        if (members.contains(c) && !onPath.contains(c) && !recursive.contains(c)) {
          leaf = false;
          leafDepths(c, here, members, calls, fns, recursive, onPath, buckets);
        }
      }
      onPath.remove(f);
    }
    if (leaf) {
      buckets.merge(bucket(here), 1, Integer::sum);
    }
  }

  static long bucket(long bytes) {
    long b = 64;
    while (b < bytes) {
      b <<= 1;
    }
    return b;
  }

  private static long schedulerDepth(
      StageGraph.Scheduler sch, Map<String, Set<String>> calls, Map<String, Function> fns, Set<String> recursive) {
    Set<String> members = Set.copyOf(sch.functions());
    Set<String> dispatchers = Set.copyOf(sch.dispatchers());
    Map<String, Long> memo = new HashMap<>();
    Long d = toDispatch(sch.entry(), members, dispatchers, calls, fns, recursive, memo, new TreeSet<>());
    return d == null ? 0 : d;
  }

  /** Heaviest path from {@code f} to a dispatcher (inclusive); null when none is reached. */
  private static Long toDispatch(
      String f, Set<String> members, Set<String> dispatchers, Map<String, Set<String>> calls,
      Map<String, Function> fns, Set<String> recursive, Map<String, Long> memo, Set<String> onPath) {
    if (memo.containsKey(f)) {
      return memo.get(f);
    }
    onPath.add(f);
    Long best = dispatchers.contains(f) ? 0L : null;
    for (String c : calls.getOrDefault(f, Set.of())) {
      if (members.contains(c) && !onPath.contains(c)) {
        Long d = toDispatch(c, members, dispatchers, calls, fns, recursive, memo, onPath);
        if (d != null && (best == null || d > best)) {
          best = d;
        }
      }
    }
    onPath.remove(f);
    Long total = best == null ? null : frame(f, fns) + best;
    memo.put(f, total);
    return total;
  }
}
