package org.broomstick.memwalk.frontend.c;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.eclipse.cdt.core.dom.ast.IASTArraySubscriptExpression;
import org.eclipse.cdt.core.dom.ast.IASTBinaryExpression;
import org.eclipse.cdt.core.dom.ast.IASTCastExpression;
import org.eclipse.cdt.core.dom.ast.IASTConditionalExpression;
import org.eclipse.cdt.core.dom.ast.IASTDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTEnumerationSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTEqualsInitializer;
import org.eclipse.cdt.core.dom.ast.IASTExpression;
import org.eclipse.cdt.core.dom.ast.IASTExpressionList;
import org.eclipse.cdt.core.dom.ast.IASTFieldReference;
import org.eclipse.cdt.core.dom.ast.IASTIdExpression;
import org.eclipse.cdt.core.dom.ast.IASTInitializerClause;
import org.eclipse.cdt.core.dom.ast.IASTInitializerList;
import org.eclipse.cdt.core.dom.ast.IASTLiteralExpression;
import org.eclipse.cdt.core.dom.ast.IASTName;
import org.eclipse.cdt.core.dom.ast.IASTNode;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.core.dom.ast.IASTTypeId;
import org.eclipse.cdt.core.dom.ast.IASTTypeIdExpression;
import org.eclipse.cdt.core.dom.ast.IASTUnaryExpression;
import org.eclipse.cdt.core.dom.ast.IArrayType;
import org.eclipse.cdt.core.dom.ast.IBasicType;
import org.eclipse.cdt.core.dom.ast.IBinding;
import org.eclipse.cdt.core.dom.ast.ICompositeType;
import org.eclipse.cdt.core.dom.ast.IEnumeration;
import org.eclipse.cdt.core.dom.ast.IEnumerator;
import org.eclipse.cdt.core.dom.ast.IPointerType;
import org.eclipse.cdt.core.dom.ast.IProblemBinding;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.core.dom.ast.IValue;
import org.eclipse.cdt.core.dom.ast.IVariable;
import org.eclipse.cdt.core.dom.ast.c.ICASTArrayDesignator;
import org.eclipse.cdt.core.dom.ast.c.ICASTDesignatedInitializer;
import org.eclipse.cdt.core.dom.ast.c.ICASTDesignator;
import org.eclipse.cdt.core.dom.ast.gnu.c.IGCCASTArrayRangeDesignator;
import org.eclipse.cdt.internal.core.dom.parser.c.CEnumerator;
import org.eclipse.cdt.internal.core.dom.parser.c.CVisitor;
import org.eclipse.cdt.internal.core.dom.parser.c.ICInternalBinding;

/**
 * Evaluates C integer constant expressions as gcc does for the layout's {@link DataModel}:
 * literals, enumerators, operators, casts, {@code sizeof}, {@code _Alignof}/{@code __alignof__} and
 * {@code offsetof} (SPEC §4 "Sizes"). Arithmetic is 64-bit and signed unless C's usual arithmetic
 * conversions make it unsigned, then narrowed to the result type's width as CDT types it; anything
 * that is not such a constant (or whose value C leaves undefined) yields empty.
 */
public final class CConstantEvaluator {

  private static final int MAX_DEPTH = 400;
  private static final IntType INT = new IntType(4, false);

  private final CTypeLayout layout;

  public CConstantEvaluator(CTypeLayout layout) {
    this.layout = layout;
  }

  /** The value of {@code expression}, or empty if it is not an integer constant expression. */
  public OptionalLong evaluate(IASTExpression expression) {
    try {
      return OptionalLong.of(eval(expression, 0));
    } catch (NotConstant | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The value of an enumerator, computed from its definition so that initialisers using {@code
   * sizeof} get gcc's layout (CDT's own value is only a fallback).
   */
  OptionalLong enumeratorValue(IEnumerator enumerator) {
    try {
      return OptionalLong.of(enumerator(enumerator, 0));
    } catch (NotConstant | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /** Thrown to abandon evaluation of a non-constant expression. */
  private static final class NotConstant extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotConstant() {
      super(null, null, false, false);
    }
  }

  /** An integer type as far as arithmetic is concerned: width in bytes and signedness. */
  private record IntType(int size, boolean unsigned) {}

  private long eval(IASTExpression e, int depth) {
    if (e == null || depth > MAX_DEPTH) {
      throw new NotConstant();
    }
    int d = depth + 1;
    if (e instanceof IASTLiteralExpression lit) {
      return literal(lit);
    }
    if (e instanceof IASTIdExpression id) {
      IBinding b = id.getName().resolveBinding();
      if (b instanceof IEnumerator en) {
        return enumerator(en, d);
      }
      throw new NotConstant();
    }
    if (e instanceof IASTUnaryExpression u) {
      return unary(u, d);
    }
    if (e instanceof IASTTypeIdExpression t) {
      return typeId(t);
    }
    if (e instanceof IASTCastExpression c) {
      return cast(c, d);
    }
    if (e instanceof IASTBinaryExpression b) {
      return binary(b, d);
    }
    if (e instanceof IASTConditionalExpression c) {
      long cond = eval(c.getLogicalConditionExpression(), d);
      IASTExpression chosen =
          cond != 0 ? c.getPositiveResultExpression() : c.getNegativeResultExpression();
      // GNU `a ?: b` has no middle operand and yields the condition
      long v = chosen == null ? cond : eval(chosen, d);
      return narrow(v, typeOf(c));
    }
    if (e instanceof IASTExpressionList list) {
      long v = 0;
      IASTExpression[] parts = list.getExpressions();
      if (parts.length == 0) {
        throw new NotConstant();
      }
      for (IASTExpression part : parts) {
        v = eval(part, d);
      }
      return v;
    }
    throw new NotConstant();
  }

  private long literal(IASTLiteralExpression lit) {
    String text = new String(lit.getValue());
    switch (lit.getKind()) {
      case IASTLiteralExpression.lk_integer_constant:
        return integerLiteral(text).orElseThrow(NotConstant::new);
      case IASTLiteralExpression.lk_char_constant:
        return charLiteral(text).orElseThrow(NotConstant::new);
      case IASTLiteralExpression.lk_true:
        return 1;
      case IASTLiteralExpression.lk_false:
        return 0;
      default:
        throw new NotConstant(); // floating constants and strings are not integer constants
    }
  }

  private long unary(IASTUnaryExpression u, int d) {
    IASTExpression operand = u.getOperand();
    switch (u.getOperator()) {
      case IASTUnaryExpression.op_bracketedPrimary:
        return eval(operand, d);
      case IASTUnaryExpression.op_plus:
        return narrow(eval(operand, d), promote(typeOf(operand)));
      case IASTUnaryExpression.op_minus:
        return narrow(-eval(operand, d), promote(typeOf(operand)));
      case IASTUnaryExpression.op_tilde:
        return narrow(~eval(operand, d), promote(typeOf(operand)));
      case IASTUnaryExpression.op_not:
        return eval(operand, d) == 0 ? 1 : 0;
      case IASTUnaryExpression.op_sizeof:
        return sizeOfExpression(operand, d);
      case IASTUnaryExpression.op_alignOf:
        // only GNU __alignof__ takes an expression; it reports the preferred alignment
        return layout.preferredAlignOf(operand.getExpressionType()).orElseThrow(NotConstant::new);
      case IASTUnaryExpression.op_amper:
        // the classic offsetof: &((T *)0)->member
        return memberOffset(operand, d);
      default:
        throw new NotConstant();
    }
  }

  private long typeId(IASTTypeIdExpression t) {
    IType type = typeOf(t.getTypeId());
    switch (t.getOperator()) {
      case IASTTypeIdExpression.op_sizeof:
        return layout.sizeOf(type).orElseThrow(NotConstant::new);
      case IASTTypeIdExpression.op_alignof:
        {
          // CDT has one operator for both spellings: C11 _Alignof is the ABI (member) alignment,
          // GNU __alignof__ the preferred one; they differ for i386 double and long long
          boolean c11 = t.getRawSignature().stripLeading().matches("(?s)(_Alignof|alignof)\\b.*");
          if (c11) {
            return layout
                .layoutOf(type)
                .map(CTypeLayout.Layout::align)
                .orElseThrow(NotConstant::new);
          }
          OptionalInt a = layout.preferredAlignOf(type);
          return a.orElseThrow(NotConstant::new);
        }
      default:
        throw new NotConstant();
    }
  }

  private long cast(IASTCastExpression c, int d) {
    IASTExpression operand = c.getOperand();
    IType target = CTypeLayout.strip(typeOf(c.getTypeId()));
    if (isFloating(operand.getExpressionType())) {
      // an integer constant expression may cast a floating constant: (int)(1024 * 1.5)
      double f = floating(operand, d);
      if (target instanceof IBasicType b && b.getKind() == IBasicType.Kind.eBoolean) {
        return f != 0 ? 1 : 0;
      }
      if (Double.isNaN(f) || Math.abs(f) >= 0x1p63) {
        throw new NotConstant(); // out of range: undefined in C
      }
      IntType it = intType(target);
      if (it == null) {
        throw new NotConstant();
      }
      long truncated = (long) f; // toward zero, as C converts
      if (narrow(truncated, it) != truncated || (it.unsigned() && truncated < 0)) {
        throw new NotConstant(); // the value does not fit the target type: undefined in C
      }
      return truncated;
    }
    long v = eval(operand, d);
    if (target instanceof IBasicType b && b.getKind() == IBasicType.Kind.eBoolean) {
      return v != 0 ? 1 : 0;
    }
    if (target instanceof IPointerType) {
      return narrow(v, new IntType(layout.dataModel().pointerSize(), true));
    }
    IntType it = intType(target);
    if (it == null) {
      throw new NotConstant(); // casts to floating or aggregate types
    }
    return narrow(v, it);
  }

  private long binary(IASTBinaryExpression b, int d) {
    int op = b.getOperator();
    IASTExpression x = b.getOperand1();
    IASTExpression y = b.getOperand2();
    switch (op) {
      case IASTBinaryExpression.op_logicalAnd:
        return eval(x, d) != 0 && eval(y, d) != 0 ? 1 : 0;
      case IASTBinaryExpression.op_logicalOr:
        return eval(x, d) != 0 || eval(y, d) != 0 ? 1 : 0;
      case IASTBinaryExpression.op_binaryAnd:
        if (isUndeclaredName(x)) {
          // CDT expands __builtin_offsetof(T, m) to ((size_t) &((T *)0)->m); with size_t
          // undeclared that parses as `(size_t) & …`, a bitwise and with an unknown name
          return memberOffset(y, d);
        }
        break;
      default:
        break;
    }
    long l = eval(x, d);
    long r = eval(y, d);
    IntType lt = promote(typeOf(x));
    IntType rt = promote(typeOf(y));
    switch (op) {
      case IASTBinaryExpression.op_shiftLeft:
      case IASTBinaryExpression.op_shiftRight:
        {
          int bits = lt == null ? 64 : Math.min(64, lt.size() * 8);
          if (r < 0 || r >= bits) {
            throw new NotConstant(); // undefined in C
          }
          if (op == IASTBinaryExpression.op_shiftLeft) {
            return narrow(l << r, lt);
          }
          long n = narrow(l, lt);
          return lt != null && lt.unsigned() && lt.size() >= 8 ? n >>> r : n >> r;
        }
      default:
        break;
    }
    IntType ct = common(lt, rt);
    long a = narrow(l, ct);
    long c = narrow(r, ct);
    boolean unsigned64 = ct != null && ct.unsigned() && ct.size() >= 8;
    switch (op) {
      case IASTBinaryExpression.op_plus:
        return narrow(a + c, ct);
      case IASTBinaryExpression.op_minus:
        return narrow(a - c, ct);
      case IASTBinaryExpression.op_multiply:
        return narrow(a * c, ct);
      case IASTBinaryExpression.op_divide:
        if (c == 0 || (!unsigned64 && a == Long.MIN_VALUE && c == -1)) {
          throw new NotConstant();
        }
        return narrow(unsigned64 ? Long.divideUnsigned(a, c) : a / c, ct);
      case IASTBinaryExpression.op_modulo:
        if (c == 0 || (!unsigned64 && a == Long.MIN_VALUE && c == -1)) {
          throw new NotConstant();
        }
        return narrow(unsigned64 ? Long.remainderUnsigned(a, c) : a % c, ct);
      case IASTBinaryExpression.op_binaryAnd:
        return narrow(a & c, ct);
      case IASTBinaryExpression.op_binaryOr:
        return narrow(a | c, ct);
      case IASTBinaryExpression.op_binaryXor:
        return narrow(a ^ c, ct);
      case IASTBinaryExpression.op_equals:
        return a == c ? 1 : 0;
      case IASTBinaryExpression.op_notequals:
        return a != c ? 1 : 0;
      case IASTBinaryExpression.op_lessThan:
        return compare(a, c, unsigned64) < 0 ? 1 : 0;
      case IASTBinaryExpression.op_greaterThan:
        return compare(a, c, unsigned64) > 0 ? 1 : 0;
      case IASTBinaryExpression.op_lessEqual:
        return compare(a, c, unsigned64) <= 0 ? 1 : 0;
      case IASTBinaryExpression.op_greaterEqual:
        return compare(a, c, unsigned64) >= 0 ? 1 : 0;
      default:
        throw new NotConstant(); // assignments and C++ operators
    }
  }

  private static int compare(long a, long b, boolean unsigned) {
    return unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b);
  }

  // ---- sizeof of expressions ----

  private long sizeOfExpression(IASTExpression operand, int d) {
    IASTExpression x = unbracket(operand);
    if (x instanceof IASTLiteralExpression lit
        && lit.getKind() == IASTLiteralExpression.lk_string_literal) {
      // CDT types a string literal as a pointer; sizeof sees the array
      StringLiteral str = StringLiteral.parse(new String(lit.getValue()));
      return str.elements() * str.unitSize();
    }
    OptionalLong size = layout.sizeOf(x.getExpressionType());
    if (size.isPresent()) {
      return size.getAsLong();
    }
    // an array completed by its initialiser: static const char *names[] = {"a", "b"};
    if (x instanceof IASTIdExpression id
        && id.getName().resolveBinding() instanceof IVariable v
        && CTypeLayout.strip(v.getType()) instanceof IArrayType array
        && CTypeLayout.isIncompleteArray(array)) {
      long element = layout.sizeOf(array.getType()).orElseThrow(NotConstant::new);
      return initialisedLength(v, x, element, d) * element;
    }
    throw new NotConstant();
  }

  /** The element count an initialiser before {@code use} gives an array declared without one. */
  private long initialisedLength(IVariable v, IASTNode use, long elementSize, int d) {
    IASTEqualsInitializer init = initialiser(v, use).orElseThrow(NotConstant::new);
    IASTInitializerClause clause = init.getInitializerClause();
    if (clause instanceof IASTInitializerList list
        && list.getClauses().length == 1
        && isStringLiteral(list.getClauses()[0])
        && elementSize <= 4) {
      clause = list.getClauses()[0]; // char s[] = {"abc"}
    }
    if (isStringLiteral(clause)) {
      return StringLiteral.parse(new String(((IASTLiteralExpression) clause).getValue()))
          .elements();
    }
    if (!(clause instanceof IASTInitializerList list)) {
      throw new NotConstant();
    }
    long next = 0;
    long length = 0;
    for (IASTInitializerClause c : list.getClauses()) {
      if (c instanceof ICASTDesignatedInitializer di && di.getDesignators().length > 0) {
        ICASTDesignator first = di.getDesignators()[0];
        if (first instanceof ICASTArrayDesignator a) {
          next = eval(a.getSubscriptExpression(), d + 1);
        } else if (first instanceof IGCCASTArrayRangeDesignator r) {
          next = eval(r.getRangeCeiling(), d + 1);
        } else {
          throw new NotConstant();
        }
      }
      next++;
      length = Math.max(length, next);
    }
    return length;
  }

  /**
   * The variable's {@code = …} initialiser if it comes before {@code use} (after it, the array is
   * still incomplete there and gcc rejects the sizeof). CDT may call an earlier {@code extern}
   * declaration the definition, so every declaration is looked at.
   */
  private static Optional<IASTEqualsInitializer> initialiser(IVariable v, IASTNode use) {
    if (!(v instanceof ICInternalBinding ib) || ib.getPhysicalNode() == null) {
      return Optional.empty();
    }
    // The definition first: when it has the initialiser, no search of the whole AST for the
    // other declarations (a walk of every node of the unit, headers included, per use).
    if (ib.getDefinition() instanceof IASTName def) {
      Optional<IASTEqualsInitializer> init = initialiserAt(def, use);
      if (init.isPresent()) {
        return init;
      }
    }
    IASTTranslationUnit tu = ib.getPhysicalNode().getTranslationUnit();
    if (tu != null) {
      for (IASTName n : tu.getDeclarationsInAST(v)) {
        Optional<IASTEqualsInitializer> init = initialiserAt(n, use);
        if (init.isPresent()) {
          return init;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<IASTEqualsInitializer> initialiserAt(IASTName n, IASTNode use) {
    return n.getParent() instanceof IASTDeclarator dcl
            && dcl.getInitializer() instanceof IASTEqualsInitializer init
            && CVisitor.declaredBefore(n, use)
        ? Optional.of(init)
        : Optional.empty();
  }

  private static boolean isStringLiteral(IASTInitializerClause c) {
    return c instanceof IASTLiteralExpression lit
        && lit.getKind() == IASTLiteralExpression.lk_string_literal;
  }

  // ---- floating operands of casts ----

  private static boolean isFloating(IType type) {
    IType t = CTypeLayout.strip(type);
    if (!(t instanceof IBasicType b)) {
      return false;
    }
    return switch (b.getKind()) {
      case eFloat, eDouble, eFloat128 -> true;
      default -> false;
    };
  }

  /** Evaluates a floating subexpression of a cast; integer parts go through {@link #eval}. */
  private double floating(IASTExpression e, int d) {
    if (d > MAX_DEPTH) {
      throw new NotConstant();
    }
    IASTExpression x = unbracket(e);
    if (!isFloating(x.getExpressionType())) {
      return eval(x, d + 1);
    }
    if (x instanceof IASTLiteralExpression lit
        && lit.getKind() == IASTLiteralExpression.lk_float_constant) {
      return floatingLiteral(new String(lit.getValue()));
    }
    if (x instanceof IASTUnaryExpression u) {
      switch (u.getOperator()) {
        case IASTUnaryExpression.op_plus:
          return floating(u.getOperand(), d + 1);
        case IASTUnaryExpression.op_minus:
          return -floating(u.getOperand(), d + 1);
        default:
          throw new NotConstant();
      }
    }
    if (x instanceof IASTCastExpression c) {
      double v = floating(c.getOperand(), d + 1);
      IType t = CTypeLayout.strip(typeOf(c.getTypeId()));
      return t instanceof IBasicType b && b.getKind() == IBasicType.Kind.eFloat ? (float) v : v;
    }
    if (x instanceof IASTBinaryExpression b) {
      double l = floating(b.getOperand1(), d + 1);
      double r = floating(b.getOperand2(), d + 1);
      switch (b.getOperator()) {
        case IASTBinaryExpression.op_plus:
          return l + r;
        case IASTBinaryExpression.op_minus:
          return l - r;
        case IASTBinaryExpression.op_multiply:
          return l * r;
        case IASTBinaryExpression.op_divide:
          return l / r;
        default:
          throw new NotConstant();
      }
    }
    if (x instanceof IASTConditionalExpression c && c.getPositiveResultExpression() != null) {
      return eval(c.getLogicalConditionExpression(), d + 1) != 0
          ? floating(c.getPositiveResultExpression(), d + 1)
          : floating(c.getNegativeResultExpression(), d + 1);
    }
    throw new NotConstant();
  }

  private static double floatingLiteral(String text) {
    String t = text.replace("'", "");
    // f, l, and gcc's f16/f32/f64/f128/f32x/f64x suffixes: the value is the same for a cast
    t = t.replaceAll("(?i)(f(16|32|64|128)x?|bf16|[fld])$", "");
    try {
      return t.startsWith("0x") || t.startsWith("0X")
          ? Double.parseDouble(t.contains("p") || t.contains("P") ? t : t + "p0")
          : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new NotConstant();
    }
  }

  // ---- offsetof ----

  /**
   * The byte offset denoted by a member designator rooted at a null pointer: {@code ((T
   * *)0)->a.b[2]}.
   */
  private long memberOffset(IASTExpression e, int d) {
    IASTExpression x = unbracket(e);
    if (x instanceof IASTFieldReference fr) {
      IASTExpression owner = fr.getFieldOwner();
      long base;
      IType ownerType = CTypeLayout.strip(owner.getExpressionType());
      if (fr.isPointerDereference()) {
        if (!isNullPointer(owner, d)) {
          throw new NotConstant();
        }
        base = 0;
        ownerType = ownerType instanceof IPointerType p ? CTypeLayout.strip(p.getType()) : null;
      } else {
        IASTExpression inner = unbracket(owner);
        if (inner instanceof IASTUnaryExpression star
            && star.getOperator() == IASTUnaryExpression.op_star
            && isNullPointer(star.getOperand(), d)) {
          base = 0; // (*(T *)0).m
        } else {
          base = memberOffset(owner, d + 1);
        }
      }
      if (!(ownerType instanceof ICompositeType ct)) {
        throw new NotConstant();
      }
      long off = layout.offsetOf(ct, fr.getFieldName().toString()).orElseThrow(NotConstant::new);
      return base + off;
    }
    if (x instanceof IASTArraySubscriptExpression as) {
      IASTInitializerClause arg = as.getArgument();
      if (!(arg instanceof IASTExpression index)) {
        throw new NotConstant();
      }
      long base = memberOffset(as.getArrayExpression(), d + 1);
      long elem = layout.sizeOf(as.getExpressionType()).orElseThrow(NotConstant::new);
      return base + eval(index, d + 1) * elem;
    }
    throw new NotConstant();
  }

  private boolean isNullPointer(IASTExpression e, int d) {
    IASTExpression x = unbracket(e);
    return x instanceof IASTCastExpression c
        && CTypeLayout.strip(c.getExpressionType()) instanceof IPointerType
        && eval(c.getOperand(), d + 1) == 0;
  }

  private static boolean isUndeclaredName(IASTExpression e) {
    return unbracket(e) instanceof IASTIdExpression id
        && id.getName().resolveBinding() instanceof IProblemBinding;
  }

  private static IASTExpression unbracket(IASTExpression e) {
    IASTExpression x = e;
    while (x instanceof IASTUnaryExpression u
        && u.getOperator() == IASTUnaryExpression.op_bracketedPrimary) {
      x = u.getOperand();
    }
    return x;
  }

  // ---- enumerators ----

  private long enumerator(IEnumerator en, int d) {
    Long cached = layout.cachedEnumerator(en);
    if (cached != null) {
      return cached;
    }
    long v;
    try {
      v = enumeratorFromSource(en, d);
    } catch (NotConstant | ArithmeticException e) {
      // too deep a chain of E_n = E_(n-1) + 1, or not understood here: CDT's own value is right
      // unless the initialiser depends on a layout, which is better than nothing
      IValue cdt = en.getValue();
      if (cdt == null || cdt.numberValue() == null) {
        throw new NotConstant();
      }
      v = cdt.numberValue().longValue();
    }
    layout.cacheEnumerator(en, v);
    return v;
  }

  private long enumeratorFromSource(IEnumerator en, int d) {
    if (d > MAX_DEPTH) {
      throw new NotConstant();
    }
    // CEnumerator has getPhysicalNode() without implementing ICInternalBinding
    IASTNode physical =
        en instanceof CEnumerator ce
            ? ce.getPhysicalNode()
            : en instanceof ICInternalBinding ib ? ib.getPhysicalNode() : null;
    if (physical instanceof IASTName name) {
      physical = name.getParent();
    }
    if (!(physical instanceof IASTEnumerationSpecifier.IASTEnumerator node
        && node.getParent() instanceof IASTEnumerationSpecifier spec)) {
      throw new NotConstant();
    }
    // implicit values count up from the nearest explicit one (iteratively: enums can be long)
    IASTEnumerationSpecifier.IASTEnumerator[] all = spec.getEnumerators();
    int i = indexOf(all, node);
    long steps = 0;
    while (i >= 0 && all[i].getValue() == null) {
      i--;
      steps++;
    }
    long base = i < 0 ? -1 : eval(all[i].getValue(), d + 1);
    return base + steps;
  }

  private static int indexOf(Object[] all, Object node) {
    for (int i = 0; i < all.length; i++) {
      if (all[i] == node) {
        return i;
      }
    }
    throw new NotConstant();
  }

  // ---- types ----

  private static IType typeOf(IASTTypeId typeId) {
    if (typeId == null) {
      throw new NotConstant();
    }
    return CVisitor.createType(typeId.getAbstractDeclarator());
  }

  /** The integer type of an expression, or null when unknown (then plain signed 64-bit). */
  private IntType typeOf(IASTExpression e) {
    IASTExpression x = unbracket(e);
    if (x instanceof IASTLiteralExpression lit
        && lit.getKind() == IASTLiteralExpression.lk_char_constant) {
      String text = new String(lit.getValue());
      // C gives 'a' type int (CDT says char), u'a' char16_t and U'a' char32_t
      return text.startsWith("u'")
          ? new IntType(2, true)
          : text.startsWith("U'") ? new IntType(4, true) : INT;
    }
    if (x instanceof IASTIdExpression id
        && id.getName().resolveBinding() instanceof IEnumerator en) {
      OptionalLong v = enumeratorValue(en);
      boolean fitsInt =
          v.isPresent() && v.getAsLong() >= Integer.MIN_VALUE && v.getAsLong() <= Integer.MAX_VALUE;
      return fitsInt ? INT : new IntType(8, false);
    }
    try {
      return intType(CTypeLayout.strip(x.getExpressionType()));
    } catch (RuntimeException ex) {
      return null;
    }
  }

  private IntType intType(IType type) {
    IType t = CTypeLayout.strip(type);
    if (t instanceof IEnumeration en) {
      Optional<TypeInfo> i = layout.info(en);
      // gcc: unsigned int unless some enumerator is negative
      return i.map(info -> new IntType((int) info.size(), en.getMinValue() >= 0)).orElse(null);
    }
    if (t instanceof IBasicType b) {
      switch (b.getKind()) {
        case eInt, eUnspecified, eChar, eInt128, eWChar:
          {
            OptionalLong size = layout.sizeOf(b);
            return size.isPresent() ? new IntType((int) size.getAsLong(), b.isUnsigned()) : null;
          }
        case eBoolean:
          return new IntType(1, true);
        case eChar16:
          return new IntType(2, true);
        case eChar32:
          return new IntType(4, true);
        default:
          return null;
      }
    }
    return null;
  }

  /** Integer promotion: everything narrower than int becomes int. */
  private static IntType promote(IntType t) {
    return t == null || t.size() >= 4 ? t : INT;
  }

  /** The usual arithmetic conversions for two promoted integer types. */
  private static IntType common(IntType a, IntType b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.unsigned() == b.unsigned()) {
      return a.size() >= b.size() ? a : b;
    }
    IntType u = a.unsigned() ? a : b;
    IntType s = a.unsigned() ? b : a;
    return u.size() >= s.size() ? u : s;
  }

  private static long narrow(long v, IntType t) {
    if (t == null || t.size() >= 8) {
      return v;
    }
    int bits = t.size() * 8;
    long mask = (1L << bits) - 1;
    long low = v & mask;
    if (t.unsigned()) {
      return low;
    }
    return (low << (64 - bits)) >> (64 - bits);
  }

  // ---- literals (shared with attribute arguments) ----

  /**
   * A C integer constant: decimal, octal, hex or binary, with any u/l/ll suffix; wraps at 64 bits.
   */
  static OptionalLong integerLiteral(String text) {
    String t = text.replace("'", "");
    int end = t.length();
    while (end > 0 && "uUlLzZ".indexOf(t.charAt(end - 1)) >= 0) {
      end--;
    }
    String digits = t.substring(0, end).toLowerCase(Locale.ROOT);
    int radix = 10;
    if (digits.startsWith("0x")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (digits.startsWith("0b")) {
      radix = 2;
      digits = digits.substring(2);
    } else if (digits.length() > 1 && digits.startsWith("0")) {
      radix = 8;
      digits = digits.substring(1);
    }
    if (digits.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(new BigInteger(digits, radix).longValue());
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * A character constant as gcc values it on x86: plain {@code 'a'} is a (signed) char widened to
   * int, several characters combine big-endian into an int, {@code L'…'} is a 32-bit wchar_t and
   * {@code u'…'}/{@code U'…'} are unsigned 16/32-bit.
   */
  static OptionalLong charLiteral(String text) {
    int open = text.indexOf('\'');
    int close = text.lastIndexOf('\'');
    if (open < 0 || close <= open) {
      return OptionalLong.empty();
    }
    String prefix = text.substring(0, open);
    List<Long> units = StringLiteral.decode(text.substring(open + 1, close), prefix);
    if (units.isEmpty()) {
      return OptionalLong.empty();
    }
    long last = units.get(units.size() - 1);
    switch (prefix) {
      case "":
        {
          if (units.size() == 1) {
            return OptionalLong.of((byte) last); // char is signed on x86
          }
          long v = 0;
          for (long c : units) {
            v = (v << 8) | (c & 0xff);
          }
          return OptionalLong.of((int) v);
        }
      case "L":
        return OptionalLong.of((int) last); // wchar_t is a signed 32-bit int
      case "u":
        return OptionalLong.of(last & 0xffff);
      case "U":
        return OptionalLong.of(last & 0xffffffffL);
      case "u8":
        return OptionalLong.of(last & 0xff);
      default:
        return OptionalLong.empty();
    }
  }
}
