package org.broomstick.memwalk.interference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.broomstick.memwalk.liveness.Liveness;
import org.junit.jupiter.api.Test;

/** Interference from per-stage live sets and its colouring (SPEC §5.8; issue 4, item 7). */
class InterferenceColouringTest {

  private static Liveness.StageFacts stage(String id, List<String> liveIn, List<String> allocates) {
    return new Liveness.StageFacts(id, false, 0, new TreeSet<>(liveIn), new TreeSet<>(), new TreeSet<>(allocates),
        new TreeSet<>(), new TreeSet<>());
  }

  @Test
  void objectsNeverHeldInTheSameStageShareAColour() {
    // a lives into s2 where b is allocated; c is allocated in s3 after both are gone.
    Liveness l = new Liveness(List.of(
        stage("s1", List.of(), List.of("a")),
        stage("s2", List.of("a"), List.of("b")),
        stage("s3", List.of(), List.of("c"))), List.of(), List.of());
    Colouring c = InterferenceColouring.colour(l, List.of("a", "b", "c"));
    assertThat(c.edges()).containsExactly(List.of("a", "b"));
    assertThat(c.count()).isEqualTo(2);
    assertThat(c.exact()).isTrue();
    assertThat(c.colours().get("a")).isNotEqualTo(c.colours().get("b"));
    assertThat(c.colours().get("c")).isEqualTo(0).as("renumbered in object order");
  }

  @Test
  void anOddCycleOfStagesNeedsThreeColours() {
    List<Liveness.StageFacts> stages = new ArrayList<>();
    String[] o = {"o1", "o2", "o3", "o4", "o5"};
    for (int i = 0; i < 5; i++) {
      stages.add(stage("s" + i, List.of(o[i], o[(i + 1) % 5]), List.of()));
    }
    Colouring c = InterferenceColouring.colour(new Liveness(stages, List.of(), List.of()), List.of(o));
    assertThat(c.count()).isEqualTo(3); // the chromatic number of C5
    assertValid(c);
  }

  @Test
  void largeGraphsGetAValidHeuristicColouring() {
    long seed = 17;
    Random rnd = new Random(seed);
    List<String> objects = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      objects.add("o" + i);
    }
    List<Liveness.StageFacts> stages = new ArrayList<>();
    for (int s = 0; s < 40; s++) {
      List<String> live = new ArrayList<>();
      for (String x : objects) {
        if (rnd.nextInt(10) == 0) {
          live.add(x);
        }
      }
      stages.add(stage("s" + s, live, List.of()));
    }
    Colouring c = InterferenceColouring.colour(new Liveness(stages, List.of(), List.of()), objects);
    assertThat(c.exact()).as("seed %d", seed).isFalse();
    assertValid(c);
    assertThat(c.colours()).hasSize(60);
  }

  @Test
  void noObjectsNoColours() {
    Colouring c = InterferenceColouring.colour(new Liveness(List.of(), List.of(), List.of()), List.of());
    assertThat(c.count()).isZero();
  }

  private static void assertValid(Colouring c) {
    for (List<String> e : c.edges()) {
      assertThat(c.colours().get(e.get(0))).as("edge %s", e).isNotEqualTo(c.colours().get(e.get(1)));
    }
  }
}
