package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.broomstick.runtime.StageGate.Priority;
import org.junit.jupiter.api.Test;

/** The priorities of thesis §7.4.5 and the no-starvation rule, one behaviour per test. */
class StageGateTest {
  /** What ran, as "task@stage". */
  final List<String> ran = new ArrayList<>();

  final boolean[] ok = new boolean[6];

  {
    Arrays.fill(ok, true);
  }

  StageGate.Builder<String> gate(int stages) {
    return StageGate.builder(stages, s -> ok[s]);
  }

  void record(String task, int stage) {
    ran.add(task + "@" + stage);
  }

  @Test
  void earlierStagesGoFirstAmongThoseThatCanRun() {
    StageGate<String> g = gate(4).build();
    g.submit("late", 3);
    g.submit("early", 1);

    assertThat(g.priority(1)).isEqualTo(Priority.MEDIUM);
    g.runNext(this::record);
    g.runNext(this::record);

    assertThat(ran).containsExactly("early@1", "late@3");
  }

  @Test
  void aStageAtMaximalFlowGoesBeforeEarlierOnes() {
    StageGate<String> g = gate(4).cap(2, 2).build();
    g.submit("a", 0);
    g.submit("b", 2);
    assertThat(g.priority(2)).isEqualTo(Priority.MEDIUM);
    g.submit("c", 2);
    assertThat(g.priority(2)).isEqualTo(Priority.MAXIMAL_FLOW);

    g.runNext(this::record);

    assertThat(ran).containsExactly("b@2", "c@2");
  }

  @Test
  void aStageWithoutMemoryRunsOnlyWhenNothingElseCanMostAdvancedFirstOneTaskAtATime() {
    StageGate<String> g = gate(4).build();
    ok[1] = false;
    ok[2] = false;
    g.submit("x", 1);
    g.submit("y", 2);
    g.submit("z", 2);
    g.submit("w", 3);
    assertThat(g.priority(2)).isEqualTo(Priority.INSUFFICIENT_MEMORY);

    assertThat(g.runNext(this::record)).isEqualTo(1);
    assertThat(g.runNext(this::record)).isEqualTo(1);
    assertThat(g.runNext(this::record)).isEqualTo(1);

    assertThat(ran).containsExactly("w@3", "y@2", "z@2");
  }

  @Test
  void aClosedEntryStageIsNeverElected() {
    StageGate<String> g = gate(2).entry(0).build();
    ok[0] = false;
    g.submit("new", 0);

    assertThat(g.priority(0)).isEqualTo(Priority.ADMISSION_CLOSED);
    for (int i = 0; i < 100; i++) {
      assertThat(g.runNext(this::record)).isZero();
    }
    ok[0] = true;
    assertThat(g.runNext(this::record)).isEqualTo(1);
    assertThat(ran).containsExactly("new@0");
  }

  @Test
  void aBatchRunsTheTasksWaitingAtElectionInOrder() {
    StageGate<String> g = gate(2).build();
    g.submit("a", 0);
    g.submit("b", 0);
    StageGate.Runner<String> requeue =
        (t, s) -> {
          record(t, s);
          g.submit(t + "'", 0);
        };

    assertThat(g.runNext(requeue)).isEqualTo(2);
    assertThat(g.runNext(requeue)).isEqualTo(2);

    assertThat(ran).containsExactly("a@0", "b@0", "a'@0", "b'@0");
    assertThat(g.waiting()).isEqualTo(2);
  }

  @Test
  void aBatchStopsWhenTheAllocatorRunsOut() {
    StingyConfig c = StingyConfig.builder(4096, 64).object("req", 64, 3).entryStage("accept", "req").build();
    Arena arena = new Arena(c);
    StageGate<String> g = StageGate.of(arena);
    List<ByteBuffer> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      g.submit("t" + i, 0);
    }

    int n =
        g.runNext(
            (t, s) -> {
              record(t, s);
              held.add(arena.alloc(0));
            });

    assertThat(n).isEqualTo(3);
    assertThat(arena.stats().fallbacks()).isZero();
    assertThat(g.priority(0)).isEqualTo(Priority.ADMISSION_CLOSED);
    assertThat(g.runNext(this::record)).isZero();
    arena.free(held.get(0));
    assertThat(g.runNext((t, s) -> held.add(arena.alloc(0)))).isEqualTo(1);
    assertThat(g.waiting(0)).isEqualTo(1);
  }

  @Test
  void maxBatchBoundsABatch() {
    StageGate<String> g = gate(1).maxBatch(2).build();
    for (int i = 0; i < 5; i++) {
      g.submit("t" + i, 0);
    }
    assertThat(g.runNext(this::record)).isEqualTo(2);
  }

  @Test
  void aStagePassedOverPatienceTimesIsElectedFirst() {
    // stage 0 is refilled at every election and would win on earliness for ever
    StageGate<String> g = gate(3).patience(3).build();
    g.submit("feed", 0);
    g.submit("old", 2);
    StageGate.Runner<String> refill =
        (t, s) -> {
          record(t, s);
          if (s == 0) {
            g.submit("feed", 0);
          }
        };

    for (int i = 0; i < 5; i++) {
      g.runNext(refill);
    }

    assertThat(ran).containsExactly("feed@0", "feed@0", "feed@0", "old@2", "feed@0");
  }

  @Test
  void aStageWithoutMemoryIsNotStarvedByAStageThatCanRun() {
    StageGate<String> g = gate(2).patience(2).build();
    ok[1] = false;
    g.submit("feed", 0);
    g.submit("stuck", 1);
    StageGate.Runner<String> refill =
        (t, s) -> {
          record(t, s);
          if (s == 0) {
            g.submit("feed", 0);
          }
        };

    for (int i = 0; i < 4; i++) {
      g.runNext(refill);
    }

    assertThat(ran).containsExactly("feed@0", "feed@0", "stuck@1", "feed@0");
  }

  @Test
  void ofAnArenaTakesEntriesAndCapsFromTheConfiguration() {
    StingyConfig c =
        StingyConfig.builder(4096, 64)
            .object("req", 64, 2)
            .object("buf", 64, 4)
            .entryStage("accept", "req")
            .stage(new StingyConfig.Stage("read", List.of("buf"), List.of("req"), false))
            .build();
    Arena arena = new Arena(c);
    StageGate<String> g = StageGate.of(arena);
    arena.alloc(0);
    arena.alloc(0);
    g.submit("new", 0);
    g.submit("a", 1);
    assertThat(g.priority(0)).isEqualTo(Priority.ADMISSION_CLOSED);
    assertThat(g.priority(1)).isEqualTo(Priority.MEDIUM);
    g.submit("b", 1);
    assertThat(g.priority(1)).as("2 waiting = the 2 requests that can exist").isEqualTo(Priority.MAXIMAL_FLOW);
    assertThat(g.priority(0)).isEqualTo(Priority.ADMISSION_CLOSED);
  }

  @Test
  void anIdleGateElectsNothing() {
    StageGate<String> g = gate(3).build();
    assertThat(g.priority(1)).isEqualTo(Priority.IDLE);
    assertThat(g.runNext(this::record)).isZero();
    assertThat(g.waiting()).isZero();
  }
}
