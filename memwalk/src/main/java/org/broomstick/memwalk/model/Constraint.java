package org.broomstick.memwalk.model;

/**
 * A flow-insensitive points-to constraint between cells (SPEC §4, Andersen). Cells are strings
 * chosen by the frontend: variables, parameters, returns, struct fields keyed by type and field
 * (field-based), temporaries. Abstract objects are function ids ({@code fn:ID}), allocation sites
 * ({@code heap:ID}) and cells whose address is taken.
 */
public sealed interface Constraint {

  /** {@code cell ⊇ {object}}: {@code p = &x}, {@code p = fn}, {@code p = malloc(..)}. */
  record AddressOf(String cell, String object) implements Constraint {}

  /** {@code dst ⊇ src}: {@code dst = src}. */
  record Copy(String dst, String src) implements Constraint {}

  /** {@code dst ⊇ *src}: {@code dst = *src}. */
  record Load(String dst, String src) implements Constraint {}

  /** {@code *dst ⊇ src}: {@code *dst = src}. */
  record Store(String dst, String src) implements Constraint {}

  /**
   * {@code dst ⊇ src \ excluded}: a copy through a type the value is known to have (the declared
   * return type of a Java library method, which the verifier enforces): the objects that cannot be
   * of that type are left out.
   */
  record Filter(String dst, String src, java.util.Set<String> excluded) implements Constraint {
    public Filter {
      excluded = java.util.Set.copyOf(excluded);
    }
  }

  static String function(String functionId) {
    return "fn:" + functionId;
  }

  static String param(String functionId, int index) {
    return "param:" + functionId + "#" + index;
  }

  static String ret(String functionId) {
    return "ret:" + functionId;
  }
}
