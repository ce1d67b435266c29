package org.broomstick.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The scheduler helper of thesis §7.4.5: tasks wait per stage, and each election picks one stage and
 * runs a batch of its waiting tasks, so that a stage's code stays warm across the batch and a task
 * only starts a stage the allocator can satisfy ({@link Arena#dynCheck}). The priorities, highest
 * first:
 *
 * <ol>
 *   <li>{@link Priority#MAXIMAL_FLOW}: as many tasks wait at the stage as its live objects allow
 *       ({@link Builder#cap}, by default the smallest {@code n_O} of the objects live when it starts),
 *       so no more can join the batch — run it now;
 *   <li>{@link Priority#MEDIUM}: the stage can run; earlier stages first (the order of {@link
 *       StingyConfig#stages()} or {@link Builder#rank}), so that early requests catch up with
 *       advanced ones and batches grow;
 *   <li>{@link Priority#INSUFFICIENT_MEMORY}: {@code dynCheck} fails, so the stage would allocate
 *       outside the cache; elected only when nothing else can run, the most advanced stage first
 *       (finishing tasks is what frees memory), one task at a time;
 *   <li>{@link Priority#ADMISSION_CLOSED}: an entry stage whose {@code dynCheck} fails is never
 *       elected — new work waits instead of falling back to {@code allocateDirect}. This is the
 *       admission control the speed-up comes from (SPEC §6, "Where the win comes from").
 * </ol>
 *
 * <p><b>No starvation.</b> Each election that passes over an electable stage with waiting tasks ages
 * it; a stage aged {@link Builder#patience} elections is elected before all others (the oldest first)
 * whatever its priority. So a stage other than a closed entry is elected within {@code patience +
 * stages} elections of having a waiting task; an entry stage likewise, counting only the elections
 * at which {@code dynCheck} lets it in.
 *
 * <p><b>Batches.</b> A batch runs at most the tasks waiting at election time (tasks queued to the
 * same stage meanwhile wait for the next election), at most {@link Builder#maxBatch}, in FIFO order;
 * after the first task it stops as soon as {@code dynCheck} fails. An election costs
 * O(stages × objects per stage); servers have tens of stages.
 *
 * <p>The event loop change is a few lines:
 *
 * <pre>{@code
 * StageGate<Conn> gate = StageGate.of(arena);
 * ...
 * while (running) {
 *   if (gate.waiting() > 0) selector.selectNow(); else selector.select();
 *   for (SelectionKey k : selector.selectedKeys()) gate.submit((Conn) k.attachment(), Ids.READ);
 *   selector.selectedKeys().clear();
 *   for (int i = 0; i < 64 && gate.runNext(Conn::run) > 0; i++) {}   // bounded: keep I/O responsive
 * }
 * }</pre>
 *
 * <p>Not thread-safe, without locks: one gate per event-loop thread, with that thread's arena.
 *
 * @param <T> the task (request, connection) type
 */
public final class StageGate<T> {
  /** The class of a stage at an election, highest priority first. */
  public enum Priority {
    MAXIMAL_FLOW,
    MEDIUM,
    INSUFFICIENT_MEMORY,
    ADMISSION_CLOSED,
    /** No task waits there. */
    IDLE
  }

  /** Runs one task's stage ({@code ScheduleStage}). */
  @FunctionalInterface
  public interface Runner<T> {
    void run(T task, int stage);
  }

  private final int stages;
  private final IntPredicate dynCheck;
  private final ArrayDeque<T>[] queues;
  private final boolean[] entry;
  private final int[] rank;
  private final int[] cap;
  private final int patience;
  private final int maxBatch;
  private final long[] age;
  // the class of each stage at the last election, read by runNext
  private final Priority[] classes;
  private int waiting;

  @SuppressWarnings("unchecked")
  private StageGate(Builder<T> b) {
    this.stages = b.stages;
    this.dynCheck = b.dynCheck;
    this.entry = b.entry.clone();
    this.rank = b.rank.clone();
    this.cap = b.cap.clone();
    this.patience = b.patience;
    this.maxBatch = b.maxBatch;
    this.age = new long[stages];
    this.classes = new Priority[stages];
    this.queues = new ArrayDeque[stages];
    for (int s = 0; s < stages; s++) {
      queues[s] = new ArrayDeque<>();
    }
  }

  /** A gate over the stages of {@code arena}'s configuration with the defaults of {@link #builder(Arena)}. */
  public static <T> StageGate<T> of(Arena arena) {
    return StageGate.<T>builder(arena).build();
  }

  /**
   * A builder over {@code arena}'s stages: {@code dynCheck} from the arena; entry flags, order of
   * treatment and the maximal-flow cap (the smallest {@code n_O} of each stage's {@code liveIn})
   * from its configuration.
   */
  public static <T> Builder<T> builder(Arena arena) {
    StingyConfig c = arena.config();
    List<StingyConfig.Stage> list = c.stages();
    Builder<T> b = new Builder<>(list.size(), arena::dynCheck);
    for (int s = 0; s < list.size(); s++) {
      StingyConfig.Stage stage = list.get(s);
      if (stage.entry()) {
        b.entry(s);
      }
      int min = Integer.MAX_VALUE;
      for (String o : stage.liveIn()) {
        min = Math.min(min, c.objects().get(c.objectId(o)).count());
      }
      if (min != Integer.MAX_VALUE) {
        b.cap(s, Math.max(1, min));
      }
    }
    return b;
  }

  /** A builder over {@code stages} stages numbered from 0 with a custom {@code dynCheck}. */
  public static <T> Builder<T> builder(int stages, IntPredicate dynCheck) {
    return new Builder<>(stages, dynCheck);
  }

  /** Queues {@code task} to run {@code stage} at a later election. */
  public void submit(T task, int stage) {
    queues[stage].addLast(Objects.requireNonNull(task, "task"));
    waiting++;
  }

  /** Tasks waiting at {@code stage}. */
  public int waiting(int stage) {
    return queues[stage].size();
  }

  /** Tasks waiting at all stages. */
  public int waiting() {
    return waiting;
  }

  /** The class {@code stage} would have at an election now (no side effects). */
  public Priority priority(int stage) {
    int n = queues[stage].size();
    if (n == 0) {
      return Priority.IDLE;
    }
    if (!dynCheck.test(stage)) {
      return entry[stage] ? Priority.ADMISSION_CLOSED : Priority.INSUFFICIENT_MEMORY;
    }
    return n >= cap[stage] ? Priority.MAXIMAL_FLOW : Priority.MEDIUM;
  }

  /**
   * Elects a stage and runs a batch of its tasks with {@code runner}.
   *
   * @return the number of tasks run; 0 when no stage could be elected (nothing waits, or only closed
   *     entry stages)
   */
  public int runNext(Runner<? super T> runner) {
    int s = elect();
    if (s < 0) {
      return 0;
    }
    ArrayDeque<T> q = queues[s];
    boolean starved = classes[s] == Priority.INSUFFICIENT_MEMORY;
    int limit = starved ? 1 : Math.min(q.size(), maxBatch);
    int ran = 0;
    while (ran < limit && !q.isEmpty() && (ran == 0 || dynCheck.test(s))) {
      T task = q.pollFirst();
      waiting--;
      ran++;
      runner.run(task, s);
    }
    return ran;
  }

  /**
   * Picks the stage to run next and ages the electable stages it passes over; -1 if none. Package
   * private: only {@link #runNext} elects, so that ageing counts real elections.
   */
  int elect() {
    Priority[] cls = classes;
    int aged = -1;
    int best = -1;
    Priority bestClass = Priority.IDLE;
    for (int s = 0; s < stages; s++) {
      Priority p = priority(s);
      cls[s] = p;
      if (!electable(p)) {
        continue;
      }
      if (age[s] >= patience && (aged < 0 || age[s] > age[aged] || age[s] == age[aged] && rank[s] < rank[aged])) {
        aged = s;
      }
      if (best < 0 || better(p, s, bestClass, best)) {
        best = s;
        bestClass = p;
      }
    }
    int chosen = aged >= 0 ? aged : best;
    if (chosen < 0) {
      return -1;
    }
    for (int s = 0; s < stages; s++) {
      if (s != chosen && electable(cls[s])) {
        age[s]++;
      }
    }
    age[chosen] = 0;
    return chosen;
  }

  private static boolean electable(Priority p) {
    return p == Priority.MAXIMAL_FLOW || p == Priority.MEDIUM || p == Priority.INSUFFICIENT_MEMORY;
  }

  /** Whether stage {@code s} of class {@code p} beats the best so far. */
  private boolean better(Priority p, int s, Priority bp, int b) {
    if (p != bp) {
      return p.ordinal() < bp.ordinal();
    }
    if (p == Priority.INSUFFICIENT_MEMORY) {
      return rank[s] > rank[b] || rank[s] == rank[b] && s < b; // most advanced first
    }
    return rank[s] < rank[b] || rank[s] == rank[b] && s < b; // earliest first
  }

  /** The settings of a {@link StageGate}. */
  public static final class Builder<T> {
    private final int stages;
    private final IntPredicate dynCheck;
    private final boolean[] entry;
    private final int[] rank;
    private final int[] cap;
    private int patience;
    private int maxBatch = Integer.MAX_VALUE;

    private Builder(int stages, IntPredicate dynCheck) {
      if (stages < 0) {
        throw new IllegalArgumentException("negative stage count " + stages);
      }
      this.stages = stages;
      this.dynCheck = Objects.requireNonNull(dynCheck, "dynCheck");
      this.entry = new boolean[stages];
      this.rank = new int[stages];
      this.cap = new int[stages];
      for (int s = 0; s < stages; s++) {
        rank[s] = s;
      }
      Arrays.fill(cap, Integer.MAX_VALUE);
      this.patience = Math.max(4, 2 * stages);
    }

    /** Marks an entry stage: admission-controlled, never run while its {@code dynCheck} fails. */
    public Builder<T> entry(int stage) {
      entry[stage] = true;
      return this;
    }

    /** The position of {@code stage} in the order of treatment (lower = earlier); default its id. */
    public Builder<T> rank(int stage, int rank) {
      this.rank[stage] = rank;
      return this;
    }

    /** The batch at which {@code stage} reaches maximal flow; default: none (never maximal). */
    public Builder<T> cap(int stage, int tasks) {
      if (tasks < 1) {
        throw new IllegalArgumentException("cap of stage " + stage + " must be positive: " + tasks);
      }
      cap[stage] = tasks;
      return this;
    }

    /** Elections a stage may be passed over before it is elected first; default max(4, 2 × stages). */
    public Builder<T> patience(int elections) {
      if (elections < 0) {
        throw new IllegalArgumentException("negative patience " + elections);
      }
      this.patience = elections;
      return this;
    }

    /** The most tasks one batch runs; default unbounded (all that wait at election). */
    public Builder<T> maxBatch(int tasks) {
      if (tasks < 1) {
        throw new IllegalArgumentException("maxBatch must be positive: " + tasks);
      }
      this.maxBatch = tasks;
      return this;
    }

    public StageGate<T> build() {
      return new StageGate<>(this);
    }
  }
}
