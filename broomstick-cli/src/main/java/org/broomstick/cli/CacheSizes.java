package org.broomstick.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.broomstick.memwalk.diag.Diagnostic;
import org.broomstick.memwalk.model.SourceLocation;

/** Byte sizes on the command line ({@code 262144}, {@code 256K}, {@code 1M}) and this machine's L2 size. */
final class CacheSizes {
  private CacheSizes() {}

  static long parse(String option, String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("K") || t.endsWith("KB") || t.endsWith("KIB")) {
      unit = 1L << 10;
    } else if (t.endsWith("M") || t.endsWith("MB") || t.endsWith("MIB")) {
      unit = 1L << 20;
    }
    String digits = t.replaceAll("[KMIB]+$", "");
    try {
      long v = Long.parseLong(digits);
      if (v <= 0) {
        throw usage(option + " must be positive, got '" + text + "'");
      }
      return Math.multiplyExact(v, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw usage(option + " expects bytes, e.g. 262144, 256K or 1M; got '" + text + "'");
    }
  }

  /** The unified or data L2 cache of cpu0, from sysfs; empty when the kernel does not say. */
  static OptionalLong machineL2() {
    Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
    for (int i = 0; i < 8; i++) {
      Path idx = dir.resolve("index" + i);
      try {
        if (!Files.isDirectory(idx) || !Files.readString(idx.resolve("level")).trim().equals("2")) {
          continue;
        }
        String type = Files.readString(idx.resolve("type")).trim();
        if (type.equals("Instruction")) {
          continue;
        }
        return OptionalLong.of(parse("size", Files.readString(idx.resolve("size")).trim()));
      } catch (IOException | BroomstickException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  static BroomstickException usage(String message) {
    return new BroomstickException(ExitCode.USAGE, Diagnostic.error(SourceLocation.NONE, "usage.option", message));
  }
}
