package org.broomstick.memwalk.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a static analysis claims about a server, in the terms a trace can check: event edges
 * between stage entries, L_s and A_s per stage (SPEC §5.5) and the order constraints n_greater ≥
 * n_lesser (SPEC §5.9), with object ids {@code file:line#allocator}. Loaded from an example's
 * hand-written {@code expected-facts.json}, or built with {@link #of} from another source, such as
 * memwalk's report (drop the column of its ids).
 *
 * @param colours a colour per object that has one (objects live together must differ); may be
 *     empty
 */
public record StaticFacts(
    Set<Edge> eventEdges,
    Map<String, Set<String>> liveIn,
    Map<String, Set<String>> allocates,
    Set<Order> orderConstraints,
    Map<String, Integer> colours) {

  /** An event edge from one stage entry to another. */
  public record Edge(String from, String to) {
    @Override
    public String toString() {
      return from + " -> " + to;
    }
  }

  /** The constraint n_greater ≥ n_lesser: no more tasks hold {@code lesser} than {@code greater}. */
  public record Order(String greater, String lesser) {
    @Override
    public String toString() {
      return "n(" + greater + ") >= n(" + lesser + ")";
    }
  }

  public StaticFacts {
    eventEdges = Set.copyOf(eventEdges);
    liveIn = copy(liveIn);
    allocates = copy(allocates);
    orderConstraints = Set.copyOf(orderConstraints);
    colours = Map.copyOf(colours);
    Set<String> unknown = new TreeSet<>(liveIn.keySet());
    unknown.removeAll(allocates.keySet());
    Set<String> missing = new TreeSet<>(allocates.keySet());
    missing.removeAll(liveIn.keySet());
    unknown.addAll(missing);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("stages with liveIn or allocates but not both: " + unknown);
    }
  }

  /**
   * Facts from plain collections: edges as [from, to] pairs, order constraints as [greater,
   * lesser] pairs.
   */
  public static StaticFacts of(
      Set<? extends List<String>> eventEdges,
      Map<String, ? extends Set<String>> liveIn,
      Map<String, ? extends Set<String>> allocates,
      Set<? extends List<String>> orderConstraints,
      Map<String, Integer> colours) {
    Set<Edge> edges = new HashSet<>();
    for (List<String> e : eventEdges) {
      edges.add(new Edge(pair(e, 0), pair(e, 1)));
    }
    Set<Order> orders = new HashSet<>();
    for (List<String> o : orderConstraints) {
      orders.add(new Order(pair(o, 0), pair(o, 1)));
    }
    return new StaticFacts(edges, new HashMap<>(liveIn), new HashMap<>(allocates), orders, colours);
  }

  /** Reads {@code expected-facts.json} (the fields {@code stages}, {@code eventEdges}, …). */
  public static StaticFacts load(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    Map<String, Set<String>> liveIn = new TreeMap<>();
    Map<String, Set<String>> allocates = new TreeMap<>();
    root.required("stages")
        .fields()
        .forEachRemaining(
            s -> {
              liveIn.put(s.getKey(), strings(s.getValue().required("liveIn")));
              allocates.put(s.getKey(), strings(s.getValue().required("allocates")));
            });
    Map<String, Integer> colours = new TreeMap<>();
    if (root.has("colours")) {
      root.get("colours").fields().forEachRemaining(c -> colours.put(c.getKey(), c.getValue().intValue()));
    }
    return of(
        pairs(root.required("eventEdges")),
        liveIn,
        allocates,
        pairs(root.required("orderConstraints")),
        colours);
  }

  /** The order constraints of the optional field {@code name} (e.g. refutedOrderConstraints). */
  public static Set<Order> loadOrders(Path file, String name) throws IOException {
    JsonNode node = new ObjectMapper().readTree(file.toFile()).get(name);
    Set<Order> orders = new HashSet<>();
    if (node != null) {
      for (List<String> o : pairs(node)) {
        orders.add(new Order(o.get(0), o.get(1)));
      }
    }
    return orders;
  }

  /** These facts with other order constraints. */
  public StaticFacts withOrderConstraints(Set<Order> constraints) {
    return new StaticFacts(eventEdges, liveIn, allocates, constraints, colours);
  }

  /** These facts with {@code object} removed from L_stage (to check that a wrong fact is caught). */
  public StaticFacts withoutLiveIn(String stage, String object) {
    Map<String, Set<String>> changed = new HashMap<>(liveIn);
    Set<String> objects = new HashSet<>(changed.get(stage));
    objects.remove(object);
    changed.put(stage, objects);
    return new StaticFacts(eventEdges, changed, allocates, orderConstraints, colours);
  }

  public Set<String> stages() {
    return liveIn.keySet();
  }

  private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
    Map<String, Set<String>> c = new HashMap<>();
    m.forEach((k, v) -> c.put(k, Set.copyOf(v)));
    return Map.copyOf(c);
  }

  private static String pair(List<String> p, int i) {
    if (p.size() != 2) {
      throw new IllegalArgumentException("expected a pair, got " + p);
    }
    return p.get(i);
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> s = new TreeSet<>();
    array.forEach(n -> s.add(n.textValue()));
    return s;
  }

  private static Set<List<String>> pairs(JsonNode array) {
    Set<List<String>> s = new HashSet<>();
    for (JsonNode p : array) {
      List<String> pair = new ArrayList<>();
      p.forEach(n -> pair.add(n.textValue()));
      s.add(pair);
    }
    return s;
  }
}
