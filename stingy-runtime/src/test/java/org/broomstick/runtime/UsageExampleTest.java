package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's example, run: a connection goes accept -> read -> done through the gate. */
class UsageExampleTest {
  static final StingyConfig CONFIG =
      StingyConfig.builder(256 * 1024, 64)
          .object("request", 320, 64)
          .object("inBuf", 2048, 32)
          .entryStage("accept", "request")
          .stage("read", "inBuf")
          .build();
  static final int REQUEST = CONFIG.objectId("request");
  static final int IN_BUF = CONFIG.objectId("inBuf");
  static final int ACCEPT = CONFIG.stageId("accept");
  static final int READ = CONFIG.stageId("read");

  static final class Request {
    String path;

    void clear() {
      path = null;
    }
  }

  final class Conn {
    Request request;
    ByteBuffer in;

    void run(int stage) {
      if (stage == ACCEPT) {
        request = requests.alloc();
        gate.submit(this, READ);
      } else {
        in = Stingy.alloc(IN_BUF);
        in.put((byte) 'G');
        request.path = "/";
        Stingy.free(in);
        requests.free(request);
        done++;
      }
    }
  }

  Arena arena = Stingy.init(CONFIG);
  Pool<Request> requests = arena.pool(REQUEST, Request::new, Request::clear);
  StageGate<Conn> gate = StageGate.of(arena);
  int done;

  @AfterEach
  void unbind() {
    Stingy.unbind();
  }

  @Test
  void aHundredConnectionsThroughTheGate() {
    for (int i = 0; i < 100; i++) {
      gate.submit(new Conn(), ACCEPT);
    }
    while (gate.runNext(Conn::run) > 0) {}

    assertThat(done).isEqualTo(100);
    StingyStats s = arena.stats();
    assertThat(s.fallbacks()).isZero();
    assertThat(s.live()).isZero();
    assertThat(s.object("request").highWater()).isEqualTo(64);
    assertThat(s.object("inBuf").hits()).isEqualTo(100);
    assertThat(arena.dump()).contains("request", "inBuf");
  }
}
