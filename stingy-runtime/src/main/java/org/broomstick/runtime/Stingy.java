package org.broomstick.runtime;

import java.nio.ByteBuffer;

/**
 * Static entry points for code rewritten by stingify ({@code Stingy.alloc(Ids.X)}, {@code
 * Stingy.free(b)}, SPEC §7), acting on the {@link Arena} bound to the calling thread.
 *
 * <h2>Starting the allocator</h2>
 *
 * The generated {@code Ids} class {@linkplain #register registers} its plan in its static
 * initialiser, which runs the first time rewritten code reads one of its ids (they are not
 * compile-time constants for that reason). The first Stingy call on a thread with no arena then makes
 * that thread's arena from the registered plan and binds it: a rewritten server runs without a source
 * change, as the C runtime's generated constructor starts the allocator before {@code main}. The hot
 * path stays one {@link ThreadLocal} lookup and a null test; only a thread's first call takes the slow
 * path. Each thread that allocates gets an arena of its own (the slab is per thread: use it from
 * event-loop threads, not from a pool of many workers).
 *
 * <p>To bind arenas yourself (the C runtime's {@code -DSTINGY_NO_AUTO_INIT}), run with {@code
 * -Dbroomstick.stingy.autoInit=false} and call, on each event-loop thread before it serves:
 *
 * <pre>{@code
 * Arena arena = Stingy.init(Ids.CONFIG);   // Ids from stingygen --target java
 * }</pre>
 *
 * A call on a thread with no arena and nothing to make one from (no plan registered, or automatic
 * start turned off) throws {@link IllegalStateException} naming the thread.
 *
 * <h2>Admission control</h2>
 *
 * {@link #admits()} is the scheduler's check on the entry stages (thesis §7.4.5): a server calls it
 * before it runs its accept stage and leaves new connections in the listen backlog while it fails. On
 * a thread without an arena (the plain build, or before the first allocation) it is true, so the same
 * source serves both builds.
 */
public final class Stingy {
  private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();
  /** The system property that turns off the automatic start: {@code -Dbroomstick.stingy.autoInit=false}. */
  public static final String AUTO_INIT_PROPERTY = "broomstick.stingy.autoInit";

  private static volatile StingyConfig registered;

  private Stingy() {}

  /** Makes an arena for {@code config} and binds it to the calling thread. */
  public static Arena init(StingyConfig config) {
    Arena a = new Arena(config);
    CURRENT.set(a);
    return a;
  }

  /** Binds {@code arena} to the calling thread (replacing any other). */
  public static void bind(Arena arena) {
    CURRENT.set(java.util.Objects.requireNonNull(arena, "arena"));
  }

  /** Unbinds the calling thread's arena, e.g. when an event-loop thread ends. */
  public static void unbind() {
    CURRENT.remove();
  }

  /** Whether the calling thread has an arena. */
  public static boolean isBound() {
    return CURRENT.get() != null;
  }

  /**
   * The plan from which a thread's first Stingy call makes its arena (the generated {@code Ids}
   * calls this in its static initialiser); replaces any plan registered before. Threads that already
   * have an arena keep it.
   */
  public static void register(StingyConfig config) {
    registered = java.util.Objects.requireNonNull(config, "config");
  }

  /** Forgets the registered plan: threads without an arena get none made for them. */
  public static void deregister() {
    registered = null;
  }

  /** The registered plan, if any. */
  public static java.util.Optional<StingyConfig> registered() {
    return java.util.Optional.ofNullable(registered);
  }

  /** The calling thread's arena, made from the registered plan on the thread's first call. */
  public static Arena arena() {
    Arena a = CURRENT.get();
    return a != null ? a : start();
  }

  /** The slow path of a thread's first call: its arena from the registered plan, or why there is none. */
  private static Arena start() {
    StingyConfig config = registered;
    String thread = Thread.currentThread().getName();
    if (config == null) {
      throw new IllegalStateException("no Stingy arena on thread " + thread
          + " and no plan registered (the generated Ids registers its own); call Stingy.init(config) on it first");
    }
    if ("false".equals(System.getProperty(AUTO_INIT_PROPERTY))) {
      throw new IllegalStateException("no Stingy arena on thread " + thread + " (-D" + AUTO_INIT_PROPERTY
          + "=false); call Stingy.init(config) on it first");
    }
    return init(config);
  }

  /**
   * Whether the calling thread's arena has room for what every entry stage allocates ({@link
   * Arena#admits}); true on a thread without an arena, where Stingy is not in use. Never makes an
   * arena.
   */
  public static boolean admits() {
    Arena a = CURRENT.get();
    return a == null || a.admits();
  }

  /** {@link Arena#alloc(int)} on the calling thread's arena. */
  public static ByteBuffer alloc(int objectId) {
    return arena().alloc(objectId);
  }

  /** {@link Arena#alloc(int, int)} on the calling thread's arena. */
  public static ByteBuffer alloc(int objectId, int bytes) {
    return arena().alloc(objectId, bytes);
  }

  /** {@link Arena#free} on the calling thread's arena. */
  public static void free(ByteBuffer b) {
    arena().free(b);
  }

  /** {@link Arena#dynCheck} on the calling thread's arena. */
  public static boolean dynCheck(int stage) {
    return arena().dynCheck(stage);
  }
}
