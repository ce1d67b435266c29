package org.broomstick.cli;

/** The process exit codes of SPEC §8, mapped in one place. */
public enum ExitCode {
  OK(0),
  /** Findings that block the next step (errors in the inputs). */
  FINDINGS(1),
  USAGE(2),
  INFEASIBLE(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
