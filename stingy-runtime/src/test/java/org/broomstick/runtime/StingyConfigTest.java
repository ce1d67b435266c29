package org.broomstick.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Supplier;
import org.broomstick.runtime.StingyConfig.ObjectKind;
import org.broomstick.runtime.StingyConfig.Region;
import org.broomstick.runtime.StingyConfig.Stage;
import org.junit.jupiter.api.Test;

class StingyConfigTest {
  @Test
  void theBuilderPlacesRegionsOnLinesOneAfterAnother() {
    StingyConfig c =
        StingyConfig.builder(8192, 64)
            .object("req", 100, 3)
            .region("shared", 256, 2)
            .object("a", "shared", 2)
            .object("b", "shared", 1, 200)
            .entryStage("accept", "req")
            .stage("parse", "a", "b")
            .build();

    assertThat(c.regions())
        .containsExactly(new Region("req", 0, 128, 3), new Region("shared", 384, 256, 2));
    assertThat(c.objects())
        .containsExactly(
            new ObjectKind("req", 3, 100, "req"),
            new ObjectKind("a", 2, 256, "shared"),
            new ObjectKind("b", 1, 200, "shared"));
    assertThat(c.stages().get(0)).isEqualTo(new Stage("accept", List.of("req"), List.of(), true));
    assertThat(c.objectId("b")).isEqualTo(2);
    assertThat(c.stageId("parse")).isEqualTo(1);
  }

  @Test
  void ofTakesTheFieldsOfAllocatorJson() {
    // allocator.json: regions[{id, offsetBytes, slotBytes, slots}], objects[{id, count, slotBytes, region}]
    StingyConfig c =
        StingyConfig.of(
            1 << 18,
            64,
            List.of(new Region("r0", 4096, 320, 64), new Region("r1", 4096 + 320 * 64, 2048, 32)),
            List.of(new ObjectKind("http.c:214:17#zmalloc", 64, 300, "r0"), new ObjectKind("buf", 32, 2048, "r1")),
            List.of(new Stage("accept", List.of("http.c:214:17#zmalloc"), List.of(), true),
                new Stage("read", List.of("buf"), List.of("http.c:214:17#zmalloc"), false)));
    assertThat(c.objectId("http.c:214:17#zmalloc")).isZero();
    assertThat(c.cacheBytes()).isEqualTo(262144);
    assertThat(new Arena(c).dynCheck(c.stageId("read"))).isTrue();
  }

  @Test
  void unknownNamesAreErrorsThatListTheKnownOnes() {
    StingyConfig c = StingyConfig.builder(1024, 64).object("req", 64, 1).build();
    assertThatThrownBy(() -> c.objectId("res"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no object res (known: [req])");
    assertThatThrownBy(() -> c.stageId("x")).hasMessageStartingWith("no stage x");
  }

  @Test
  void inconsistentConfigurationsAreRejectedWithTheirNumbers() {
    assertRejected(
        () -> StingyConfig.builder(1024, 64).region("r", 32, 128, 1), "region r: offset 32 is not line-aligned");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).region("r", 0, 100, 1),
        "region r: slot size 100 is not a positive multiple of the 64-byte line");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).region("r", 0, 512, 3),
        "region r [0, 1536) does not fit the 1024-byte cache slab");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).region("a", 0, 128, 2).region("b", 192, 64, 1),
        "regions a [0, 256) and b [192, 256) overlap");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).region("r", 64, 2).object("o", "r", 3),
        "object o: count 3 exceeds the 2 slots of region r");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).region("r", 64, 2).object("o", "r", 1, 65),
        "object o: 65 bytes do not fit the 64-byte slots of region r");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).region("r", 64, 2).object("o", "q", 1, 64),
        "object o: no region q");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).object("o", 64, 1).object("o", 64, 1), "region o is declared twice");
    assertRejected(
        () -> StingyConfig.builder(1024, 64).object("o", 64, 1).stage("s", "p"), "stage s allocates unknown object p");
    assertThatThrownBy(() -> StingyConfig.builder(1024, 48))
        .hasMessage("stingy config: line size 48 is not a power of two");
  }

  @Test
  void emptyRegionsMayShareAnOffset() {
    StingyConfig c = StingyConfig.builder(1024, 64).region("a", 0, 64, 0).region("b", 0, 64, 2).build();
    assertThat(c.regions()).hasSize(2);
  }

  private static void assertRejected(Supplier<StingyConfig.Builder> b, String message) {
    assertThatThrownBy(() -> b.get().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stingy config: " + message);
  }
}
