package org.broomstick.memwalk.frontend.c;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.core.dom.ast.IBinding;
import org.eclipse.cdt.core.dom.ast.ICompositeType;
import org.eclipse.cdt.core.dom.ast.IEnumeration;
import org.eclipse.cdt.core.dom.ast.IEnumerator;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.core.dom.ast.ITypedef;

/**
 * Evaluates a size expression written as text outside the code — a fixed-size allocator's {@code
 * size: "sizeof(tux_req_t)"} in broomstick.yaml, or {@code stingy_size(sizeof(struct req))} in an
 * attribute — against the types of a translation unit: each {@code sizeof(T)} is replaced by its
 * size, enum constants by their values, and the rest folded by {@link IntExpr}.
 */
final class SizeExpressions {
  private static final Pattern SIZEOF =
      Pattern.compile("sizeof\\s*\\(\\s*(struct\\s+|union\\s+|enum\\s+)?([A-Za-z_]\\w*)\\s*(\\*?)\\s*\\)");
  private static final Pattern IDENT = Pattern.compile("\\b([A-Za-z_]\\w*)\\b");

  private SizeExpressions() {}

  static OptionalLong evaluate(String text, IASTTranslationUnit tu, Sizes sizes) {
    OptionalLong plain = IntExpr.eval(text);
    if (plain.isPresent()) {
      return plain;
    }
    Matcher m = SIZEOF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      long size;
      if (!m.group(3).isEmpty()) {
        size = sizes.pointerSize(); // sizeof(T *)
      } else {
        IType t = lookupType(m.group(2), m.group(1) != null, tu);
        if (t == null) {
          return OptionalLong.empty();
        }
        OptionalLong s = sizes.sizeOf(t);
        if (s.isEmpty()) {
          return OptionalLong.empty();
        }
        size = s.getAsLong();
      }
      m.appendReplacement(out, Long.toString(size));
    }
    m.appendTail(out);
    Matcher id = IDENT.matcher(out.toString());
    StringBuilder folded = new StringBuilder();
    while (id.find()) {
      Long v = enumerator(id.group(1), tu);
      if (v == null) {
        return OptionalLong.empty();
      }
      id.appendReplacement(folded, Long.toString(v));
    }
    id.appendTail(folded);
    return IntExpr.eval(folded.toString());
  }

  private static IType lookupType(String name, boolean tagged, IASTTranslationUnit tu) {
    for (IBinding b : tu.getScope().find(name, tu)) {
      if (tagged && (b instanceof ICompositeType || b instanceof IEnumeration)) {
        return (IType) b;
      }
      if (!tagged && b instanceof ITypedef td) {
        return td;
      }
    }
    return null;
  }

  private static Long enumerator(String name, IASTTranslationUnit tu) {
    for (IBinding b : tu.getScope().find(name, tu)) {
      if (b instanceof IEnumerator e && e.getValue() != null && e.getValue().numberValue() != null) {
        return e.getValue().numberValue().longValue();
      }
    }
    return null;
  }
}
