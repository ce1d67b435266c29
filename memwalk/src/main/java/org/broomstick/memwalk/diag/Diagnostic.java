package org.broomstick.memwalk.diag;

import java.util.Objects;
import org.broomstick.memwalk.model.SourceLocation;

/**
 * A finding about the user's input: where, how bad, a stable key (for suppression, SARIF rule ids
 * and fixture markers) and a message. Code that finds a problem builds one of these and never
 * formats {@code file:line} itself.
 */
public record Diagnostic(SourceLocation at, Severity severity, String key, String message) {

  public Diagnostic {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(message, "message");
  }

  public static Diagnostic error(SourceLocation at, String key, String message) {
    return new Diagnostic(at, Severity.ERROR, key, message);
  }

  public static Diagnostic warning(SourceLocation at, String key, String message) {
    return new Diagnostic(at, Severity.WARNING, key, message);
  }

  public static Diagnostic note(SourceLocation at, String key, String message) {
    return new Diagnostic(at, Severity.NOTE, key, message);
  }

  /** The gcc-like one-line form: {@code http.c:214:17: error: message [key]}. */
  public String format() {
    return at + ": " + severity.label() + ": " + message + " [" + key + "]";
  }

  @Override
  public String toString() {
    return format();
  }
}
