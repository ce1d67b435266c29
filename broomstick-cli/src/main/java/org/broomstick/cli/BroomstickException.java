package org.broomstick.cli;

import org.broomstick.memwalk.diag.Diagnostic;

/**
 * A failure the user caused or can fix, carrying the exit code and the diagnostic to print. The
 * handler prints the diagnostic alone; the stack trace only with {@code -v}.
 */
public final class BroomstickException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ExitCode exitCode;
  private final transient Diagnostic diagnostic;

  public BroomstickException(ExitCode exitCode, Diagnostic diagnostic) {
    super(diagnostic.format());
    this.exitCode = exitCode;
    this.diagnostic = diagnostic;
  }

  public BroomstickException(ExitCode exitCode, Diagnostic diagnostic, Throwable cause) {
    super(diagnostic.format(), cause);
    this.exitCode = exitCode;
    this.diagnostic = diagnostic;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public Diagnostic diagnostic() {
    return diagnostic;
  }
}
