package org.broomstick.stingygen.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.broomstick.stingygen.StingygenException;
import org.broomstick.stingygen.StingygenException.Kind;

/**
 * The cache the plan is for (SPEC §6): its size, which becomes the cache slab, and its line size,
 * to which every slot and region is aligned. By default the L2 of cpu0 as Linux describes it in
 * {@code /sys/devices/system/cpu/cpu0/cache/index*}; {@code source} says where the figures came from.
 */
public record CacheGeometry(long sizeBytes, int lineBytes, String source) {

  public CacheGeometry {
    if (sizeBytes <= 0) {
      throw usage("cache size must be positive, not " + sizeBytes);
    }
    if (lineBytes < 8 || lineBytes > 4096 || Integer.bitCount(lineBytes) != 1) {
      throw usage("line size " + lineBytes + " is not a power of two between 8 and 4096");
    }
    if (sizeBytes % lineBytes != 0) {
      throw usage("cache size " + sizeBytes + " is not a multiple of the line size " + lineBytes);
    }
    if (sizeBytes >= (1L << 32)) {
      throw usage("cache size " + sizeBytes + " is 4 GiB or more; the runtime's offsets are 32-bit");
    }
  }

  /**
   * The share of the machine's L2 a plan uses when no size is given: half. The plan accounts for
   * the pools, the stack and the small globals only; the rest of the L2 is for what it cannot
   * see: code (the L2 is unified), the kernel's copies of socket data, unmanaged heap. Measured
   * on minihttpd (in-process, 1024 tasks, large responses, cachegrind, bench/payoff/README.md):
   * 25.8 L2 misses per request with the whole 1 MiB, 0.34 with 768K, 0.00 with 512K.
   */
  public static final int DEFAULT_SHARE_DIVISOR = 2;

  /**
   * The geometry from the options, each missing figure taken from the level-2 unified or data
   * cache described under {@code sysCache}; a missing size is half that cache (see {@link
   * #DEFAULT_SHARE_DIVISOR}), rounded down to a line.
   */
  public static CacheGeometry resolve(Long sizeBytes, Integer lineBytes, Path sysCache) {
    if (sizeBytes != null && lineBytes != null) {
      return new CacheGeometry(sizeBytes, lineBytes, "options");
    }
    long[] l2 = machineL2(sysCache);
    int line = lineBytes != null ? lineBytes : (int) l2[1];
    if (sizeBytes != null) {
      return new CacheGeometry(sizeBytes, line, "options and L2 of " + sysCache);
    }
    long half = l2[0] / DEFAULT_SHARE_DIVISOR / line * line;
    return new CacheGeometry(half, line, "half the " + (l2[0] >> 10) + " KiB L2 of " + sysCache);
  }

  /** {size, line} of the machine's level-2 unified or data cache; a USAGE error when there is none. */
  public static long[] machineL2(Path sysCache) {
    long[] l2 = readL2(sysCache);
    if (l2 == null) {
      throw new StingygenException(
          Kind.USAGE,
          "cache.unknown",
          sysCache.toString(),
          0,
          0,
          "no level-2 unified or data cache is described here; give --cache-size and --line-size");
    }
    return l2;
  }

  /** {size, line} of the L2 under {@code dir}, or null. */
  static long[] readL2(Path dir) {
    List<Path> indexes = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().startsWith("index")).sorted().forEach(indexes::add);
    } catch (IOException e) {
      return null;
    }
    for (Path idx : indexes) {
      try {
        String level = Files.readString(idx.resolve("level")).strip();
        String type = Files.readString(idx.resolve("type")).strip();
        if (!level.equals("2") || !(type.equals("Unified") || type.equals("Data"))) {
          continue;
        }
        long size = parseSize(Files.readString(idx.resolve("size")).strip());
        long line = Long.parseLong(Files.readString(idx.resolve("coherency_line_size")).strip());
        return new long[] {size, line};
      } catch (IOException | RuntimeException e) {
        // an index without the files (or with odd contents) is not the L2 we can use
      }
    }
    return null;
  }

  /**
   * A size as users and {@code /sys} write it: {@code 1048576}, {@code 256K}, {@code 1M}, {@code
   * 1MiB}, {@code 2 MB} (K, M and G are binary multiples, as /sys and cache sizes mean them).
   */
  public static long parseSize(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT).replace(" ", "");
    if (t.endsWith("IB")) {
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty()) {
      char last = t.charAt(t.length() - 1);
      unit = switch (last) {
        case 'K' -> 1L << 10;
        case 'M' -> 1L << 20;
        case 'G' -> 1L << 30;
        default -> 1;
      };
      if (unit != 1) {
        t = t.substring(0, t.length() - 1);
      }
    }
    long n;
    try {
      n = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw usage("\"" + text + "\" is not a size (bytes, or a number with K, M or G: 256K, 1M)");
    }
    if (n < 0 || n > Long.MAX_VALUE / unit) {
      throw usage("\"" + text + "\" is not a size between 0 and 2^63 bytes");
    }
    return n * unit;
  }

  private static StingygenException usage(String message) {
    return new StingygenException(Kind.USAGE, "cache.invalid", message);
  }
}
