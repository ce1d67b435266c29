package org.broomstick.memwalk.scg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.Function;
import org.broomstick.memwalk.model.SourceLocation;
import org.broomstick.memwalk.spec.ServerSpec;

/**
 * Finds the stages, the scheduler and what the entry reaches, from a call graph with event edges
 * (thesis §6.2.1, SPEC §5.2–5.3).
 *
 * <p>A stage is the call closure of a function that an event edge enters. The scheduler is what
 * the {@code Scheduler} function reaches by calls up to (not including) stage entries: a call from
 * the scheduler into a stage entry, direct or through a function pointer, is a dispatch, not a call
 * copy of the stage. With an entry function, only the stages it reaches through calls and events
 * are kept; the others are reported and left out.
 */
public final class StageDiscovery {
  private StageDiscovery() {}

  /**
   * @param entry the function to start exploring from; null takes the spec's {@code entry}, and
   *     without one every stage is kept
   */
  public static StageGraph discover(CallGraph g, String entry) {
    Map<String, Set<String>> calls = new HashMap<>();
    Map<String, Set<String>> events = new HashMap<>();
    for (Edge e : g.edges()) {
      (e.kind() == Edge.Kind.CALL ? calls : events).computeIfAbsent(e.from(), k -> new TreeSet<>()).add(e.to());
    }
    Set<String> entries = new TreeSet<>();
    events.values().forEach(entries::addAll);
    Map<String, Function> fns = g.program().functionsById();
    List<Diagnostic> diags = new ArrayList<>();

    ServerSpec spec = g.program().spec();
    String start = entry;
    SourceLocation startAt = SourceLocation.NONE;
    if (start == null && spec.entry() != null) {
      start = resolve(spec.entry().name(), fns);
      startAt = spec.entry().declaredAt();
    }
    Set<String> kept = entries;
    List<String> unreachable = new ArrayList<>();
    if (start != null) {
      if (!fns.containsKey(start)) {
        diags.add(Diagnostic.error(startAt, "scg.unknown-entry", "entry function " + start + " is not in the program"));
      } else {
        Set<String> reach = reach(start, calls, events);
        kept = new TreeSet<>();
        for (String s : entries) {
          if (reach.contains(s)) {
            kept.add(s);
          } else {
            unreachable.add(s);
            diags.add(Diagnostic.note(
                location(fns.get(s)), "scg.unreachable-stage",
                "stage " + name(s, fns) + " is not reachable from the entry " + name(start, fns) + "; left out"));
          }
        }
      }
    }

    List<Stage> stages = new ArrayList<>();
    for (String e : kept) {
      Set<String> members = closure(e, calls);
      List<String> ordered = new ArrayList<>();
      ordered.add(e);
      members.stream().filter(m -> !m.equals(e)).sorted().forEach(ordered::add);
      Set<String> succ = new TreeSet<>();
      long code = 0;
      for (String m : ordered) {
        for (String t : events.getOrDefault(m, Set.of())) {
          if (kept.contains(t)) {
            succ.add(t);
          }
        }
        Function f = fns.get(m);
        code += f == null ? 0 : f.codeBytes();
      }
      stages.add(new Stage(e, name(e, fns), ordered, List.copyOf(succ), code));
    }
    if (entries.isEmpty()) {
      diags.add(Diagnostic.note(SourceLocation.NONE, "scg.no-stages",
          "no stages declared: no QueueStage call or stage-field store queues a function"));
    }
    return new StageGraph(g, start, stages, scheduler(spec, fns, calls, entries, diags), unreachable, diags);
  }

  private static Optional<StageGraph.Scheduler> scheduler(
      ServerSpec spec, Map<String, Function> fns, Map<String, Set<String>> calls, Set<String> entries, List<Diagnostic> diags) {
    if (spec.schedulers().isEmpty()) {
      return Optional.empty();
    }
    ServerSpec.Declared declared = spec.schedulers().get(0);
    if (spec.schedulers().size() > 1) {
      diags.add(Diagnostic.warning(spec.schedulers().get(1).declaredAt(), "scg.many-schedulers",
          "more than one Scheduler is declared; " + declared.name() + " is used"));
    }
    String s = resolve(declared.name(), fns);
    if (s == null) {
      return Optional.empty();
    }
    Set<String> functions = new LinkedHashSet<>();
    Set<String> dispatchers = new TreeSet<>();
    Deque<String> work = new ArrayDeque<>(List.of(s));
    while (!work.isEmpty()) {
      String f = work.pop();
      if (!functions.add(f)) {
        continue;
      }
      for (String callee : calls.getOrDefault(f, Set.of())) {
        if (entries.contains(callee)) {
          dispatchers.add(f); // runs a stage: the dispatch point
        } else {
          work.push(callee);
        }
      }
    }
    List<String> sorted = new ArrayList<>();
    sorted.add(s);
    functions.stream().filter(f -> !f.equals(s)).sorted().forEach(sorted::add);
    return Optional.of(new StageGraph.Scheduler(s, sorted, List.copyOf(dispatchers)));
  }

  /** A spec name to a function id: the external name, else the one static function of that name. */
  private static String resolve(String name, Map<String, Function> fns) {
    if (fns.containsKey(name)) {
      return name;
    }
    for (Function f : fns.values()) {
      if (f.name().equals(name)) {
        return f.id();
      }
    }
    return null;
  }

  private static Set<String> closure(String from, Map<String, Set<String>> calls) {
    return reach(from, List.of(calls));
  }

  private static Set<String> reach(String from, Map<String, Set<String>> calls, Map<String, Set<String>> events) {
    return reach(from, List.of(calls, events));
  }

  /** Everything {@code from} reaches along the edges of any of {@code graphs}, itself included. */
  private static Set<String> reach(String from, List<Map<String, Set<String>>> graphs) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> work = new ArrayDeque<>(List.of(from));
    while (!work.isEmpty()) {
      String f = work.pop();
      if (seen.add(f)) {
        for (Map<String, Set<String>> g : graphs) {
          work.addAll(g.getOrDefault(f, Set.of()));
        }
      }
    }
    return seen;
  }

  private static String name(String id, Map<String, Function> fns) {
    Function f = fns.get(id);
    return f == null ? id : f.name();
  }

  private static SourceLocation location(Function f) {
    return f == null ? SourceLocation.NONE : f.location();
  }
}
