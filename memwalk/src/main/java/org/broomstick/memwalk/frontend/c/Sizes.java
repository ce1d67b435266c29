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

  int pointerSize() {
    return layout.dataModel().pointerSize();
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

  OptionalLong evaluate(IASTExpression e) {
    try {
      return evaluator.evaluate(e);
    } catch (RuntimeException ex) {
      return OptionalLong.empty();
    }
  }
}
