package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arena's contract (SPEC §6 "C runtime" semantics in Java), one behaviour per test. */
class ArenaTest {
  // req: its own region of 3 slots of 128 B (100-byte slices);
  // buf: one region of 2 slots of 256 B shared by "in" (n=2, 256 B) and "out" (n=1, 200 B).
  static final StingyConfig CONFIG =
      StingyConfig.builder(4096, 64)
          .object("req", 100, 3)
          .region("buf", 256, 2)
          .object("in", "buf", 2)
          .object("out", "buf", 1, 200)
          .object("never", 64, 0)
          .entryStage("accept", "req")
          .stage("read", "in")
          .stage("write", "out")
          .stage("both", "in", "out")
          .stage("twoIns", "in", "in")
          .build();

  final Arena arena = new Arena(CONFIG);
  final int req = CONFIG.objectId("req");
  final int in = CONFIG.objectId("in");
  final int out = CONFIG.objectId("out");

  @Test
  void allocReturnsALineAlignedSliceOfTheSlabWithTheObjectsCapacity() {
    ByteBuffer b = arena.alloc(req);

    assertThat(b.isDirect()).isTrue();
    assertThat(b.capacity()).isEqualTo(100);
    assertThat(b.position()).isZero();
    assertThat(b.limit()).isEqualTo(100);
    assertThat(b.alignmentOffset(0, 64)).as("address mod line").isZero();
    int off = arena.offsetOf(b);
    assertThat(off).isEqualTo(CONFIG.regions().get(0).offsetBytes());
    b.putLong(0, 0x0123456789abcdefL);
    assertThat(arena.slab().getLong(off)).as("the slice is the slab's memory").isEqualTo(0x0123456789abcdefL);
  }

  @Test
  void slotsOfARegionAreConsecutiveLinesFromItsOffset() {
    int base = CONFIG.regions().get(CONFIG.regionId("buf")).offsetBytes();
    assertThat(arena.offsetOf(arena.alloc(in))).isEqualTo(base);
    assertThat(arena.offsetOf(arena.alloc(in))).isEqualTo(base + 256);
  }

  @Test
  void theLastFreedSlotIsReusedFirstAsTheSameResetView() {
    ByteBuffer a = arena.alloc(req);
    ByteBuffer b = arena.alloc(req);
    b.position(7).limit(20);
    b.order(ByteOrder.LITTLE_ENDIAN);
    arena.free(a);
    arena.free(b);

    ByteBuffer c = arena.alloc(req);

    assertThat(c).isSameAs(b);
    assertThat(c.position()).isZero();
    assertThat(c.limit()).isEqualTo(100);
    assertThat(c.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    assertThat(arena.alloc(req)).isSameAs(a);
  }

  @Test
  void pastItsCountAnObjectFallsBackToAllocateDirectAndCountsIt() {
    List<ByteBuffer> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(arena.alloc(req));
    }

    ByteBuffer extra = arena.alloc(req);

    assertThat(arena.offsetOf(extra)).isEqualTo(-1);
    assertThat(extra.isDirect()).isTrue();
    assertThat(extra.capacity()).isEqualTo(100);
    StingyStats.ObjectStats s = arena.stats().object("req");
    assertThat(s.hits()).isEqualTo(3);
    assertThat(s.fallbacks()).isEqualTo(1);
    assertThat(s.live()).isEqualTo(3);
    assertThat(s.highWater()).isEqualTo(3);
    // by offset: ByteBuffer.equals compares contents, which is why free() goes by identity
    assertThat(held.stream().map(arena::offsetOf)).doesNotHaveDuplicates().doesNotContain(-1);
  }

  @Test
  void aFullSharedRegionMakesItsOtherObjectsFallBack() {
    arena.alloc(in);
    arena.alloc(in);

    assertThat(arena.available(out)).isFalse();
    ByteBuffer o = arena.alloc(out);

    assertThat(arena.offsetOf(o)).isEqualTo(-1);
    assertThat(arena.stats().object("out").fallbacks()).isEqualTo(1);
    assertThat(arena.stats().regions()).contains(new StingyStats.RegionStats("buf", 2, 0));
  }

  @Test
  void anObjectWithCountZeroAlwaysFallsBack() {
    int never = CONFIG.objectId("never");
    assertThat(arena.available(never)).isFalse();
    assertThat(arena.offsetOf(arena.alloc(never))).isEqualTo(-1);
    assertThat(arena.stats().object("never").fallbacks()).isEqualTo(1);
  }

  @Test
  void freeOfForeignBuffersIsIgnoredAndCounted() {
    ByteBuffer mine = arena.alloc(req);
    arena.alloc(req);
    arena.alloc(req);
    ByteBuffer fallback = arena.alloc(req);

    arena.free(ByteBuffer.allocate(100));
    arena.free(fallback);
    arena.free(mine.duplicate()); // not the buffer alloc returned: the slot stays taken

    StingyStats s = arena.stats();
    assertThat(s.foreignFrees()).isEqualTo(3);
    assertThat(s.object("req").live()).isEqualTo(3);
    assertThat(s.object("req").frees()).isZero();
  }

  @Test
  void aSecondFreeThrowsNamingTheObject() {
    ByteBuffer b = arena.alloc(req);
    arena.free(b);

    assertThatThrownBy(() -> arena.free(b))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("double free of req (slot 0 of region req is free)");
    assertThat(arena.stats().object("req").frees()).isEqualTo(1);
  }

  @Test
  void aStaleFreeOfASlotNowHeldByAnotherObjectThrows() {
    ByteBuffer i = arena.alloc(in);
    arena.free(i);
    ByteBuffer o = arena.alloc(out); // same region, LIFO: the slot "in" just left

    assertThat(arena.offsetOf(o)).isEqualTo(arena.offsetOf(i));
    assertThatThrownBy(() -> arena.free(i))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("double free of in")
        .hasMessageContaining("held by out");
    assertThat(arena.stats().object("out").live()).isEqualTo(1);
  }

  @Test
  void freeOfNullDoesNothing() {
    arena.free(null);
    assertThat(arena.stats().foreignFrees()).isZero();
  }

  @Test
  void dynCheckFailsOnAFullStageAndRecoversOnFree() {
    int accept = CONFIG.stageId("accept");
    ByteBuffer first = arena.alloc(req);
    arena.alloc(req);
    assertThat(arena.dynCheck(accept)).isTrue();
    arena.alloc(req);
    assertThat(arena.dynCheck(accept)).isFalse();

    arena.free(first);

    assertThat(arena.dynCheck(accept)).isTrue();
  }

  @Test
  void dynCheckCountsTheSlotsAStageTakesFromOneRegion() {
    int both = CONFIG.stageId("both");
    int twoIns = CONFIG.stageId("twoIns");
    assertThat(arena.dynCheck(both)).isTrue();
    assertThat(arena.dynCheck(twoIns)).isTrue();

    arena.alloc(in);

    // in: 1 of 2 live, out: 0 of 1 live, but region buf has one free slot and each stage needs two
    assertThat(arena.dynCheck(CONFIG.stageId("read"))).isTrue();
    assertThat(arena.dynCheck(CONFIG.stageId("write"))).isTrue();
    assertThat(arena.dynCheck(both)).isFalse();
    assertThat(arena.dynCheck(twoIns)).isFalse();
  }

  @Test
  void guardedAllocationServesSmallRequestsAndCountsLargeOnes() {
    ByteBuffer small = arena.alloc(req, 40);
    assertThat(arena.offsetOf(small)).isNotNegative();
    assertThat(small.limit()).isEqualTo(40);
    assertThat(small.capacity()).isEqualTo(100);

    ByteBuffer large = arena.alloc(req, 101);
    assertThat(arena.offsetOf(large)).isEqualTo(-1);
    assertThat(large.capacity()).isEqualTo(101);

    arena.alloc(req);
    arena.alloc(req);
    ByteBuffer full = arena.alloc(req, 30);
    assertThat(full.capacity()).as("a fallback has the requested size").isEqualTo(30);

    StingyStats.ObjectStats s = arena.stats().object("req");
    assertThat(s.oversize()).isEqualTo(1);
    assertThat(s.fallbacks()).isEqualTo(1);
    assertThat(s.hits()).isEqualTo(3);
    assertThatThrownBy(() -> arena.alloc(req, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void statsAreASnapshotAndDumpIsATable() {
    arena.alloc(req);
    StingyStats before = arena.stats();
    arena.alloc(req);

    assertThat(before.object("req").live()).isEqualTo(1);
    assertThat(arena.stats().object("req").live()).isEqualTo(2);
    assertThat(before.hits()).isEqualTo(1);
    assertThatThrownBy(() -> before.objects().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(arena.dump())
        .startsWith("stingy arena: cache 4096 B, line 64 B, 2 hits, 0 fallbacks, 0 foreign frees")
        .containsPattern("req\\s+slice\\s+3\\s+2\\s+2\\s+2\\s+0\\s+0\\s+0")
        .containsPattern("buf\\s+2\\s+2");
  }

  @Test
  void viewsOfDifferentObjectsInOneSlotAreDistinctAndKeepTheirOwnCapacity() {
    ByteBuffer i = arena.alloc(in);
    arena.free(i);
    ByteBuffer o = arena.alloc(out);
    assertThat(o).isNotSameAs(i);
    assertThat(i.capacity()).isEqualTo(256);
    assertThat(o.capacity()).isEqualTo(200);
  }

  @Test
  void manyViewsGrowTheIdentityTable() {
    StingyConfig big = StingyConfig.builder(1 << 20, 64).object("x", 64, 4000).build();
    Arena a = new Arena(big);
    List<ByteBuffer> held = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      held.add(a.alloc(0));
    }
    for (ByteBuffer b : held) {
      a.free(b);
    }
    assertThat(a.stats().object("x").frees()).isEqualTo(4000);
    assertThat(a.stats().foreignFrees()).isZero();
  }
}
