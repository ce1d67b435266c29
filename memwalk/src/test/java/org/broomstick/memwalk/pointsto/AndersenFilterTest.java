package org.broomstick.memwalk.pointsto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.broomstick.memwalk.model.Constraint;
import org.junit.jupiter.api.Test;

/** {@link Constraint.Filter}: a copy that leaves some objects out, also for what arrives later. */
class AndersenFilterTest {

  @Test
  void aFilterCopiesAllButTheExcludedObjectsIncludingThoseThatArriveThroughLoads() {
    PointsTo pt = Andersen.analyse(List.of(
        new Constraint.AddressOf("bag", "lib:bag"),
        new Constraint.AddressOf("a", "heap:buf"),
        new Constraint.AddressOf("b", "new:Conn"),
        new Constraint.Store("bag", "a"),
        new Constraint.Store("bag", "b"),
        new Constraint.Load("candidates", "bag"), // what the library hands back: its content
        new Constraint.Filter("conn", "candidates", Set.of("heap:buf")),
        new Constraint.Filter("conn", "candidates", Set.of("heap:buf", "new:Conn")), // a second test lets through what either does
        new Constraint.Copy("after", "conn")), List.of());
    assertThat(pt.of("candidates")).containsExactlyInAnyOrder("heap:buf", "new:Conn");
    assertThat(pt.of("conn")).containsExactly("new:Conn");
    assertThat(pt.of("after")).containsExactly("new:Conn");
  }
}
