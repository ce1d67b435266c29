package org.broomstick.memwalk.diag;

/** How much a diagnostic matters to the next step. */
public enum Severity {
  NOTE,
  WARNING,
  ERROR;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
