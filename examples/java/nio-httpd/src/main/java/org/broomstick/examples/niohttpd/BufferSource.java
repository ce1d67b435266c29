package org.broomstick.examples.niohttpd;

import java.nio.ByteBuffer;

/**
 * Where the plain build's buffers come from (the payoff benchmark plugs Netty's pooled allocator in
 * here without the example depending on Netty). The default is {@link #DIRECT}. An implementation
 * on the class path is named with {@code --buffers CLASS} (or {@code -Dnio.buffers=CLASS}) and found
 * with {@link java.util.ServiceLoader}: list it in {@code META-INF/services/} under this interface's
 * name. Both methods are called on the server's loop thread only. The Stingy build ignores it: its
 * buffers come from the arena.
 */
public interface BufferSource {
  /** {@code ByteBuffer.allocateDirect}; the garbage collector frees. */
  BufferSource DIRECT = new BufferSource() {
    @Override
    public ByteBuffer allocate(int bytes) {
      return ByteBuffer.allocateDirect(bytes);
    }

    @Override
    public void free(ByteBuffer b) {}
  };

  /** A buffer of {@code bytes}: position 0, limit and capacity {@code bytes}. */
  ByteBuffer allocate(int bytes);

  /** The server no longer uses {@code b}, a buffer from {@link #allocate} (never null). */
  void free(ByteBuffer b);
}
