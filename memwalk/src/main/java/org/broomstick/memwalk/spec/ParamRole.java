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

  /**
   * The index of a {@code Free}'s pointer parameter from its labels: one {@code ptr} among {@code X}s,
   * the thesis index form (a single {@code "0"}), or no labels at all (the first parameter); -1 when
   * the labels say nothing clear.
   */
  public static int pointerParam(java.util.List<String> labels) {
    if (labels.isEmpty()) {
      return 0;
    }
    if (labels.size() == 1 && labels.get(0).trim().matches("\\d+")) {
      return Integer.parseInt(labels.get(0).trim());
    }
    int ptr = -1;
    for (int i = 0; i < labels.size(); i++) {
      Optional<org.broomstick.memwalk.spec.ParamRole> r =
          parse(labels.get(i));
      if (r.isPresent() && r.get() == PTR) {
        if (ptr >= 0) {
          return -1;
        }
        ptr = i;
      } else if (r.isEmpty() || r.get() != X) {
        return -1;
      }
    }
    return ptr;
  }}
