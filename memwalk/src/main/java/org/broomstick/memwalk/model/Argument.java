package org.broomstick.memwalk.model;

/**
 * One actual argument of a call as the analyses need it.
 *
 * @param cell the points-to cell holding the argument's value
 * @param text the source text of the argument (for messages and size expressions)
 * @param constant its value when it is an integer constant expression, else null
 */
public record Argument(String cell, String text, Long constant) {}
