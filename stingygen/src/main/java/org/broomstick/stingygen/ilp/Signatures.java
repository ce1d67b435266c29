package org.broomstick.stingygen.ilp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.broomstick.stingygen.ilp.SizingProblem.Group;
import org.broomstick.stingygen.ilp.SizingProblem.Row;
import org.broomstick.stingygen.ilp.SizingProblem.Var;

/**
 * What the first solve's models ({@link RegionModel}, {@link LevelModel}) are built from: the
 * regions' slot ranges, the stage constraints the caps do not imply, and the stages in the
 * objective merged by signature (the equivalence proof is in {@link RegionModel}).
 *
 * @param minSlots per region: slots at n = 1 (its members' largest perTask)
 * @param maxSlots per region: slots at the caps
 * @param hintSlots per region: slots at the hinted counts
 * @param keptObjects the objects of each stage (or --strict) constraint the caps do not imply
 * @param keptRoom the bytes each such constraint allows them
 * @param kept per object: whether a kept constraint holds it
 * @param groups the merged stages, one m each
 */
record Signatures(
    long[] minSlots, long[] maxSlots, long[] hintSlots, List<int[]> keptObjects, List<Long> keptRoom, boolean[] kept,
    List<Signature> groups) {

  /**
   * Stages merged into one m: their indexes, summed weight, the bound on m and p_{g,s} per region
   * (the largest perTask of U_s ∩ g) for each region meeting U_s.
   */
  record Signature(int[] stages, long weight, long maxM, TreeMap<Integer, Integer> perTask) {}

  /** {@code hint}: feasible counts within the caps. */
  static Signatures of(SizingProblem p, Bounds b, int[] hint) {
    List<Var> vars = p.vars();
    List<Group> regions = p.regions();
    int[] regionOf = new int[vars.size()];
    long[] lo = new long[regions.size()];
    long[] hi = new long[regions.size()];
    long[] hinted = new long[regions.size()];
    for (int g = 0; g < lo.length; g++) {
      for (int i : regions.get(g).members()) {
        regionOf[i] = g;
        lo[g] = Math.max(lo[g], vars.get(i).perTask());
        hi[g] = Math.max(hi[g], b.capN[i] * vars.get(i).perTask());
        hinted[g] = Math.max(hinted[g], (long) hint[i] * vars.get(i).perTask());
      }
      hi[g] = Math.max(lo[g], hi[g]);
    }

    // the constraints the caps do not imply, and their objects
    List<int[]> keptObjects = new ArrayList<>();
    List<Long> keptRoom = new ArrayList<>();
    for (Row r : p.stages()) {
      if (r.live().length > 0 && !RegionModel.implied(p, b, r)) {
        keptObjects.add(r.live());
        keptRoom.add(p.tau() - r.allocatedBytes());
      }
    }
    if (p.strict()) {
      long sum = 0;
      for (int i = 0; i < vars.size(); i++) {
        sum += vars.get(i).bytes() * b.capN[i];
      }
      if (sum > p.tau()) {
        keptObjects.add(IntStream.range(0, vars.size()).toArray());
        keptRoom.add(p.tau());
      }
    }
    boolean[] kept = new boolean[vars.size()];
    for (int[] objects : keptObjects) {
      for (int i : objects) {
        kept[i] = true;
      }
    }

    // one m per signature {(g, p_gs)} + maxM + (U_s ∩ objects of kept constraints)
    Map<String, List<Integer>> bySignature = new LinkedHashMap<>();
    Map<String, TreeMap<Integer, Integer>> pairs = new LinkedHashMap<>();
    for (int s = 0; s < p.stages().size(); s++) {
      if (!Bounds.inObjective(p.stages().get(s))) {
        continue;
      }
      TreeMap<Integer, Integer> pg = new TreeMap<>();
      for (int i : b.up[s]) {
        pg.merge(regionOf[i], vars.get(i).perTask(), Math::max);
      }
      StringBuilder key0 = new StringBuilder().append(pg).append('|').append(b.maxM[s]).append('|');
      int[] sortedUp = b.up[s].clone();
      Arrays.sort(sortedUp);
      for (int i : sortedUp) {
        if (kept[i]) {
          key0.append(i).append(',');
        }
      }
      String key = key0.toString();
      bySignature.computeIfAbsent(key, x -> new ArrayList<>()).add(s);
      pairs.put(key, pg);
    }
    List<Signature> groups = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> e : bySignature.entrySet()) {
      int[] ss = e.getValue().stream().mapToInt(Integer::intValue).toArray();
      long weight = 0;
      for (int s : ss) {
        weight += p.stages().get(s).weight();
      }
      groups.add(new Signature(ss, weight, b.maxM[ss[0]], pairs.get(e.getKey())));
    }
    return new Signatures(lo, hi, hinted, keptObjects, keptRoom, kept, groups);
  }

  /** Per object: the values (of {@code perGroup}, one per signature) of the groups whose stages' U holds it, for kept objects. */
  <T> List<List<T>> below(Bounds b, List<T> perGroup) {
    List<List<T>> below = new ArrayList<>();
    for (int i = 0; i < kept.length; i++) {
      below.add(new ArrayList<>());
    }
    for (int j = 0; j < groups.size() && !keptObjects.isEmpty(); j++) {
      for (int s : groups.get(j).stages()) {
        for (int i : b.up[s]) {
          if (kept[i] && !below.get(i).contains(perGroup.get(j))) {
            below.get(i).add(perGroup.get(j));
          }
        }
      }
    }
    return below;
  }

  /** n_O = max(1, max_{s: O ∈ U_s} m_s), given m per signature. */
  int[] counts(Bounds b, java.util.function.IntToLongFunction mOf) {
    int[] n = new int[kept.length];
    Arrays.fill(n, 1);
    for (int j = 0; j < groups.size(); j++) {
      int v = (int) mOf.applyAsLong(j);
      for (int s : groups.get(j).stages()) {
        for (int i : b.up[s]) {
          n[i] = Math.max(n[i], v);
        }
      }
    }
    return n;
  }
}
