package org.broomstick.memwalk.frontend.c;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.cdt.core.dom.ast.DOMException;
import org.eclipse.cdt.core.dom.ast.IASTNode;
import org.eclipse.cdt.core.dom.ast.IBasicType;
import org.eclipse.cdt.core.dom.ast.IBinding;
import org.eclipse.cdt.core.dom.ast.ICompositeType;
import org.eclipse.cdt.core.dom.ast.IEnumeration;
import org.eclipse.cdt.core.dom.ast.IEnumerator;
import org.eclipse.cdt.core.dom.ast.IScope;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.core.dom.ast.ITypedef;
import org.eclipse.cdt.internal.core.dom.parser.c.CBasicType;
import org.eclipse.cdt.internal.core.dom.parser.c.CVisitor;

/**
 * Evaluates an attribute argument such as {@code aligned(sizeof(long) * 2)}. CDT stores attribute
 * arguments as tokens, not expressions, so this is a small precedence-climbing parser over the
 * token images: integer and character constants, enumerators, C operators, casts, and {@code
 * sizeof}/{@code _Alignof}/{@code __alignof__} of type names (keywords, typedefs, tags, pointers,
 * arrays) looked up from the attribute's owner. Arithmetic is signed 64-bit; anything else fails.
 */
final class AttributeExpression {

  private static final Set<String> QUALIFIERS =
      Set.of(
          "const",
          "volatile",
          "restrict",
          "__const",
          "__const__",
          "__volatile",
          "__volatile__",
          "__restrict",
          "__restrict__");
  private static final Set<String> BASIC_WORDS =
      Set.of(
          "signed",
          "__signed",
          "__signed__",
          "unsigned",
          "char",
          "short",
          "int",
          "long",
          "float",
          "double",
          "_Bool",
          "void",
          "__int128",
          "_Complex",
          "__complex__");

  /** Thrown to abandon evaluation; cheaper to read than threading Optionals through a parser. */
  private static final class NotConstant extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotConstant() {
      super(null, null, false, false);
    }
  }

  private final List<String> tokens;
  private final IASTNode context;
  private final CTypeLayout layout;
  private int pos;

  private AttributeExpression(List<String> tokens, IASTNode context, CTypeLayout layout) {
    this.tokens = tokens;
    this.context = context;
    this.layout = layout;
  }

  /** The value of the whole token list, or empty if it is not a constant this parser knows. */
  static OptionalLong evaluate(List<String> tokens, IASTNode context, CTypeLayout layout) {
    AttributeExpression p = new AttributeExpression(new ArrayList<>(tokens), context, layout);
    try {
      long v = p.conditional();
      return p.pos == p.tokens.size() ? OptionalLong.of(v) : OptionalLong.empty();
    } catch (NotConstant | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  private String peek() {
    return pos < tokens.size() ? tokens.get(pos) : "";
  }

  private String peek(int ahead) {
    return pos + ahead < tokens.size() ? tokens.get(pos + ahead) : "";
  }

  private boolean accept(String t) {
    if (peek().equals(t)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String t) {
    if (!accept(t)) {
      throw new NotConstant();
    }
  }

  private long conditional() {
    long c = binary(0);
    if (accept("?")) {
      long a = conditional();
      expect(":");
      long b = conditional();
      return c != 0 ? a : b;
    }
    return c;
  }

  // Binary operator levels from loosest to tightest, as in C.
  private static final List<List<String>> LEVELS =
      List.of(
          List.of("||"),
          List.of("&&"),
          List.of("|"),
          List.of("^"),
          List.of("&"),
          List.of("==", "!="),
          List.of("<", ">", "<=", ">="),
          List.of("<<", ">>"),
          List.of("+", "-"),
          List.of("*", "/", "%"));

  private long binary(int level) {
    if (level == LEVELS.size()) {
      return unary();
    }
    long left = binary(level + 1);
    while (LEVELS.get(level).contains(peek())) {
      String op = tokens.get(pos++);
      long right = binary(level + 1);
      left = apply(op, left, right);
    }
    return left;
  }

  private static long apply(String op, long a, long b) {
    switch (op) {
      case "||":
        return (a != 0 || b != 0) ? 1 : 0;
      case "&&":
        return (a != 0 && b != 0) ? 1 : 0;
      case "|":
        return a | b;
      case "^":
        return a ^ b;
      case "&":
        return a & b;
      case "==":
        return a == b ? 1 : 0;
      case "!=":
        return a != b ? 1 : 0;
      case "<":
        return a < b ? 1 : 0;
      case ">":
        return a > b ? 1 : 0;
      case "<=":
        return a <= b ? 1 : 0;
      case ">=":
        return a >= b ? 1 : 0;
      case "<<":
        if (b < 0 || b > 63) {
          throw new NotConstant();
        }
        return a << b;
      case ">>":
        if (b < 0 || b > 63) {
          throw new NotConstant();
        }
        return a >> b;
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "/":
        if (b == 0) {
          throw new NotConstant();
        }
        return a / b;
      case "%":
        if (b == 0) {
          throw new NotConstant();
        }
        return a % b;
      default:
        throw new NotConstant();
    }
  }

  private long unary() {
    String t = peek();
    switch (t) {
      case "+":
        pos++;
        return unary();
      case "-":
        pos++;
        return -unary();
      case "~":
        pos++;
        return ~unary();
      case "!":
        pos++;
        return unary() == 0 ? 1 : 0;
      case "sizeof":
        pos++;
        return sizeOrAlign(true, false);
      case "_Alignof":
      case "alignof":
        pos++;
        return sizeOrAlign(false, false);
      case "__alignof__":
      case "__alignof":
        pos++;
        return sizeOrAlign(false, true);
      case "(":
        if (startsTypeName(1)) {
          pos++;
          typeName(); // a cast: alignment arguments are integers, so the value passes through
          expect(")");
          return unary();
        }
        pos++;
        long v = conditional();
        expect(")");
        return v;
      default:
        return primary();
    }
  }

  private long sizeOrAlign(boolean size, boolean preferred) {
    TypeInfo info;
    if (peek().equals("(") && startsTypeName(1)) {
      pos++;
      info = typeName();
      expect(")");
    } else {
      // `sizeof expr` would need expression types; attribute arguments do not use it in practice.
      throw new NotConstant();
    }
    if (size) {
      return info.size();
    }
    return preferred ? info.align() : info.fieldAlign(layout.dataModel());
  }

  private long primary() {
    String t = peek();
    if (t.isEmpty()) {
      throw new NotConstant();
    }
    pos++;
    char c = t.charAt(0);
    if (Character.isDigit(c)) {
      return CConstantEvaluator.integerLiteral(t).orElseThrow(NotConstant::new);
    }
    if (c == '\'' || ((c == 'L' || c == 'u' || c == 'U') && t.endsWith("'"))) {
      return CConstantEvaluator.charLiteral(t).orElseThrow(NotConstant::new);
    }
    IBinding b = lookup(t, false);
    if (b instanceof IEnumerator e) {
      return layout.evaluator().enumeratorValue(e).orElseThrow(NotConstant::new);
    }
    throw new NotConstant();
  }

  private boolean startsTypeName(int ahead) {
    String t = peek(ahead);
    if (QUALIFIERS.contains(t) || BASIC_WORDS.contains(t)) {
      return true;
    }
    if (t.equals("struct") || t.equals("union") || t.equals("enum")) {
      return true;
    }
    return !t.isEmpty()
        && Character.isJavaIdentifierStart(t.charAt(0))
        && lookup(t, false) instanceof ITypedef;
  }

  /** Parses specifiers, then an abstract declarator made of {@code *} and {@code [N]}. */
  private TypeInfo typeName() {
    IType base = null;
    int longs = 0;
    boolean isShort = false;
    boolean unsigned = false;
    boolean complex = false;
    IBasicType.Kind kind = null;
    boolean sawBasic = false;
    while (true) {
      String t = peek();
      if (QUALIFIERS.contains(t)) {
        pos++;
      } else if (BASIC_WORDS.contains(t)) {
        pos++;
        sawBasic = true;
        switch (t) {
          case "unsigned" -> unsigned = true;
          case "short" -> isShort = true;
          case "long" -> longs++;
          case "char" -> kind = IBasicType.Kind.eChar;
          case "int" -> kind = kind == null ? IBasicType.Kind.eInt : kind;
          case "float" -> kind = IBasicType.Kind.eFloat;
          case "double" -> kind = IBasicType.Kind.eDouble;
          case "_Bool" -> kind = IBasicType.Kind.eBoolean;
          case "void" -> kind = IBasicType.Kind.eVoid;
          case "__int128" -> kind = IBasicType.Kind.eInt128;
          case "_Complex", "__complex__" -> complex = true;
          default -> {
            // signed: the default for everything but char, whose size it does not change
          }
        }
      } else if ((t.equals("struct") || t.equals("union") || t.equals("enum")) && base == null) {
        pos++;
        IBinding tag = lookup(peek(), true);
        pos++;
        if (!(tag instanceof IType tagType)) {
          throw new NotConstant();
        }
        base = tagType;
      } else if (base == null
          && !sawBasic
          && !t.isEmpty()
          && Character.isJavaIdentifierStart(t.charAt(0))
          && lookup(t, false) instanceof ITypedef td) {
        pos++;
        base = td;
      } else {
        break;
      }
    }
    if (base == null) {
      if (!sawBasic) {
        throw new NotConstant();
      }
      int modifiers =
          (unsigned ? IBasicType.IS_UNSIGNED : 0)
              | (isShort ? IBasicType.IS_SHORT : 0)
              | (longs == 1 ? IBasicType.IS_LONG : 0)
              | (longs >= 2 ? IBasicType.IS_LONG_LONG : 0)
              | (complex ? IBasicType.IS_COMPLEX : 0);
      base = new CBasicType(kind == null ? IBasicType.Kind.eInt : kind, modifiers);
    }
    TypeInfo info = null;
    boolean pointer = false;
    while (accept("*")) {
      pointer = true;
      while (QUALIFIERS.contains(peek())) {
        pos++;
      }
    }
    if (pointer) {
      int p = layout.dataModel().pointerSize();
      info = TypeInfo.scalar(p, p);
    } else {
      info = layout.info(base).orElseThrow(NotConstant::new);
    }
    List<Long> dims = new ArrayList<>();
    while (accept("[")) {
      dims.add(conditional());
      expect("]");
    }
    for (int i = dims.size() - 1; i >= 0; i--) {
      info =
          new TypeInfo(
              info.size() * dims.get(i), info.align(), info.userAligned(), info.capExempt());
    }
    return info;
  }

  /** Looks a name up from the owner's scope outwards, in the tag or the ordinary namespace. */
  private IBinding lookup(String name, boolean tag) {
    if (name.isEmpty() || context == null) {
      return null;
    }
    try {
      IScope scope = CVisitor.getContainingScope(context);
      while (scope != null) {
        for (IBinding b : scope.find(name, context.getTranslationUnit())) {
          boolean isTag = b instanceof ICompositeType || b instanceof IEnumeration;
          if (isTag == tag) {
            return b;
          }
        }
        scope = scope.getParent();
      }
    } catch (DOMException | RuntimeException e) {
      // CDT throws on broken scopes; an unresolved name just makes the argument unknown
      return null;
    }
    return null;
  }
}
