package org.broomstick.memwalk.diag;

/**
 * The inputs are unusable as a whole (an unreadable directory, a broken {@code
 * compile_commands.json}): the step cannot go on. Problems inside one unit are diagnostics instead.
 */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Diagnostic diagnostic;

  public InputException(Diagnostic diagnostic) {
    super(diagnostic.format());
    this.diagnostic = diagnostic;
  }

  public InputException(Diagnostic diagnostic, Throwable cause) {
    super(diagnostic.format(), cause);
    this.diagnostic = diagnostic;
  }

  public Diagnostic diagnostic() {
    return diagnostic;
  }
}
