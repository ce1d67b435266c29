package org.broomstick.bench.payoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** What nio-httpd expects of a BufferSource, from Netty's pool; and that the pool is reused. */
class NettyBuffersTest {
  @Test
  void buffersAreExactSeparateViewsAndComeBackOnce() {
    NettyBuffers buffers = new NettyBuffers();
    ByteBuffer a = buffers.allocate(4000);
    ByteBuffer b = buffers.allocate(256);
    for (ByteBuffer x : new ByteBuffer[] {a, b}) {
      assertThat(x.isDirect()).isTrue();
      assertThat(x.position()).isZero();
      assertThat(x.limit()).isEqualTo(x.capacity());
    }
    assertThat(a.capacity()).isEqualTo(4000);
    assertThat(b.capacity()).isEqualTo(256);
    for (int i = 0; i < 4000; i++) {
      a.put(i, (byte) 1);
    }
    for (int i = 0; i < 256; i++) {
      b.put(i, (byte) 2);
    }
    assertThat(a.get(0)).isEqualTo((byte) 1);
    assertThat(a.get(3999)).isEqualTo((byte) 1);

    buffers.free(a);
    buffers.free(b);
    assertThatThrownBy(() -> buffers.free(a)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> buffers.free(ByteBuffer.allocateDirect(8))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theServersSizesReuseThePoolInsteadOfGrowingIt() {
    NettyBuffers buffers = new NettyBuffers();
    int[] sizes = {4096, 4000, 256, 4000}; // a connection's input, then a large echo's body, head, response
    ByteBuffer[] live = new ByteBuffer[sizes.length * 64];
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < live.length; i++) {
        live[i] = buffers.allocate(sizes[i % sizes.length]);
      }
      for (ByteBuffer x : live) {
        buffers.free(x);
      }
    }
    long afterWarm = buffers.pooledDirectMemory();
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < live.length; i++) {
        live[i] = buffers.allocate(sizes[i % sizes.length]);
      }
      for (ByteBuffer x : live) {
        buffers.free(x);
      }
    }
    assertThat(afterWarm).isPositive();
    assertThat(buffers.pooledDirectMemory()).isEqualTo(afterWarm);
  }
}
