package org.broomstick.stingygen.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.broomstick.stingygen.StingygenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache size and line from /sys (a fake tree here) and from options. */
class CacheGeometryTest {
  @TempDir Path sys;

  private void index(int i, String level, String type, String size, String line) throws IOException {
    Path d = Files.createDirectories(sys.resolve("index" + i));
    Files.writeString(d.resolve("level"), level + "\n");
    Files.writeString(d.resolve("type"), type + "\n");
    Files.writeString(d.resolve("size"), size + "\n");
    Files.writeString(d.resolve("coherency_line_size"), line + "\n");
  }

  @Test
  void takesTheLevel2UnifiedCache() throws IOException {
    index(0, "1", "Data", "32K", "64");
    index(1, "1", "Instruction", "32K", "64");
    index(2, "2", "Unified", "1024K", "64");
    index(3, "3", "Unified", "32768K", "64");
    assertThat(CacheGeometry.machineL2(sys)).containsExactly(1 << 20, 64);
    CacheGeometry g = CacheGeometry.resolve(null, null, sys);
    assertThat(g.sizeBytes()).as("half the L2 by default").isEqualTo(1 << 19);
    assertThat(g.lineBytes()).isEqualTo(64);
    assertThat(g.source()).isEqualTo("half the 1024 KiB L2 of " + sys);
    assertThat(CacheGeometry.resolve(256L * 1024, null, sys).sizeBytes()).as("an explicit size is taken whole").isEqualTo(256 * 1024);
  }

  @Test
  void halfAnOddL2IsRoundedDownToALine() throws IOException {
    index(2, "2", "Unified", "1280K", "128");
    assertThat(CacheGeometry.resolve(null, null, sys).sizeBytes()).isEqualTo(640 * 1024);
  }

  @Test
  void noL2AndNoOptionIsAUsageError() throws IOException {
    index(0, "1", "Data", "32K", "64");
    assertThatThrownBy(() -> CacheGeometry.resolve(null, null, sys))
        .isInstanceOfSatisfying(StingygenException.class, e -> assertThat(e.kind()).isEqualTo(StingygenException.Kind.USAGE))
        .hasMessageContaining("give --cache-size and --line-size");
    assertThat(CacheGeometry.resolve(4096L, 64, sys.resolve("none")).source()).isEqualTo("options");
  }

  @Test
  void thisMachine() {
    // informational: what the default is here (not asserted: machines differ)
    try {
      System.out.println("this machine: " + CacheGeometry.resolve(null, null, Path.of("/sys/devices/system/cpu/cpu0/cache")));
    } catch (StingygenException e) {
      System.out.println("this machine: " + e.getMessage());
    }
  }

  @Test
  void parsesSizes() {
    assertThat(CacheGeometry.parseSize("1048576")).isEqualTo(1 << 20);
    assertThat(CacheGeometry.parseSize("256K")).isEqualTo(256 << 10);
    assertThat(CacheGeometry.parseSize("1M")).isEqualTo(1 << 20);
    assertThat(CacheGeometry.parseSize("2MiB")).isEqualTo(2 << 20);
    assertThat(CacheGeometry.parseSize("512 kb")).isEqualTo(512 << 10);
    for (String bad : new String[] {"", "K", "1.5M", "-4", "12Q", "99999999999999999999"}) {
      assertThatThrownBy(() -> CacheGeometry.parseSize(bad)).as(bad).isInstanceOf(StingygenException.class).hasMessageContaining("not a size");
    }
  }

  @Test
  void refusesOddGeometries() {
    assertThatThrownBy(() -> new CacheGeometry(4096, 48, "t")).hasMessageContaining("not a power of two");
    assertThatThrownBy(() -> new CacheGeometry(4000, 64, "t")).hasMessageContaining("not a multiple of the line size 64");
    assertThatThrownBy(() -> new CacheGeometry(0, 64, "t")).hasMessageContaining("must be positive");
  }
}
