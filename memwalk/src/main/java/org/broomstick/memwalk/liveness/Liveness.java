package org.broomstick.memwalk.liveness;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.broomstick.memwalk.diag.Diagnostic;

/**
 * Per-task liveness of a server's objects (SPEC §5.5): for every stage, what a task may hold when
 * it enters ({@code L_s}), what it surely holds, what the stage allocates ({@code A_s}) and frees;
 * for every object, where it is allocated and whether a task may hold it past its end or more than
 * once. Object ids are allocation-site ids.
 *
 * @param stages per stage, in the stage graph's order
 * @param objects per allocation site, in the program's order
 */
public record Liveness(List<StageFacts> stages, List<ObjectFacts> objects, List<Diagnostic> diagnostics) {

  public Liveness {
    stages = List.copyOf(stages);
    objects = List.copyOf(objects);
    diagnostics = List.copyOf(diagnostics);
  }

  /**
   * @param entryStage a new task may start here: queued from outside every stage (the scheduler,
   *     {@code main}), or queued by no stage at all
   * @param rank the fewest event edges from an entry stage (-1: no entry stage reaches it)
   * @param liveIn {@code L_s}: objects a task may hold on entry (may-live)
   * @param mustLiveIn objects every task entering the stage holds (must-live); a subset of liveIn
   * @param allocates {@code A_s}: objects the stage's functions may allocate
   * @param frees objects the stage's functions may free
   * @param liveAtExit objects a task may still hold when the stage's entry function returns
   */
  public record StageFacts(
      String stage,
      boolean entryStage,
      int rank,
      SortedSet<String> liveIn,
      SortedSet<String> mustLiveIn,
      SortedSet<String> allocates,
      SortedSet<String> frees,
      SortedSet<String> liveAtExit) {}

  /**
   * @param allocatedIn the stages that may allocate the object (empty: allocated outside tasks)
   * @param freedIn the stages that may free it
   * @param outlivesTask a task may still hold it after a terminal stage (no successors) returns
   * @param reallocatedWhileLive a task may allocate it again while holding an earlier instance
   *     (loops, SCG cycles, recursion): its per-task count has no static bound
   */
  public record ObjectFacts(
      String id,
      SortedSet<String> allocatedIn,
      SortedSet<String> freedIn,
      boolean outlivesTask,
      boolean reallocatedWhileLive) {}

  public Map<String, StageFacts> stagesById() {
    Map<String, StageFacts> m = new java.util.LinkedHashMap<>();
    stages.forEach(s -> m.put(s.stage(), s));
    return m;
  }

  public Map<String, ObjectFacts> objectsById() {
    Map<String, ObjectFacts> m = new java.util.LinkedHashMap<>();
    objects.forEach(o -> m.put(o.id(), o));
    return m;
  }
}
