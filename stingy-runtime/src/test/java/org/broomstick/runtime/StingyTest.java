package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The static entry points of rewritten code act on the calling thread's arena. */
class StingyTest {
  static final StingyConfig CONFIG =
      StingyConfig.builder(1024, 64).object("req", 64, 1).entryStage("accept", "req").build();

  @AfterEach
  void unbind() {
    Stingy.unbind();
  }

  @Test
  void withoutAnArenaTheCallSaysWhatToDo() {
    assertThat(Stingy.isBound()).isFalse();
    assertThatThrownBy(() -> Stingy.alloc(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Thread.currentThread().getName())
        .hasMessageContaining("Stingy.init(config)");
  }

  @Test
  void eachThreadHasItsOwnArena() throws Exception {
    Arena mine = Stingy.init(CONFIG);
    ByteBuffer b = Stingy.alloc(0);
    assertThat(Stingy.dynCheck(0)).isFalse();

    AtomicReference<Object> other = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              Arena theirs = Stingy.init(CONFIG);
              Stingy.alloc(0);
              other.set(theirs);
            });
    t.start();
    t.join();

    assertThat(other.get()).isInstanceOf(Arena.class).isNotSameAs(mine);
    assertThat(mine.stats().object("req").hits()).isEqualTo(1);
    Stingy.free(b);
    assertThat(Stingy.dynCheck(0)).isTrue();
    assertThat(Stingy.alloc(0, 10).limit()).isEqualTo(10);
  }

  @Test
  void bindAndUnbind() {
    Arena a = new Arena(CONFIG);
    Stingy.bind(a);
    assertThat(Stingy.arena()).isSameAs(a);
    Stingy.unbind();
    assertThat(Stingy.isBound()).isFalse();
  }
}
