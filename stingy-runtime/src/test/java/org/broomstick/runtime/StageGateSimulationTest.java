package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.broomstick.runtime.StageGate.Priority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A staged server simulated on a real arena and gate: requests arrive at the entry stage, go through
 * a pipeline whose stages allocate and free per-task buffers, sometimes wait for "I/O" between
 * stages, and the event loop runs a few elections per tick. For every seed: no stage that could be
 * elected is passed over more than {@code patience + stages - 1} elections in a row (no starvation),
 * the entry stage never falls back (admission control), every request finishes once arrivals stop
 * (no deadlock), and no slot leaks. Seeds are fixed; {@code -Dstingy.seed=N} replays one.
 */
class StageGateSimulationTest {
  static final long BASE_SEED = 20060745L;
  static final int RUNS = 200;
  static final Map<String, Integer> SEEN = new ConcurrentHashMap<>();

  static LongStream seeds() {
    return Seeds.of(BASE_SEED, RUNS);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void noStarvationNoDeadlockNoLeakAndAdmissionControl(long seed) {
    try {
      new Sim(seed).run();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " (replay: -Dstingy.seed=" + seed + ")", e);
    }
  }

  @AfterAll
  static void theSeedsReachEveryPriority() {
    if (System.getProperty("stingy.seed") != null) {
      return;
    }
    assertThat(SEEN)
        .containsKeys(
            "elected MAXIMAL_FLOW", "elected MEDIUM", "elected INSUFFICIENT_MEMORY", "entry closed", "aged election");
    assertThat(SEEN.get("aged election")).isGreaterThan(10);
  }

  static void seen(String what) {
    SEEN.merge(what, 1, Integer::sum);
  }

  static final class Task {
    final int id;
    final List<ByteBuffer> held = new ArrayList<>();
    final int[] objectOf;

    Task(int id, int stages) {
      this.id = id;
      this.objectOf = new int[stages];
    }
  }

  static final class Sim {
    final Random rnd;
    final int stages;
    final boolean[] allocates; // stage i allocates object i
    final int[] freesAt; // object i is freed at stage freesAt[i] (> i), or at the end
    final StingyConfig config;
    final Arena arena;
    final StageGate<Task> gate;
    final int patience;
    final List<Task> blocked = new ArrayList<>();
    final List<Integer> wakeAt = new ArrayList<>();
    final List<Integer> wakeStage = new ArrayList<>();
    final int[] passedOver;
    int tick;
    int arrived;
    int finished;

    Sim(long seed) {
      rnd = new Random(seed);
      stages = 2 + rnd.nextInt(4);
      allocates = new boolean[stages];
      freesAt = new int[stages];
      StingyConfig.Builder b = StingyConfig.builder(1 << 16, 64);
      for (int i = 0; i < stages; i++) {
        allocates[i] = i == 0 || rnd.nextInt(10) < 7;
        freesAt[i] = i + 1 + rnd.nextInt(stages - i); // == stages: freed when the task ends
        b.object("o" + i, 64 + rnd.nextInt(200), 1 + rnd.nextInt(4));
      }
      for (int i = 0; i < stages; i++) {
        List<String> liveIn = new ArrayList<>();
        for (int j = 0; j < i; j++) {
          if (allocates[j] && freesAt[j] >= i) {
            liveIn.add("o" + j);
          }
        }
        List<String> alloc = allocates[i] ? List.of("o" + i) : List.of();
        b.stage(new StingyConfig.Stage("s" + i, alloc, liveIn, i == 0));
      }
      config = b.build();
      arena = new Arena(config);
      patience = rnd.nextInt(2 * stages + 2);
      StageGate.Builder<Task> gb = StageGate.<Task>builder(arena).patience(patience);
      if (rnd.nextBoolean()) {
        gb.maxBatch(1 + rnd.nextInt(4));
      }
      gate = gb.build();
      passedOver = new int[stages];
    }

    void run() {
      int arrivalTicks = 50 + rnd.nextInt(100);
      while (tick < arrivalTicks || finished < arrived) {
        assertThat(tick).as("every request finishes (arrived %d, finished %d)", arrived, finished).isLessThan(100_000);
        if (tick < arrivalTicks) {
          for (int n = rnd.nextInt(4); n > 0; n--) {
            gate.submit(new Task(arrived++, stages), 0);
          }
        }
        for (int i = blocked.size() - 1; i >= 0; i--) {
          if (wakeAt.get(i) <= tick) {
            gate.submit(blocked.remove(i), wakeStage.remove(i));
            wakeAt.remove(i);
          }
        }
        for (int e = 1 + rnd.nextInt(3); e > 0; e--) {
          elect();
        }
        tick++;
      }
      StingyStats stats = arena.stats();
      assertThat(stats.object("o0").fallbacks()).as("the entry stage never falls back").isZero();
      assertThat(stats.live()).as("no slot leaks").isZero();
      assertThat(stats.foreignFrees()).isEqualTo(stats.fallbacks());
      assertThat(gate.waiting()).isZero();
    }

    void elect() {
      Priority[] before = new Priority[stages];
      for (int s = 0; s < stages; s++) {
        before[s] = gate.priority(s);
        if (before[s] == Priority.ADMISSION_CLOSED) {
          seen("entry closed");
        }
      }
      int[] elected = {-1};
      int ran = gate.runNext((t, s) -> {
        elected[0] = s;
        runStage(t, s);
      });
      if (ran == 0) {
        for (Priority p : before) {
          assertThat(electable(p)).as("nothing elected although a stage could run: %s", Arrays.toString(before)).isFalse();
        }
        return;
      }
      int chosen = elected[0];
      seen("elected " + before[chosen]);
      if (passedOver[chosen] >= patience && isBestByPriority(before, chosen)) {
        // elected on its own merits
      } else if (passedOver[chosen] >= patience) {
        seen("aged election");
      }
      for (int s = 0; s < stages; s++) {
        if (s == chosen) {
          passedOver[s] = 0;
        } else if (electable(before[s])) {
          passedOver[s]++;
          assertThat(passedOver[s])
              .as("stage %d passed over (patience %d, %d stages)", s, patience, stages)
              .isLessThanOrEqualTo(patience + stages - 1);
        } else if (before[s] == Priority.IDLE) {
          passedOver[s] = 0;
        }
      }
    }

    boolean isBestByPriority(Priority[] before, int chosen) {
      for (int s = 0; s < stages; s++) {
        if (electable(before[s]) && before[s].ordinal() < before[chosen].ordinal()) {
          return false;
        }
      }
      return true;
    }

    static boolean electable(Priority p) {
      return p == Priority.MAXIMAL_FLOW || p == Priority.MEDIUM || p == Priority.INSUFFICIENT_MEMORY;
    }

    void runStage(Task t, int s) {
      if (allocates[s]) {
        t.held.add(arena.alloc(s));
        t.objectOf[s] = t.held.size() - 1;
      }
      for (int j = 0; j < s; j++) {
        if (allocates[j] && freesAt[j] == s) {
          ByteBuffer b = t.held.set(t.objectOf[j], null);
          arena.free(b);
        }
      }
      if (s == stages - 1) {
        for (ByteBuffer b : t.held) {
          arena.free(b); // free(null) for the ones already freed
        }
        t.held.clear();
        finished++;
        return;
      }
      if (rnd.nextInt(3) == 0) {
        blocked.add(t);
        wakeAt.add(tick + 1 + rnd.nextInt(3));
        wakeStage.add(s + 1);
      } else {
        gate.submit(t, s + 1);
      }
    }
  }
}
