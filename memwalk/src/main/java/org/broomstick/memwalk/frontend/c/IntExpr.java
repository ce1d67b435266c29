package org.broomstick.memwalk.frontend.c;

import java.util.OptionalLong;

/**
 * Evaluates the small integer expressions allowed in hint attributes ({@code stingy_size(4*1024)}),
 * whose tokens CDT hands over unparsed: literals, parentheses, {@code + - * / % << >>}.
 */
final class IntExpr {
  private final String s;
  private int pos;

  private IntExpr(String s) {
    this.s = s;
  }

  static OptionalLong eval(String text) {
    try {
      IntExpr p = new IntExpr(text.replaceAll("\\s+", ""));
      long v = p.shift();
      return p.pos == p.s.length() ? OptionalLong.of(v) : OptionalLong.empty();
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private long shift() {
    long v = additive();
    while (true) {
      if (s.startsWith("<<", pos)) {
        pos += 2;
        v <<= additive();
      } else if (s.startsWith(">>", pos)) {
        pos += 2;
        v >>= additive();
      } else {
        return v;
      }
    }
  }

  private long additive() {
    long v = term();
    while (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
      char op = s.charAt(pos++);
      long r = term();
      v = op == '+' ? Math.addExact(v, r) : Math.subtractExact(v, r);
    }
    return v;
  }

  private long term() {
    long v = unary();
    while (pos < s.length() && "*/%".indexOf(s.charAt(pos)) >= 0) {
      char op = s.charAt(pos++);
      long r = unary();
      v = switch (op) {
        case '*' -> Math.multiplyExact(v, r);
        case '/' -> v / r;
        default -> v % r;
      };
    }
    return v;
  }

  private long unary() {
    if (pos < s.length() && s.charAt(pos) == '-') {
      pos++;
      return -unary();
    }
    if (pos < s.length() && s.charAt(pos) == '(') {
      pos++;
      long v = shift();
      if (pos >= s.length() || s.charAt(pos) != ')') {
        throw new IllegalArgumentException("')' expected");
      }
      pos++;
      return v;
    }
    int start = pos;
    while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
      pos++;
    }
    String lit = s.substring(start, pos).replaceAll("[uUlL]+$", "");
    if (lit.startsWith("0x") || lit.startsWith("0X")) {
      return Long.parseLong(lit.substring(2), 16);
    }
    if (lit.length() > 1 && lit.startsWith("0")) {
      return Long.parseLong(lit.substring(1), 8);
    }
    return Long.parseLong(lit);
  }
}
