package org.broomstick.bench.payoff;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import org.broomstick.examples.niohttpd.BufferSource;

/**
 * nio-httpd's buffers from Netty's {@link PooledByteBufAllocator} (direct arenas, per-thread caches:
 * the general-purpose pool a Java server would use instead of Stingy). A buffer is a {@code
 * nioBuffer} view of a pooled {@link ByteBuf}; freeing it releases the {@code ByteBuf} to the pool.
 * The server hands back the view, so the view is mapped to its {@code ByteBuf} by identity (one
 * thread: the server's loop).
 */
public final class NettyBuffers implements BufferSource {
  private final PooledByteBufAllocator alloc = new PooledByteBufAllocator(true);
  private final Map<ByteBuffer, ByteBuf> owners = new IdentityHashMap<>();

  @Override
  public ByteBuffer allocate(int bytes) {
    ByteBuf buf = alloc.directBuffer(bytes, bytes);
    ByteBuffer view = buf.nioBuffer(0, bytes); // position 0, limit and capacity = bytes
    owners.put(view, buf);
    return view;
  }

  /** Bytes of direct memory the pool holds (its chunks), for the test. */
  long pooledDirectMemory() {
    return alloc.metric().usedDirectMemory();
  }

  @Override
  public void free(ByteBuffer b) {
    ByteBuf buf = owners.remove(b);
    if (buf == null) {
      throw new IllegalStateException("not a buffer of NettyBuffers, or freed twice: " + b);
    }
    buf.release();
  }
}
