package org.broomstick.memwalk.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.broomstick.memwalk.liveness.Liveness;
import org.junit.jupiter.api.Test;

/** Allocation-order constraints are emitted only when they provably hold (SPEC §5.9; issue 4, item 8). */
class AllocationOrderTest {

  private static Liveness.StageFacts stage(String id, List<String> may, List<String> must) {
    return new Liveness.StageFacts(id, false, 0, new TreeSet<>(may), new TreeSet<>(must), new TreeSet<>(),
        new TreeSet<>(), new TreeSet<>());
  }

  @Test
  void aConnectionHeldWheneverARequestIsHeldBoundsTheRequests() {
    Liveness l = new Liveness(List.of(
        stage("read", List.of("conn"), List.of("conn")),
        stage("parse", List.of("conn", "req"), List.of("conn", "req")),
        stage("close", List.of("conn"), List.of("conn"))), List.of(), List.of());
    assertThat(AllocationOrder.derive(l, List.of("conn", "req")))
        .containsExactly(new OrderConstraint("conn", "req"));
  }

  @Test
  void noConstraintWhenTheGreaterObjectIsOnlyMaybeHeld() {
    // On some path conn was already freed when req is still held: n_conn >= n_req would be unsound.
    // Every task holding conn does hold req, though, so the other direction holds.
    Liveness l = new Liveness(List.of(
        stage("parse", List.of("conn", "req"), List.of("req")),
        stage("send", List.of("req"), List.of("req"))), List.of(), List.of());
    assertThat(AllocationOrder.derive(l, List.of("conn", "req"))).containsExactly(new OrderConstraint("req", "conn"));
  }

  @Test
  void objectsAlwaysHeldTogetherGetBothDirections() {
    Liveness l = new Liveness(List.of(stage("s", List.of("a", "b"), List.of("a", "b"))), List.of(), List.of());
    assertThat(AllocationOrder.derive(l, List.of("a", "b")))
        .containsExactly(new OrderConstraint("b", "a"), new OrderConstraint("a", "b"));
  }
}
