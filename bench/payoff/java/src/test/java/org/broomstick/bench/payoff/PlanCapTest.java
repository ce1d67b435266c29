package org.broomstick.bench.payoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.broomstick.examples.niohttpd.HttpServer;
import org.broomstick.runtime.StingyConfig;
import org.junit.jupiter.api.Test;

class PlanCapTest {
  @Test
  void theCapIsTheSmallestPoolTheEntryStageAllocatesFrom() {
    StingyConfig config = StingyConfig.builder(1 << 16, 64)
        .object("conn", 64, 24)
        .object("in", 1024, 16)
        .object("body", 1024, 4)
        .stage(new StingyConfig.Stage("accept", List.of("conn", "in"), List.of(), true))
        .stage(new StingyConfig.Stage("parse", List.of("body"), List.of("conn", "in"), false))
        .build();
    assertThat(PlanCap.cap(config)).isEqualTo(16); // body's 4 is not the entry stage's
  }

  @Test
  void nioHttpdsConfigurationCapsAtItsConnectionPools() {
    assertThat(PlanCap.cap(HttpServer.stingyConfig())).isEqualTo(32);
  }

  /** What a generated Ids class looks like to PlanCap: a public static CONFIG. */
  public static final class GeneratedLike {
    public static final StingyConfig CONFIG = StingyConfig.builder(1 << 16, 64)
        .object("in", 1024, 40)
        .stage(new StingyConfig.Stage("accept", List.of("in"), List.of(), true))
        .build();
  }

  @Test
  void aGeneratedConfigClassIsReadByName() throws Exception {
    assertThat(PlanCap.cap(PlanCap.generated(GeneratedLike.class.getName()))).isEqualTo(40);
    assertThatThrownBy(() -> PlanCap.generated("no.such.Ids")).isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void noEntryStageIsAnError() {
    StingyConfig config = StingyConfig.builder(1 << 16, 64)
        .object("conn", 64, 24)
        .stage(new StingyConfig.Stage("read", List.of("conn"), List.of(), false))
        .build();
    assertThatThrownBy(() -> PlanCap.cap(config)).hasMessageContaining("one entry stage, found 0");
  }
}
