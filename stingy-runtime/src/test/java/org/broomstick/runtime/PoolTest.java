package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pooled instances: the arena's semantics for objects that are Java instances. */
class PoolTest {
  static final class Request {
    final int serial;
    String path = null;

    Request(int serial) {
      this.serial = serial;
    }
  }

  final AtomicInteger made = new AtomicInteger();
  final Pool<Request> pool =
      new Pool<>("request", 2, () -> new Request(made.incrementAndGet()), r -> r.path = null);

  @Test
  void instancesAreMadeOnFirstNeedAndReusedLastInFirstOut() {
    Request a = pool.alloc();
    Request b = pool.alloc();
    assertThat(made).hasValue(2);

    pool.free(a);
    pool.free(b);

    assertThat(pool.alloc()).isSameAs(b);
    assertThat(pool.alloc()).isSameAs(a);
    assertThat(made).hasValue(2);
  }

  @Test
  void freeResetsTheInstance() {
    Request a = pool.alloc();
    a.path = "/index.html";
    pool.free(a);
    assertThat(a.path).isNull();
  }

  @Test
  void pastItsCountThePoolFallsBackToNewInstancesAndCountsThem() {
    pool.alloc();
    pool.alloc();
    assertThat(pool.available()).isFalse();

    Request extra = pool.alloc();
    extra.path = "kept";
    pool.free(extra);

    assertThat(extra.path).as("a fallback is not reset: it is not the pool's").isEqualTo("kept");
    StingyStats.ObjectStats s = pool.stats();
    assertThat(s.kind()).isEqualTo(StingyStats.Kind.POOL);
    assertThat(s.hits()).isEqualTo(2);
    assertThat(s.fallbacks()).isEqualTo(1);
    assertThat(s.live()).isEqualTo(2);
    assertThat(pool.foreignFrees()).isEqualTo(1);
  }

  @Test
  void aSecondFreeThrowsNamingThePool() {
    Request a = pool.alloc();
    pool.free(a);
    assertThatThrownBy(() -> pool.free(a))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("double free of request (pooled instance #0)");
  }

  @Test
  void aThrowingResetLeavesTheInstanceAllocated() {
    Pool<Request> p =
        new Pool<>("r", 1, () -> new Request(0), r -> {
          throw new IllegalArgumentException("reset failed");
        });
    Request a = p.alloc();
    assertThatThrownBy(() -> p.free(a)).hasMessage("reset failed");
    assertThat(p.live()).isEqualTo(1);
  }

  @Test
  void aFactoryThatReturnsAHeldInstanceIsAnError() {
    Request only = new Request(0);
    Pool<Request> p = new Pool<>("single", 2, () -> only, r -> {});
    p.alloc();
    assertThatThrownBy(p::alloc).hasMessageContaining("already holds");
  }

  @Test
  void freeOfNullDoesNothing() {
    pool.free(null);
    assertThat(pool.foreignFrees()).isZero();
  }

  @Test
  void aPoolBoundToAnArenaTakesPartInDynCheckAndStats() {
    StingyConfig c =
        StingyConfig.builder(1024, 64)
            .object("conn", 64, 2)
            .object("buf", 128, 4)
            .entryStage("accept", "conn")
            .stage("read", "buf")
            .build();
    Arena arena = new Arena(c);
    int conn = c.objectId("conn");
    Pool<Request> conns = arena.pool(conn, () -> new Request(0), r -> {});
    List<Request> held = new ArrayList<>();

    held.add(conns.alloc());
    assertThat(arena.dynCheck(0)).isTrue();
    held.add(conns.alloc());
    assertThat(arena.dynCheck(0)).isFalse();
    assertThat(arena.available(conn)).isFalse();
    conns.free(held.remove(0));
    assertThat(arena.dynCheck(0)).isTrue();
    conns.free(new Request(9));

    StingyStats s = arena.stats();
    assertThat(s.object("conn").kind()).isEqualTo(StingyStats.Kind.POOL);
    assertThat(s.object("conn").id()).isEqualTo(conn);
    assertThat(s.object("conn").hits()).isEqualTo(2);
    assertThat(s.foreignFrees()).isEqualTo(1);
    assertThatThrownBy(() -> arena.alloc(conn)).hasMessage("conn is served by a Pool, not by slices");
    assertThatThrownBy(() -> arena.pool(conn, Object::new, o -> {})).hasMessage("conn already has a pool");
  }

  @Test
  void anObjectWithLiveSlicesCannotBecomeAPool() {
    Arena arena = new Arena(StingyConfig.builder(1024, 64).object("x", 64, 2).build());
    arena.alloc(0);
    assertThatThrownBy(() -> arena.pool(0, Object::new, o -> {})).hasMessage("x has live slices");
  }
}
