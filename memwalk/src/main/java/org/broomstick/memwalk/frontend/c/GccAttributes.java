package org.broomstick.memwalk.frontend.c;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.cdt.core.dom.ast.IASTAttribute;
import org.eclipse.cdt.core.dom.ast.IASTAttributeList;
import org.eclipse.cdt.core.dom.ast.IASTAttributeOwner;
import org.eclipse.cdt.core.dom.ast.IASTAttributeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTToken;
import org.eclipse.cdt.core.dom.ast.IASTTokenList;

/**
 * Reads GNU attributes off CDT nodes. CDT keeps attribute arguments as raw (already macro-expanded)
 * tokens, not expressions, so arguments come back as token images.
 */
final class GccAttributes {

  private GccAttributes() {}

  /** All attributes of the given owners (null owners are skipped), in source order. */
  static List<IASTAttribute> of(IASTAttributeOwner... owners) {
    List<IASTAttribute> out = new ArrayList<>();
    for (IASTAttributeOwner owner : owners) {
      if (owner == null) {
        continue;
      }
      for (IASTAttributeSpecifier spec : owner.getAttributeSpecifiers()) {
        // GNU __attribute__((…)) and C++-style [[…]] both arrive as attribute lists
        if (spec instanceof IASTAttributeList list) {
          for (IASTAttribute a : list.getAttributes()) {
            out.add(a);
          }
        }
      }
    }
    return out;
  }

  /** The attribute's name without the {@code __x__} spelling and a {@code gnu::} scope. */
  static String name(IASTAttribute a) {
    String n = new String(a.getName());
    if (n.startsWith("gnu::")) {
      n = n.substring(5);
    }
    if (n.length() > 4 && n.startsWith("__") && n.endsWith("__")) {
      n = n.substring(2, n.length() - 2);
    }
    return n.toLowerCase(Locale.ROOT);
  }

  static boolean has(List<IASTAttribute> attributes, String name) {
    return attributes.stream().anyMatch(a -> name(a).equals(name));
  }

  static List<IASTAttribute> named(List<IASTAttribute> attributes, String name) {
    return attributes.stream().filter(a -> name(a).equals(name)).toList();
  }

  /** The argument tokens, flattened, parentheses included; empty when there is no argument. */
  static List<String> arguments(IASTAttribute a) {
    List<String> out = new ArrayList<>();
    IASTToken clause = a.getArgumentClause();
    if (clause != null) {
      flatten(clause, out);
    }
    return out;
  }

  private static void flatten(IASTToken token, List<String> out) {
    if (token instanceof IASTTokenList list) {
      for (IASTToken t : list.getTokens()) {
        flatten(t, out);
      }
    } else if (token.getTokenCharImage() != null) {
      out.add(new String(token.getTokenCharImage()));
    }
  }
}
