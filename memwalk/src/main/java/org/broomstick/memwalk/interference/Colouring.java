package org.broomstick.memwalk.interference;

import java.util.List;
import java.util.Map;

/**
 * The interference graph of per-task objects and its colouring (SPEC §5.8): objects a task may
 * hold in the same stage interfere; objects of one colour never do and share one region of the
 * memory map.
 *
 * @param colours colour per object id, 0-based, in object order
 * @param edges interfering pairs, each sorted, the list sorted
 * @param exact the number of colours is the chromatic number (small graphs), not a heuristic's
 */
public record Colouring(Map<String, Integer> colours, List<List<String>> edges, int count, boolean exact) {
  public Colouring {
    colours = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(colours));
    edges = edges.stream().map(List::copyOf).toList();
  }
}
