package org.broomstick.memwalk.scg;

import java.util.List;
import org.broomstick.memwalk.model.SourceLocation;

/** An indirect call and the functions it may reach; no targets means unresolved. */
public record IndirectCall(String function, SourceLocation at, String expression, List<String> targets) {
  public IndirectCall {
    targets = List.copyOf(targets);
  }
}
