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
 * path through recursion has no bound. The scheduler's share is its heaviest path to a function
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
    Map<String, Long> perStage = new LinkedHashMap<>();
    TreeMap<Long, Integer> buckets = new TreeMap<>();
    boolean unbounded = false;
    long deepest = 0;
    for (Stage s : sg.stages()) {
      Set<String> members = Set.copyOf(s.functions());
      Map<String, Long> memo = new HashMap<>();
      Long d = heaviest(s.id(), members, calls, fns, recursive, memo);
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

  /** Heaviest path from {@code f} inside {@code members}; null when it meets recursion. */
  private static Long heaviest(
      String f, Set<String> members, Map<String, Set<String>> calls, Map<String, Function> fns,
      Set<String> recursive, Map<String, Long> memo) {
    if (recursive.contains(f)) {
      return null;
    }
    if (memo.containsKey(f)) {
      return memo.get(f);
    }
    long best = 0;
    for (String c : calls.getOrDefault(f, Set.of())) {
      if (!members.contains(c)) {
        continue;
      }
      Long d = heaviest(c, members, calls, fns, recursive, memo);
      if (d == null) {
        memo.put(f, null);
        return null;
      }
      best = Math.max(best, d);
    }
    long total = frame(f, fns) + best;
    memo.put(f, total);
    return total;
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
