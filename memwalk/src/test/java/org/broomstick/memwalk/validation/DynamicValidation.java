package org.broomstick.memwalk.validation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.broomstick.memwalk.validation.ObservedTrace.Alloc;
import org.broomstick.memwalk.validation.ObservedTrace.Event;
import org.broomstick.memwalk.validation.ObservedTrace.Free;
import org.broomstick.memwalk.validation.ObservedTrace.Queue;
import org.broomstick.memwalk.validation.ObservedTrace.StageEntry;
import org.broomstick.memwalk.validation.StaticFacts.Edge;
import org.broomstick.memwalk.validation.StaticFacts.Order;

/**
 * Checks static facts against what a run did (issue 4, "Dynamic validation"). Every fact the trace
 * shows must be claimed: each observed event edge, each object a task holds when it enters a stage
 * (in L_s), each allocation a stage makes (in A_s); no order constraint may be contradicted, and
 * objects a task holds at once may not share a colour. Static facts the run never shows are
 * imprecision (or code the input does not reach), listed but not errors.
 */
public final class DynamicValidation {
  private DynamicValidation() {}

  /** The outcome: observed facts (described), the ones the static facts miss, and other faults. */
  public record Result(
      Set<String> observed, Set<String> uncovered, List<String> violations, Set<String> neverObserved) {

    public Result {
      observed = Set.copyOf(observed);
      uncovered = Set.copyOf(uncovered);
      violations = List.copyOf(violations);
      neverObserved = Set.copyOf(neverObserved);
    }

    /** Observed facts the static facts cover, over observed facts. */
    public double recall() {
      return observed.isEmpty() ? 1.0 : (observed.size() - uncovered.size()) / (double) observed.size();
    }

    /** Uncovered facts and the other violations. */
    public List<String> allViolations() {
      List<String> all = new ArrayList<>();
      new TreeSet<>(uncovered).forEach(f -> all.add("not in the static facts: " + f));
      all.addAll(violations);
      return all;
    }

    public String render(String name) {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              "%s: recall %.1f%% (%d of %d observed facts), %d violations%n",
              name, 100 * recall(), observed.size() - uncovered.size(), observed.size(), allViolations().size()));
      allViolations().forEach(v -> s.append("  violation: ").append(v).append('\n'));
      new TreeSet<>(neverObserved).forEach(f -> s.append("  never observed: ").append(f).append('\n'));
      return s.toString();
    }
  }

  /** A live instance: which object, held by which task. */
  private record Instance(String object, int task) {}

  public static Result validate(ObservedTrace trace, StaticFacts facts) {
    Set<String> observed = new TreeSet<>();
    Set<String> uncovered = new TreeSet<>();
    List<String> violations = new ArrayList<>();
    Map<String, Instance> live = new HashMap<>(); // pointer -> instance
    Map<Integer, String> lastStage = new HashMap<>();
    Map<Integer, List<String>> pendingQueues = new HashMap<>(); // task -> stages queued, not yet run
    Set<Order> reported = new java.util.HashSet<>();
    int step = 0;

    for (Event event : trace.events()) {
      step++;
      if (event instanceof Queue q) {
        pendingQueues.computeIfAbsent(q.task(), t -> new ArrayList<>()).add(q.to());
        if (q.from() != null) {
          Edge e = new Edge(q.from(), q.to());
          check("event edge " + e, facts.eventEdges().contains(e), observed, uncovered);
        }
      } else if (event instanceof StageEntry s) {
        // every task is now between stages: a scheduling point, where order constraints must hold
        checkOrders(facts, live, step, reported, violations);
        check("stage " + s.stage(), facts.stages().contains(s.stage()), observed, uncovered);
        List<String> pending = pendingQueues.getOrDefault(s.task(), new ArrayList<>());
        if (!pending.remove(s.stage())) {
          // no queue_stage call: a store into a stage field queued it, in the task's last stage
          String from = lastStage.get(s.task());
          if (from == null) {
            violations.add("task " + s.task() + " entered " + s.stage() + " without being queued");
          } else {
            Edge e = new Edge(from, s.stage());
            check("event edge " + e + " (stage field)", facts.eventEdges().contains(e), observed, uncovered);
          }
        }
        lastStage.put(s.task(), s.stage());
        Set<String> liveIn = facts.liveIn().getOrDefault(s.stage(), Set.of());
        for (String object : held(live, s.task())) {
          check(object + " live on entry to " + s.stage(), liveIn.contains(object), observed, uncovered);
        }
      } else if (event instanceof Alloc a) {
        if (a.stage() != null) {
          Set<String> allocates = facts.allocates().getOrDefault(a.stage(), Set.of());
          check(a.object() + " allocated in " + a.stage(), allocates.contains(a.object()), observed, uncovered);
        }
        Integer colour = facts.colours().get(a.object());
        for (String other : held(live, a.task())) {
          if (colour != null && colour.equals(facts.colours().get(other)) && !other.equals(a.object())) {
            violations.add(
                "task " + a.task() + " holds " + other + " and " + a.object() + " at once, both colour " + colour);
          }
        }
        live.put(a.pointer(), new Instance(a.object(), a.task()));
      } else if (event instanceof Free f) {
        if (!f.pointer().equals("0x0") && live.remove(f.pointer()) == null) {
          violations.add("free at " + f.site() + " of " + f.pointer() + ", which no traced allocation returned");
        }
      }
    }
    checkOrders(facts, live, step, reported, violations);

    Set<String> neverObserved = new TreeSet<>();
    facts.eventEdges().forEach(e -> neverObserved.add("event edge " + e));
    facts.stages().forEach(s -> neverObserved.add("stage " + s));
    facts.liveIn().forEach((s, objects) -> objects.forEach(o -> neverObserved.add(o + " live on entry to " + s)));
    facts.allocates().forEach((s, objects) -> objects.forEach(o -> neverObserved.add(o + " allocated in " + s)));
    observed.forEach(f -> neverObserved.remove(f.replace(" (stage field)", "")));
    return new Result(normalise(observed), normalise(uncovered), violations, neverObserved);
  }

  // a field-queued edge and a queue_stage edge are the same fact
  private static Set<String> normalise(Set<String> facts) {
    Set<String> n = new TreeSet<>();
    facts.forEach(f -> n.add(f.replace(" (stage field)", "")));
    return n;
  }

  private static void check(String fact, boolean covered, Set<String> observed, Set<String> uncovered) {
    observed.add(fact);
    if (!covered) {
      uncovered.add(fact);
    }
  }

  private static Set<String> held(Map<String, Instance> live, int task) {
    Set<String> objects = new TreeSet<>();
    live.values().stream().filter(i -> i.task() == task).forEach(i -> objects.add(i.object()));
    return objects;
  }

  /*
   * n_greater >= n_lesser is contradicted when more instances of lesser than of greater are live.
   * Counted only at scheduling points: inside a stage a task frees its objects one after another,
   * and a moment between two frees of one stage never needs a slot more.
   */
  private static void checkOrders(
      StaticFacts facts, Map<String, Instance> live, int step, Set<Order> reported, List<String> violations) {
    Map<String, Integer> count = new TreeMap<>();
    live.values().forEach(i -> count.merge(i.object(), 1, Integer::sum));
    for (Order o : facts.orderConstraints()) {
      int greater = count.getOrDefault(o.greater(), 0);
      int lesser = count.getOrDefault(o.lesser(), 0);
      if (lesser > greater && reported.add(o)) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        seen.put(o.greater(), greater);
        seen.put(o.lesser(), lesser);
        violations.add(o + " contradicted at event " + step + ": live " + seen);
      }
    }
  }
}
