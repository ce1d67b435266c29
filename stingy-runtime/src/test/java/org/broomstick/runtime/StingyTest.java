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
    Stingy.deregister();
    System.clearProperty(Stingy.AUTO_INIT_PROPERTY);
  }

  @Test
  void withoutAnArenaTheCallSaysWhatToDo() {
    assertThat(Stingy.isBound()).isFalse();
    assertThatThrownBy(() -> Stingy.alloc(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Thread.currentThread().getName())
        .hasMessageContaining("no plan registered")
        .hasMessageContaining("Stingy.init(config)");
  }

  @Test
  void aRegisteredPlanStartsEachThreadsArenaOnItsFirstCall() throws Exception {
    Stingy.register(CONFIG);
    assertThat(Stingy.isBound()).isFalse();
    ByteBuffer b = Stingy.alloc(0);
    assertThat(Stingy.isBound()).isTrue();
    Arena mine = Stingy.arena();
    assertThat(mine.config()).isSameAs(CONFIG);
    assertThat(mine.stats().object("req").hits()).isEqualTo(1);

    AtomicReference<Object> other = new AtomicReference<>();
    Thread t = new Thread(() -> {
      ByteBuffer theirs = Stingy.alloc(0); // its own arena: the slot is free there
      other.set(Stingy.arena());
      Stingy.free(theirs);
    });
    t.start();
    t.join();
    assertThat(other.get()).isInstanceOf(Arena.class).isNotSameAs(mine);
    assertThat(((Arena) other.get()).stats().object("req").hits()).isEqualTo(1);
    assertThat(mine.stats().object("req").live()).isEqualTo(1);
    Stingy.free(b);
    assertThat(Stingy.arena()).isSameAs(mine);
    assertThat(mine.stats().object("req").live()).isZero();
  }

  @Test
  void autoInitOffLeavesBindingToTheProgram() {
    Stingy.register(CONFIG);
    System.setProperty(Stingy.AUTO_INIT_PROPERTY, "false");
    assertThatThrownBy(() -> Stingy.alloc(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("-D" + Stingy.AUTO_INIT_PROPERTY + "=false")
        .hasMessageContaining("Stingy.init(config)");
    assertThat(Stingy.isBound()).isFalse();
    Stingy.init(CONFIG);
    assertThat(Stingy.alloc(0).capacity()).isEqualTo(64);
  }

  @Test
  void admitsIsTheEntryStagesCheckAndTrueWithoutAnArena() {
    Stingy.register(CONFIG);
    assertThat(Stingy.admits()).isTrue();
    assertThat(Stingy.isBound()).as("admits() makes no arena").isFalse();
    ByteBuffer b = Stingy.alloc(0); // the one req slot: accept cannot run again
    assertThat(Stingy.admits()).isFalse();
    Stingy.free(b);
    assertThat(Stingy.admits()).isTrue();
  }

  @Test
  void anArenaAdmitsWhenEveryEntryStagePasses() {
    StingyConfig config = StingyConfig.builder(4096, 64)
        .object("conn", 64, 2)
        .object("body", 64, 1)
        .entryStage("accept", "conn")
        .entryStage("dial", "conn", "conn")
        .stage("parse", "body")
        .build();
    Arena a = new Arena(config);
    assertThat(a.admits()).isTrue();
    ByteBuffer body = a.alloc(1);
    assertThat(a.admits()).as("parse is not an entry stage").isTrue();
    ByteBuffer conn = a.alloc(0);
    assertThat(a.dynCheck(0)).isTrue();
    assertThat(a.admits()).as("dial needs two connections").isFalse();
    a.free(conn);
    a.free(body);
    assertThat(a.admits()).isTrue();
    assertThat(new Arena(StingyConfig.builder(1024, 64).object("x", 64, 1).stage("s", "x").build()).admits())
        .as("no entry stage").isTrue();
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
  void stageIdsMapMethodsToThePlansStages() {
    StingyConfig config = StingyConfig.builder(4096, 64)
        .object("in", 64, 2)
        .entryStage(StingyTest.class.getName() + ".accept(Lorg/acme/Conn;)V", "in")
        .stage("close")
        .stage(StingyTest.class.getName() + ".read(Lorg/acme/Conn;)V")
        .stage("Other.write(Lorg/acme/Conn;)V")
        .build();
    assertThat(config.stageIds(StingyTest.class, "read", "accept", "close", "write", "linger"))
        .containsExactly(2, 0, 1, -1, -1);
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
