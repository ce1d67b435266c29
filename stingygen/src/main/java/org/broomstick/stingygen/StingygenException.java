package org.broomstick.stingygen;

/**
 * A problem stingygen cannot get past, with a stable key (for tests and scripts), the place it is
 * about (a file, and a line and column when known; 1-based, 0 when unknown) and what kind of
 * failure it is, which the command line maps to an exit code (SPEC §8).
 */
public final class StingygenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, in the terms of SPEC §8's exit codes. */
  public enum Kind {
    /** The input (report.json) is unreadable, malformed or of another schema. */
    INPUT,
    /** An option value or combination is unusable. */
    USAGE,
    /** The integer program has no solution (the message names the stage and the bytes). */
    INFEASIBLE,
    /** The plan failed the independent verifier, or could not be written. */
    PLAN
  }

  private final Kind kind;
  private final String key;
  private final String file;
  private final int line;
  private final int column;

  public StingygenException(Kind kind, String key, String file, int line, int column, String message) {
    super(message);
    this.kind = kind;
    this.key = key;
    this.file = file;
    this.line = line;
    this.column = column;
  }

  public StingygenException(Kind kind, String key, String message) {
    this(kind, key, null, 0, 0, message);
  }

  public Kind kind() {
    return kind;
  }

  public String key() {
    return key;
  }

  /** The file the problem is in, or null when it is about no file. */
  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
