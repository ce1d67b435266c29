package org.broomstick.memwalk.model;

/**
 * One actual argument of a call as the analyses need it.
 *
 * @param cell the points-to cell holding the argument's value
 * @param text the source text of the argument (for messages and size expressions)
 * @param constant its value when it is an integer constant expression, else null
 * @param offset character offset of the argument in its file (for rewriting), -1 when unknown
 * @param length its extent
 */
public record Argument(String cell, String text, Long constant, int offset, int length) {

  public Argument(String cell, String text, Long constant) {
    this(cell, text, constant, -1, 0);
  }
}
