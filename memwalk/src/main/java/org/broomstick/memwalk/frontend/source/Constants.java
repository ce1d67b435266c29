package org.broomstick.memwalk.frontend.source;

import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.CharLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import java.util.function.Function;

/**
 * Integer constant expressions (JLS §15.29) as javac folds them, plus locals assigned once, which
 * the bytecode frontend follows through the stack: the size of an allocation when it is known.
 */
final class Constants {
  private static final int DEPTH = 8;

  private final Function<Expression, Expression> definition;

  /** @param definition the initializer of a name that is a constant (or a local assigned once), else null */
  Constants(Function<Expression, Expression> definition) {
    this.definition = definition;
  }

  /** The value of literals and operators on them, without names. */
  static Long literal(Expression e) {
    return new Constants(x -> null).value(e);
  }

  Long value(Expression e) {
    return value(e, 0);
  }

  private Long value(Expression e, int depth) {
    if (e == null || depth > DEPTH) {
      return null;
    }
    try {
      if (e instanceof IntegerLiteralExpr i) {
        return i.asNumber().longValue();
      }
      if (e instanceof LongLiteralExpr l) {
        return l.asNumber().longValue();
      }
      if (e instanceof CharLiteralExpr c) {
        return (long) c.asChar();
      }
      if (e instanceof EnclosedExpr p) {
        return value(p.getInner(), depth);
      }
      if (e instanceof CastExpr c) {
        Long v = value(c.getExpression(), depth);
        return v == null ? null : switch (c.getType().asString()) {
          case "int" -> (long) v.intValue();
          case "long" -> v;
          case "short" -> (long) v.shortValue();
          case "byte" -> (long) v.byteValue();
          case "char" -> (long) (char) v.longValue();
          default -> null;
        };
      }
      if (e instanceof UnaryExpr u) {
        Long v = value(u.getExpression(), depth + 1);
        return v == null ? null : switch (u.getOperator()) {
          case MINUS -> -v;
          case PLUS -> v;
          case BITWISE_COMPLEMENT -> ~v;
          default -> null;
        };
      }
      if (e instanceof BinaryExpr b) {
        return binary(b, depth);
      }
      Expression d = definition.apply(e);
      return d == null ? null : value(d, depth + 1);
    } catch (NumberFormatException | ArithmeticException ex) {
      return null;
    }
  }

  private Long binary(BinaryExpr b, int depth) {
    Long x = value(b.getLeft(), depth + 1);
    Long y = x == null ? null : value(b.getRight(), depth + 1);
    if (y == null) {
      return null;
    }
    return switch (b.getOperator()) {
      case PLUS -> x + y;
      case MINUS -> x - y;
      case MULTIPLY -> x * y;
      case DIVIDE -> x / y;
      case REMAINDER -> x % y;
      case LEFT_SHIFT -> x << y;
      case SIGNED_RIGHT_SHIFT -> x >> y;
      case UNSIGNED_RIGHT_SHIFT -> x >>> y;
      case BINARY_AND -> x & y;
      case BINARY_OR -> x | y;
      case XOR -> x ^ y;
      default -> null;
    };
  }
}
