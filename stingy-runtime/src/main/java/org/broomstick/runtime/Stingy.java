package org.broomstick.runtime;

import java.nio.ByteBuffer;

/**
 * Static entry points for code rewritten by stingify ({@code Stingy.alloc(Ids.X)}, {@code
 * Stingy.free(b)}, SPEC §7), acting on the {@link Arena} bound to the calling thread. Each event-loop
 * thread binds its own arena once, before it serves requests:
 *
 * <pre>{@code
 * Arena arena = Stingy.init(Ids.CONFIG);   // on the event-loop thread; Ids from stingygen --target java
 * }</pre>
 *
 * The binding is a {@link ThreadLocal}: one lookup per call, no locks. A call on a thread with no
 * arena throws {@link IllegalStateException}, so a request served off the event loop is noticed
 * rather than silently sharing another thread's arena.
 */
public final class Stingy {
  private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();

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

  /** The calling thread's arena. */
  public static Arena arena() {
    Arena a = CURRENT.get();
    if (a == null) {
      throw new IllegalStateException(
          "no Stingy arena on thread " + Thread.currentThread().getName() + "; call Stingy.init(config) on it first");
    }
    return a;
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
