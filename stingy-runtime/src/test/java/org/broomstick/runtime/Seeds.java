package org.broomstick.runtime;

import java.util.stream.LongStream;

/**
 * Fixed seeds for the randomised tests: {@code runs} consecutive seeds from {@code base}, or only the
 * one given with {@code -Dstingy.seed=N} to replay a failure (the seed is in every test's name and
 * failure message).
 */
final class Seeds {
  private Seeds() {}

  static LongStream of(long base, int runs) {
    String replay = System.getProperty("stingy.seed");
    if (replay != null && !replay.isBlank()) {
      return LongStream.of(Long.decode(replay.trim()));
    }
    return LongStream.range(0, runs).map(i -> base + i);
  }
}
