package org.broomstick.memwalk.frontend.c;

import java.util.OptionalLong;
import org.eclipse.cdt.core.dom.ast.IASTExpression;
import org.eclipse.cdt.core.dom.ast.IType;

/**
 * The extractor's one door to type sizes and constant folding, as gcc computes them for the target
 * ({@link CTypeLayout}, {@link CConstantEvaluator}).
 */
final class Sizes {
  private final CTypeLayout layout;
  private final CConstantEvaluator evaluator;

  Sizes(CTypeLayout layout) {
    this.layout = layout;
    this.evaluator = new CConstantEvaluator(layout);
  }

  OptionalLong sizeOf(IType type) {
    try {
      return layout.sizeOf(type);
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  OptionalLong alignOf(IType type) {
    try {
      return layout.layoutOf(type).map(l -> OptionalLong.of(l.align())).orElse(OptionalLong.empty());
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * A constant written as tokens outside the code: an attribute's arguments ({@code
   * stingy_size(sizeof(struct req))}), looked up from {@code context}'s scope.
   */
  OptionalLong evaluate(java.util.List<String> tokens, org.eclipse.cdt.core.dom.ast.IASTNode context) {
    try {
      return AttributeExpression.evaluate(tokens, context, layout);
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The same for a text such as broomstick.yaml's {@code size: "sizeof(client) + 16"}. */
  OptionalLong evaluate(String text, org.eclipse.cdt.core.dom.ast.IASTNode context) {
    return evaluate(CTokens.split(text), context);
  }

  OptionalLong evaluate(IASTExpression e) {
    try {
      return evaluator.evaluate(e);
    } catch (RuntimeException ex) {
      return OptionalLong.empty();
    }
  }
}
