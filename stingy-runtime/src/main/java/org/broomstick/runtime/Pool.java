package org.broomstick.runtime;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Stingy allocator for an object that is a Java instance rather than a buffer (a request, a
 * parser state): at most {@code count} ({@code n_O}) instances live at once, reused in O(1) from a
 * LIFO free list; past the limit {@link #alloc} falls back to a new instance from the factory and
 * counts it. Instances are made on first need, so the factory runs at most {@code count} times for
 * pooled ones. {@code reset} runs on every {@link #free} of a pooled instance, so a freed instance
 * keeps no references alive and the next {@code alloc} finds it clean.
 *
 * <p>{@code free} recognises its own instances by identity (an identity table built as instances are
 * made, never by {@code equals}); others — fallbacks included — are left to the garbage collector
 * and counted as foreign frees. A second free of a pooled instance throws {@link
 * IllegalStateException}. Get one bound to a configured object from {@link Arena#pool}, or make a
 * standalone one with the public constructor.
 *
 * <p>Not thread-safe, without locks: one pool per event-loop thread, as for {@link Arena}.
 */
public final class Pool<T> {
  private final int id;
  private final String name;
  private final int count;
  private final Supplier<? extends T> factory;
  private final Consumer<? super T> reset;

  private final Object[] items;
  private final boolean[] inUse;
  private final int[] freeList;
  private int freeTop;
  private int created;

  private final Object[] keys;
  private final int[] keyIndex;

  private int live;
  private int highWater;
  private long hits;
  private long fallbacks;
  private long frees;
  private long foreignFrees;

  /** A standalone pool of at most {@code count} live instances. */
  public Pool(String name, int count, Supplier<? extends T> factory, Consumer<? super T> reset) {
    this(-1, name, count, factory, reset);
  }

  Pool(int id, String name, int count, Supplier<? extends T> factory, Consumer<? super T> reset) {
    if (count < 0) {
      throw new IllegalArgumentException("pool " + name + ": negative count " + count);
    }
    this.id = id;
    this.name = Objects.requireNonNull(name, "name");
    this.count = count;
    this.factory = Objects.requireNonNull(factory, "factory");
    this.reset = Objects.requireNonNull(reset, "reset");
    items = new Object[count];
    inUse = new boolean[count];
    freeList = new int[count];
    int capacity = Integer.highestOneBit(Math.max(4, count * 2) * 2 - 1);
    keys = new Object[capacity];
    keyIndex = new int[capacity];
  }

  /** A pooled instance if fewer than {@code count} are live, else a new one (a counted fallback). */
  @SuppressWarnings("unchecked")
  public T alloc() {
    if (live >= count) {
      fallbacks++;
      return factory.get();
    }
    int i;
    if (freeTop > 0) {
      i = freeList[--freeTop];
    } else {
      T t = Objects.requireNonNull(factory.get(), () -> "pool " + name + ": factory returned null");
      if (find(t) >= 0) {
        throw new IllegalStateException("pool " + name + ": factory returned an instance it already holds");
      }
      i = created++;
      items[i] = t;
      insert(t, i);
    }
    inUse[i] = true;
    if (++live > highWater) {
      highWater = live;
    }
    hits++;
    return (T) items[i];
  }

  /**
   * Resets a pooled instance and takes it back; ignores (and counts) any other instance; ignores
   * {@code null}. If {@code reset} throws, the instance stays allocated.
   *
   * @throws IllegalStateException on a second free of a pooled instance
   */
  public void free(T t) {
    if (t == null) {
      return;
    }
    int k = find(t);
    if (k < 0) {
      foreignFrees++;
      return;
    }
    int i = keyIndex[k];
    if (!inUse[i]) {
      throw new IllegalStateException("double free of " + name + " (pooled instance #" + i + ")");
    }
    reset.accept(t);
    inUse[i] = false;
    live--;
    frees++;
    freeList[freeTop++] = i;
  }

  /** Whether one more instance can be had without a fallback. */
  public boolean available() {
    return live < count;
  }

  public String name() {
    return name;
  }

  public int count() {
    return count;
  }

  public int live() {
    return live;
  }

  /** Frees of instances that are not this pool's (fallbacks, strangers). */
  public long foreignFrees() {
    return foreignFrees;
  }

  /** A snapshot of this pool's counters ({@code oversize} is always 0). */
  public StingyStats.ObjectStats stats() {
    return new StingyStats.ObjectStats(
        id, name, StingyStats.Kind.POOL, count, live, highWater, hits, fallbacks, 0, frees);
  }

  private static int hash(Object key, int mask) {
    int h = System.identityHashCode(key);
    return (h ^ (h >>> 16)) * 0x9E3779B9 >>> 7 & mask;
  }

  private int find(Object t) {
    int mask = keys.length - 1;
    for (int k = hash(t, mask); ; k = (k + 1) & mask) {
      Object key = keys[k];
      if (key == t) {
        return k;
      }
      if (key == null) {
        return -1;
      }
    }
  }

  private void insert(Object t, int i) {
    int mask = keys.length - 1;
    int k = hash(t, mask);
    while (keys[k] != null) {
      k = (k + 1) & mask;
    }
    keys[k] = t;
    keyIndex[k] = i;
  }
}
