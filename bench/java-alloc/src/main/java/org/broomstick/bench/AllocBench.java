package org.broomstick.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.broomstick.runtime.Stingy;
import org.broomstick.runtime.StingyConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One alloc/free pair per operation, ns/op, for four sources of direct buffers (bench/java-alloc):
 *
 * <ul>
 *   <li>{@code stingy}: {@code Stingy.alloc(id)}/{@code Stingy.free(b)} on an arena bound to the
 *       benchmark thread, sized so that it never falls back;
 *   <li>{@code direct}: {@code ByteBuffer.allocateDirect(n)}, dropped: the pool-less baseline, what
 *       the plain nio-httpd does; the garbage collector's cleaner frees the memory later, and when
 *       the direct-memory limit is reached the allocation waits for a collection;
 *   <li>{@code directCleaner}: the same, freed at once with {@code Unsafe.invokeCleaner} (what a
 *       careful pool-less server does);
 *   <li>{@code netty}: {@code PooledByteBufAllocator.DEFAULT.directBuffer(n)}/{@code release()}
 *       (thread-local caches, leak detection off).
 * </ul>
 *
 * Two patterns: {@code single}, one 4096-byte buffer allocated, written, read and freed; {@code
 * mix}, a window of 32 live buffers where each operation frees a random one and allocates a random
 * size in its place, 40 B (50%), 256 B (25%), 512 B (15%), 4096 B (10%), the C benchmark's
 * (bench/alloc) server-like mix. Every buffer is written when allocated and read before it is
 * freed, into a {@link Blackhole}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AllocBench {
  static final int SINGLE_BYTES = 4096;
  static final int[] MIX_BYTES = {40, 256, 512, 4096};
  static final int WINDOW = 32;
  static final int STEPS = 1 << 16; // the pre-drawn (slot, size) sequence, replayed

  private static final sun.misc.Unsafe UNSAFE = unsafe();

  private final PooledByteBufAllocator netty = PooledByteBufAllocator.DEFAULT;
  private int[] slot;
  private int[] kind;
  private int step;
  private ByteBuffer[] stingyWindow;
  private ByteBuffer[] directWindow;
  private ByteBuffer[] cleanerWindow;
  private ByteBuf[] nettyWindow;

  @Setup(Level.Trial)
  public void setUp() {
    // One region per object, n_O = 64 for every mix size (the window holds 32) and 4 for the single one.
    StingyConfig.Builder b = StingyConfig.builder(1 << 20, 64).object("single", SINGLE_BYTES, 4);
    for (int bytes : MIX_BYTES) {
      b.object("mix" + bytes, bytes, 64);
    }
    Stingy.init(b.build());
    SplittableRandom r = new SplittableRandom(20061);
    slot = new int[STEPS];
    kind = new int[STEPS];
    for (int i = 0; i < STEPS; i++) {
      slot[i] = r.nextInt(WINDOW);
      int p = r.nextInt(100);
      kind[i] = p < 50 ? 0 : p < 75 ? 1 : p < 90 ? 2 : 3;
    }
    stingyWindow = new ByteBuffer[WINDOW];
    directWindow = new ByteBuffer[WINDOW];
    cleanerWindow = new ByteBuffer[WINDOW];
    nettyWindow = new ByteBuf[WINDOW];
    for (int i = 0; i < WINDOW; i++) {
      int k = kind[STEPS - 1 - i];
      stingyWindow[i] = Stingy.alloc(1 + k);
      directWindow[i] = ByteBuffer.allocateDirect(MIX_BYTES[k]);
      cleanerWindow[i] = ByteBuffer.allocateDirect(MIX_BYTES[k]);
      nettyWindow[i] = netty.directBuffer(MIX_BYTES[k], MIX_BYTES[k]);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (int i = 0; i < WINDOW; i++) {
      Stingy.free(stingyWindow[i]);
      UNSAFE.invokeCleaner(cleanerWindow[i]);
      nettyWindow[i].release();
    }
    if (Stingy.arena().stats().fallbacks() != 0) {
      throw new IllegalStateException("the arena fell back: " + Stingy.arena().stats().fallbacks());
    }
    Stingy.unbind();
  }

  // ---- one size

  @Benchmark
  public void singleStingy(Blackhole bh) {
    ByteBuffer b = Stingy.alloc(0);
    b.put(0, (byte) 1);
    bh.consume(b.get(SINGLE_BYTES - 1));
    Stingy.free(b);
  }

  @Benchmark
  public void singleDirect(Blackhole bh) {
    ByteBuffer b = ByteBuffer.allocateDirect(SINGLE_BYTES);
    b.put(0, (byte) 1);
    bh.consume(b.get(SINGLE_BYTES - 1));
  }

  @Benchmark
  public void singleDirectCleaner(Blackhole bh) {
    ByteBuffer b = ByteBuffer.allocateDirect(SINGLE_BYTES);
    b.put(0, (byte) 1);
    bh.consume(b.get(SINGLE_BYTES - 1));
    UNSAFE.invokeCleaner(b);
  }

  @Benchmark
  public void singleNetty(Blackhole bh) {
    ByteBuf b = netty.directBuffer(SINGLE_BYTES, SINGLE_BYTES);
    b.setByte(0, 1);
    bh.consume(b.getByte(SINGLE_BYTES - 1));
    b.release();
  }

  // ---- the server-like mix

  private int next() {
    int i = step;
    step = (i + 1) & (STEPS - 1);
    return i;
  }

  @Benchmark
  public void mixStingy(Blackhole bh) {
    int i = next();
    int s = slot[i];
    ByteBuffer old = stingyWindow[s];
    bh.consume(old.get(old.capacity() - 1));
    Stingy.free(old);
    ByteBuffer b = Stingy.alloc(1 + kind[i]);
    b.put(0, (byte) 1);
    stingyWindow[s] = b;
  }

  @Benchmark
  public void mixDirect(Blackhole bh) {
    int i = next();
    int s = slot[i];
    ByteBuffer old = directWindow[s];
    bh.consume(old.get(old.capacity() - 1));
    ByteBuffer b = ByteBuffer.allocateDirect(MIX_BYTES[kind[i]]);
    b.put(0, (byte) 1);
    directWindow[s] = b;
  }

  @Benchmark
  public void mixDirectCleaner(Blackhole bh) {
    int i = next();
    int s = slot[i];
    ByteBuffer old = cleanerWindow[s];
    bh.consume(old.get(old.capacity() - 1));
    UNSAFE.invokeCleaner(old);
    ByteBuffer b = ByteBuffer.allocateDirect(MIX_BYTES[kind[i]]);
    b.put(0, (byte) 1);
    cleanerWindow[s] = b;
  }

  @Benchmark
  public void mixNetty(Blackhole bh) {
    int i = next();
    int s = slot[i];
    ByteBuf old = nettyWindow[s];
    bh.consume(old.getByte(old.capacity() - 1));
    old.release();
    int bytes = MIX_BYTES[kind[i]];
    ByteBuf b = netty.directBuffer(bytes, bytes);
    b.setByte(0, 1);
    nettyWindow[s] = b;
  }

  private static sun.misc.Unsafe unsafe() {
    try {
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (sun.misc.Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
