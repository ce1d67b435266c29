package org.broomstick.memwalk.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * The label of one parameter of an interface function (SPEC §3). The thesis spellings are accepted
 * too: {@code "int"} for the size and an index such as {@code "0"} for the freed pointer.
 */
public enum ParamRole {
  /** The task (request context). */
  T,
  /** The stage: a function pointer or method reference. */
  S,
  /** Ignored. */
  X,
  /** The size in bytes of a {@code Malloc}. */
  SIZE,
  /** The pointer a {@code Free} releases. */
  PTR;

  /** Parses a label as written in an attribute or the spec; empty when it is not one. */
  public static Optional<ParamRole> parse(String label) {
    return switch (label.trim().toLowerCase(Locale.ROOT)) {
      case "t" -> Optional.of(T);
      case "s" -> Optional.of(S);
      case "x" -> Optional.of(X);
      case "size", "int" -> Optional.of(SIZE);
      case "ptr" -> Optional.of(PTR);
      default -> Optional.empty();
    };
  }
}
