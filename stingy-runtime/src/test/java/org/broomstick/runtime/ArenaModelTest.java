package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of alloc / guarded alloc / free / stale free / foreign free / dynCheck on random
 * configurations, checked after every step against a reference model that knows nothing of free
 * lists or views: which objects are live, the counters, and exactly which allocations fall back.
 * Every held slice must be a line-aligned part of the slab inside its object's region, disjoint from
 * the other held slices (checked through the slab's bytes, not only by offsets). Seeds are fixed
 * ({@link #BASE_SEED} on); {@code -Dstingy.seed=N} replays one.
 */
class ArenaModelTest {
  static final long BASE_SEED = 20060901L;
  static final int RUNS = 300;

  static LongStream seeds() {
    return Seeds.of(BASE_SEED, RUNS);
  }

  /** What the seeds exercised, over all runs: the generator must reach every case. */
  static final Map<String, Integer> SEEN = new ConcurrentHashMap<>();

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void arenaMatchesTheReferenceModel(long seed) {
    new Run(seed).go();
  }

  @AfterAll
  static void theSeedsReachEveryCase() {
    if (System.getProperty("stingy.seed") != null) {
      return;
    }
    assertThat(SEEN)
        .as("cases reached by %d seeds", RUNS)
        .containsKeys(
            "hit", "fallback", "oversize", "guarded hit", "double free", "free of a reissued view",
            "foreign free", "dynCheck true", "dynCheck false", "shared region full");
    assertThat(SEEN.get("double free")).isGreaterThan(20);
    assertThat(SEEN.get("dynCheck false")).isGreaterThan(20);
    assertThat(SEEN.get("shared region full")).isGreaterThan(20);
  }

  static void seen(String what) {
    SEEN.merge(what, 1, Integer::sum);
  }

  /** One held allocation: a slice of the arena or a fallback. */
  record Held(ByteBuffer buffer, int object, boolean slice, int tag) {}

  static final class Run {
    final long seed;
    final Random rnd;
    final StingyConfig config;
    final Arena arena;
    final List<String> log = new ArrayList<>();

    // the model
    final int[] live;
    final int[] highWater;
    final long[] hits;
    final long[] fallbacks;
    final long[] oversize;
    final long[] frees;
    final int[] regionFree;
    long foreign;
    final List<Held> held = new ArrayList<>();
    final List<Held> freed = new ArrayList<>();
    int tags;

    Run(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
      this.config = randomConfig(rnd);
      this.arena = new Arena(config);
      int no = config.objects().size();
      live = new int[no];
      highWater = new int[no];
      hits = new long[no];
      fallbacks = new long[no];
      oversize = new long[no];
      frees = new long[no];
      regionFree = config.regions().stream().mapToInt(StingyConfig.Region::slots).toArray();
    }

    static StingyConfig randomConfig(Random rnd) {
      int line = 1 << (4 + rnd.nextInt(3));
      StingyConfig.Builder b = null;
      List<StingyConfig.Region> regions = new ArrayList<>();
      int cursor = 0;
      int nr = 1 + rnd.nextInt(4);
      for (int r = 0; r < nr; r++) {
        int offset = cursor + rnd.nextInt(3) * line;
        int slotBytes = (1 + rnd.nextInt(4)) * line;
        int slots = rnd.nextInt(6);
        regions.add(new StingyConfig.Region("r" + r, offset, slotBytes, slots));
        cursor = offset + slotBytes * slots;
      }
      // a cache size that is not always a multiple of the line exercises the slab's rounding
      int cache = Math.max(line, cursor + rnd.nextInt(3) * line + (rnd.nextBoolean() ? rnd.nextInt(line) : 0));
      List<StingyConfig.ObjectKind> objects = new ArrayList<>();
      int no = 1 + rnd.nextInt(6);
      for (int o = 0; o < no; o++) {
        StingyConfig.Region r = regions.get(rnd.nextInt(nr));
        objects.add(
            new StingyConfig.ObjectKind(
                "o" + o, rnd.nextInt(r.slots() + 1), 1 + rnd.nextInt(r.slotBytes()), r.id()));
      }
      List<StingyConfig.Stage> stages = new ArrayList<>();
      int ns = 1 + rnd.nextInt(4);
      for (int s = 0; s < ns; s++) {
        List<String> allocates = new ArrayList<>();
        int k = rnd.nextInt(4);
        for (int i = 0; i < k; i++) {
          allocates.add("o" + rnd.nextInt(no)); // repeats allowed: the stage needs two
        }
        stages.add(new StingyConfig.Stage("s" + s, allocates, List.of(), s == 0));
      }
      assert b == null;
      return StingyConfig.of(cache, line, regions, objects, stages);
    }

    void go() {
      int steps = 20 + rnd.nextInt(180);
      for (int step = 0; step < steps; step++) {
        int dice = rnd.nextInt(100);
        try {
          if (dice < 35) {
            alloc(rnd.nextInt(live.length), -1);
          } else if (dice < 45) {
            int o = rnd.nextInt(live.length);
            int bytes = config.objects().get(o).slotBytes();
            alloc(o, rnd.nextInt(bytes + bytes / 2 + 2));
          } else if (dice < 75) {
            free();
          } else if (dice < 80) {
            staleFree();
          } else if (dice < 85) {
            foreignFree();
          } else {
            dynCheck(rnd.nextInt(config.stages().size()));
          }
          checkInvariants();
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError(
              "seed " + seed + " (replay: -Dstingy.seed=" + seed + "), step " + step + "\nconfig "
                  + config + "\nsteps:\n  " + String.join("\n  ", log),
              e);
        }
      }
    }

    void alloc(int o, int bytes) {
      StingyConfig.ObjectKind kind = config.objects().get(o);
      int r = config.regionId(kind.region());
      boolean tooLarge = bytes > kind.slotBytes();
      boolean hit = !tooLarge && live[o] < kind.count() && regionFree[r] > 0;
      log.add((bytes < 0 ? "alloc(" + kind.id() : "alloc(" + kind.id() + ", " + bytes) + ") expect " + (hit ? "hit" : tooLarge ? "oversize" : "fallback"));

      ByteBuffer b = bytes < 0 ? arena.alloc(o) : arena.alloc(o, bytes);
      seen(hit ? (bytes < 0 ? "hit" : "guarded hit") : tooLarge ? "oversize" : "fallback");
      if (!hit && !tooLarge && live[o] < kind.count()) {
        seen("shared region full");
      }

      int off = arena.offsetOf(b);
      assertThat(b.isDirect()).isTrue();
      assertThat(b.position()).isZero();
      if (!hit) {
        assertThat(off).as("fallback is no slice").isEqualTo(-1);
        assertThat(b.capacity()).isEqualTo(bytes < 0 ? kind.slotBytes() : bytes);
        if (tooLarge) {
          oversize[o]++;
        } else {
          fallbacks[o]++;
        }
        held.add(new Held(b, o, false, -1));
        return;
      }
      assertThat(off).as("hit is a slice").isNotNegative();
      assertThat(b.capacity()).isEqualTo(kind.slotBytes());
      assertThat(b.limit()).isEqualTo(bytes < 0 ? kind.slotBytes() : bytes);
      assertThat(b.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
      for (Held h : held) {
        assertThat(h.buffer()).as("a held buffer handed out again").isNotSameAs(b);
      }
      live[o]++;
      highWater[o] = Math.max(highWater[o], live[o]);
      hits[o]++;
      regionFree[r]--;
      int tag = ++tags;
      int limit = b.limit();
      b.limit(b.capacity()); // the whole slot, beyond a guarded allocation's limit
      for (int i = 0; i < b.capacity(); i++) {
        b.put(i, pattern(tag, i));
      }
      b.limit(limit);
      // dirty the view: the next alloc of this slot must reset it
      b.position(rnd.nextInt(b.limit() + 1));
      if (rnd.nextBoolean()) {
        b.order(ByteOrder.LITTLE_ENDIAN);
      }
      held.add(new Held(b, o, true, tag));
    }

    void free() {
      if (held.isEmpty()) {
        log.add("free(null)");
        arena.free(null);
        return;
      }
      release(held.get(rnd.nextInt(held.size())));
    }

    private void release(Held h) {
      log.add("free(" + describe(h) + ")");
      held.remove(h);
      arena.free(h.buffer());
      if (h.slice()) {
        int o = h.object();
        live[o]--;
        frees[o]++;
        regionFree[config.regionId(config.objects().get(o).region())]++;
        freed.add(h);
      } else {
        foreign++;
      }
    }

    void staleFree() {
      if (freed.isEmpty()) {
        return;
      }
      Held f = freed.get(rnd.nextInt(freed.size()));
      for (Held h : held) {
        if (h.buffer() == f.buffer()) {
          seen("free of a reissued view");
          release(h); // the view was handed out again: this free is legitimate
          return;
        }
      }
      log.add("free(" + describe(f) + ") again, expect double free");
      seen("double free");
      String name = config.objects().get(f.object()).id();
      assertThatThrownBy(() -> arena.free(f.buffer()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("double free of " + name + " ");
    }

    void foreignFree() {
      ByteBuffer b;
      List<Held> slices = held.stream().filter(Held::slice).toList();
      int kind = rnd.nextInt(3);
      if (kind == 0 || slices.isEmpty()) {
        b = ByteBuffer.allocate(1 + rnd.nextInt(64));
      } else if (kind == 1) {
        b = slices.get(rnd.nextInt(slices.size())).buffer().duplicate();
      } else {
        b = ByteBuffer.allocateDirect(8);
      }
      log.add("free(foreign " + b + ")");
      seen("foreign free");
      arena.free(b);
      foreign++;
    }

    void dynCheck(int s) {
      StingyConfig.Stage stage = config.stages().get(s);
      int[] needObject = new int[live.length];
      int[] needRegion = new int[regionFree.length];
      for (String id : stage.allocates()) {
        int o = config.objectId(id);
        needObject[o]++;
        needRegion[config.regionId(config.objects().get(o).region())]++;
      }
      boolean expected = true;
      for (int o = 0; o < live.length; o++) {
        expected &= live[o] + needObject[o] <= config.objects().get(o).count();
      }
      for (int r = 0; r < regionFree.length; r++) {
        expected &= needRegion[r] <= regionFree[r];
      }
      log.add("dynCheck(" + stage.id() + " " + stage.allocates() + ") expect " + expected);
      seen("dynCheck " + expected);
      assertThat(arena.dynCheck(s)).isEqualTo(expected);
    }

    void checkInvariants() {
      StingyStats stats = arena.stats();
      for (int o = 0; o < live.length; o++) {
        StingyStats.ObjectStats os = stats.objects().get(o);
        assertThat(os)
            .as("counters of %s", os.name())
            .isEqualTo(
                new StingyStats.ObjectStats(
                    o,
                    os.name(),
                    StingyStats.Kind.SLICE,
                    config.objects().get(o).count(),
                    live[o],
                    highWater[o],
                    hits[o],
                    fallbacks[o],
                    oversize[o],
                    frees[o]));
      }
      for (int r = 0; r < regionFree.length; r++) {
        assertThat(stats.regions().get(r).free()).as("free slots of r%d", r).isEqualTo(regionFree[r]);
      }
      assertThat(stats.foreignFrees()).isEqualTo(foreign);

      ByteBuffer slab = arena.slab();
      List<int[]> ranges = new ArrayList<>();
      for (Held h : held) {
        if (!h.slice()) {
          continue;
        }
        ByteBuffer b = h.buffer();
        StingyConfig.Region region = config.regions().get(config.regionId(config.objects().get(h.object()).region()));
        int off = arena.offsetOf(b);
        assertThat(b.alignmentOffset(0, config.lineBytes())).as("line-aligned address").isZero();
        assertThat(off).isBetween(region.offsetBytes(), region.offsetBytes() + region.slotBytes() * region.slots() - 1);
        assertThat((off - region.offsetBytes()) % region.slotBytes()).as("on a slot boundary").isZero();
        assertThat(off + b.capacity()).isLessThanOrEqualTo(config.cacheBytes());
        for (int i = 0; i < b.capacity(); i++) {
          if (slab.get(off + i) != pattern(h.tag(), i)) {
            throw new AssertionError("slice " + describe(h) + " at " + off + " was overwritten at byte " + i);
          }
        }
        ranges.add(new int[] {off, off + b.capacity()});
      }
      ranges.sort(Comparator.comparingInt(a -> a[0]));
      for (int i = 1; i < ranges.size(); i++) {
        assertThat(ranges.get(i)[0]).as("held slices overlap").isGreaterThanOrEqualTo(ranges.get(i - 1)[1]);
      }
    }

    String describe(Held h) {
      return config.objects().get(h.object()).id() + (h.slice() ? " slice@" + arena.offsetOf(h.buffer()) : " fallback");
    }

    static byte pattern(int tag, int i) {
      return (byte) (tag * 31 + i * 7);
    }
  }
}
