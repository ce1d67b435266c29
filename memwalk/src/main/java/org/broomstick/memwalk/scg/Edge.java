package org.broomstick.memwalk.scg;

import org.broomstick.memwalk.model.SourceLocation;

/** A call or event edge of the stage call graph (thesis §6.2.1) between function ids. */
public record Edge(String from, String to, Kind kind, SourceLocation at) {

  /** Call edges are C/Java calls; event edges come from queue sites and stage-field stores. */
  public enum Kind {
    CALL,
    EVENT;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
