package org.broomstick.memwalk.frontend.c;

import java.util.OptionalLong;
import org.eclipse.cdt.core.dom.ast.IASTExpression;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.internal.core.dom.parser.SizeofCalculator;
import org.eclipse.cdt.internal.core.dom.parser.ValueFactory;

/**
 * The frontend's one door to type sizes and constant folding, so the layout engine behind it can
 * change without touching the extractor.
 */
final class Sizes {
  private final SizeofCalculator calculator;

  Sizes(org.eclipse.cdt.core.dom.ast.IASTTranslationUnit tu) {
    // One calculator per unit: it reads the unit's __SIZEOF_*__ macros when it is made.
    this.calculator = new SizeofCalculator(tu);
  }

  OptionalLong sizeOf(IType type) {
    try {
      SizeofCalculator.SizeAndAlignment sa = calculator.sizeAndAlignment(type);
      return sa == null ? OptionalLong.empty() : OptionalLong.of(sa.size);
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  OptionalLong alignOf(IType type) {
    try {
      SizeofCalculator.SizeAndAlignment sa = calculator.sizeAndAlignment(type);
      return sa == null ? OptionalLong.empty() : OptionalLong.of(sa.alignment);
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  OptionalLong evaluate(IASTExpression e) {
    try {
      Number n = ValueFactory.getConstantNumericalValue(e);
      return n == null ? OptionalLong.empty() : OptionalLong.of(n.longValue());
    } catch (RuntimeException ex) {
      return OptionalLong.empty();
    }
  }
}
