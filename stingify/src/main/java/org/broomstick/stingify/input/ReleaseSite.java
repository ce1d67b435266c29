package org.broomstick.stingify.input;

import java.util.List;

/** A free site of {@code report.json}: its call and the objects its pointer may point to. */
public record ReleaseSite(
    String id, String file, int line, int column, String freer, List<String> releases, boolean inMacro, int offset, int length) {
  public ReleaseSite {
    releases = List.copyOf(releases);
  }
}
