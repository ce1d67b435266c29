package org.broomstick.memwalk.frontend.c;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.regex.Pattern;
import org.eclipse.cdt.core.dom.ast.DOMException;
import org.eclipse.cdt.core.dom.ast.IASTAttribute;
import org.eclipse.cdt.core.dom.ast.IASTAttributeOwner;
import org.eclipse.cdt.core.dom.ast.IASTCompositeTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTElaboratedTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTEnumerationSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTExpression;
import org.eclipse.cdt.core.dom.ast.IASTMacroExpansionLocation;
import org.eclipse.cdt.core.dom.ast.IASTName;
import org.eclipse.cdt.core.dom.ast.IASTNamedTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTNode;
import org.eclipse.cdt.core.dom.ast.IASTNodeLocation;
import org.eclipse.cdt.core.dom.ast.IASTSimpleDeclSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTSimpleDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.core.dom.ast.IArrayType;
import org.eclipse.cdt.core.dom.ast.IBasicType;
import org.eclipse.cdt.core.dom.ast.IBinding;
import org.eclipse.cdt.core.dom.ast.ICompositeType;
import org.eclipse.cdt.core.dom.ast.IEnumeration;
import org.eclipse.cdt.core.dom.ast.IEnumerator;
import org.eclipse.cdt.core.dom.ast.IPointerType;
import org.eclipse.cdt.core.dom.ast.IProblemBinding;
import org.eclipse.cdt.core.dom.ast.IProblemType;
import org.eclipse.cdt.core.dom.ast.IQualifierType;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.core.dom.ast.ITypedef;
import org.eclipse.cdt.core.dom.ast.IValue;
import org.eclipse.cdt.internal.core.dom.parser.c.ICInternalBinding;

/**
 * Sizes, alignments and member offsets of C types as gcc computes them for a {@link DataModel}
 * (SPEC §4 "Sizes"), from CDT types plus the GNU attributes and {@code #pragma pack} that CDT's
 * bindings do not carry. Answers are empty for incomplete types, function types, VLAs, vector types
 * and anything else it cannot reproduce exactly.
 *
 * <p>Thread-safe: composite layouts are cached in a weak, identity-keyed map, so one instance can
 * serve units parsed in parallel without keeping their ASTs alive. CDT resolves bindings lazily and
 * not thread-safely, so a single AST must still be queried from one thread at a time.
 */
public final class CTypeLayout {

  /** Size and alignment of a complete type, in bytes; the alignment is C11 {@code _Alignof}'s. */
  public record Layout(long size, int align) {}

  private static final Pattern PACKED_WORD = Pattern.compile("\\b(__packed__|packed)\\b");

  private final DataModel model;
  private final CConstantEvaluator evaluator;
  // Bindings do not override equals/hashCode, so these maps are identity maps in effect; weak keys
  // let finished translation units be collected (values never point back into the AST).
  private final Map<ICompositeType, Optional<CompositeLayout>> composites =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final Map<IASTTranslationUnit, PragmaPack> packs =
      Collections.synchronizedMap(new WeakHashMap<>());
  // enumerator values, so that enums of many `E_n = E_(n-1) + 1` are linear, not quadratic
  private final Map<IEnumerator, Long> enumerators =
      Collections.synchronizedMap(new WeakHashMap<>());
  // A struct that contains itself by value is invalid C; this stops the recursion it would cause.
  private final ThreadLocal<Set<ICompositeType>> inProgress =
      ThreadLocal.withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));

  public CTypeLayout(DataModel model) {
    this.model = model;
    this.evaluator = new CConstantEvaluator(this);
  }

  public DataModel dataModel() {
    return model;
  }

  /** Size and member alignment of {@code type}, or empty when gcc's answer cannot be known. */
  public Optional<Layout> layoutOf(IType type) {
    return info(type).map(i -> new Layout(i.size(), i.fieldAlign(model)));
  }

  /** {@code sizeof(type)} in bytes, or empty when it cannot be known. */
  public OptionalLong sizeOf(IType type) {
    Optional<TypeInfo> i = info(type);
    return i.isPresent() ? OptionalLong.of(i.get().size()) : OptionalLong.empty();
  }

  /**
   * {@code offsetof(type, path)} in bytes, where {@code path} is a member name or a dotted member
   * path ({@code "hdr.len"}); members of anonymous structs and unions are found as in C11. Empty
   * for unknown members, bit-fields and types without a known layout.
   */
  public OptionalLong offsetOf(ICompositeType type, String fieldPath) {
    Optional<CompositeLayout> c = composite(type);
    return c.isPresent() ? c.get().byteOffset(fieldPath) : OptionalLong.empty();
  }

  // ---- package-private: shared with the evaluator and the record layouter ----

  CConstantEvaluator evaluator() {
    return evaluator;
  }

  /** gcc's {@code __alignof__}: the preferred alignment, 8 for i386 double where _Alignof is 4. */
  OptionalInt preferredAlignOf(IType type) {
    Optional<TypeInfo> i = info(type);
    return i.isPresent() ? OptionalInt.of(i.get().align()) : OptionalInt.empty();
  }

  Optional<TypeInfo> info(IType type) {
    if (type == null || type instanceof IProblemBinding || type instanceof IProblemType) {
      return Optional.empty();
    }
    if (type instanceof ITypedef td) {
      return typedefInfo(td);
    }
    if (type instanceof IQualifierType q) {
      return info(q.getType());
    }
    if (type instanceof IPointerType) {
      int p = model.pointerSize();
      return Optional.of(TypeInfo.scalar(p, p));
    }
    if (type instanceof IArrayType a) {
      return arrayInfo(a);
    }
    if (type instanceof IBasicType b) {
      return basicInfo(b);
    }
    if (type instanceof IEnumeration e) {
      return enumInfo(e);
    }
    if (type instanceof ICompositeType c) {
      return composite(c).map(CompositeLayout::info);
    }
    // function types (gcc's sizeof of 1 is an extension nobody should rely on) and unknown kinds
    return Optional.empty();
  }

  Optional<CompositeLayout> composite(ICompositeType type) {
    if (type instanceof IProblemBinding) {
      return Optional.empty();
    }
    Optional<CompositeLayout> cached = composites.get(type);
    if (cached != null) {
      return cached;
    }
    Set<ICompositeType> active = inProgress.get();
    if (!active.add(type)) {
      return Optional.empty();
    }
    Optional<CompositeLayout> computed;
    try {
      computed = definition(type).flatMap(spec -> RecordLayouter.layout(spec, this));
    } finally {
      active.remove(type);
    }
    // computing twice in a race gives equal answers, so last-writer-wins is fine
    composites.put(type, computed);
    return computed;
  }

  Long cachedEnumerator(IEnumerator e) {
    return enumerators.get(e);
  }

  void cacheEnumerator(IEnumerator e, long value) {
    enumerators.put(e, value);
  }

  /** The innermost type, looking through typedefs and qualifiers. */
  static IType strip(IType type) {
    IType t = type;
    while (t instanceof ITypedef || t instanceof IQualifierType) {
      t = t instanceof ITypedef td ? td.getType() : ((IQualifierType) t).getType();
    }
    return t;
  }

  /** {@code #pragma pack} in effect where gcc lays out {@code spec} (its closing brace). */
  int maxFieldAlign(IASTNode spec) {
    IASTTranslationUnit tu = spec.getTranslationUnit();
    if (tu == null) {
      return 0;
    }
    return packs.computeIfAbsent(tu, PragmaPack::of).at(spec);
  }

  /**
   * The largest {@code aligned} among the attributes (0 when there is none); empty when an argument
   * cannot be evaluated, since guessing would silently change a layout.
   */
  OptionalInt alignedAttribute(List<IASTAttribute> attributes, IASTNode context) {
    int best = 0;
    for (IASTAttribute a : GccAttributes.named(attributes, "aligned")) {
      List<String> args = GccAttributes.arguments(a);
      long v;
      if (args.isEmpty() || args.equals(List.of("(", ")"))) {
        v = model.biggestAlignment();
      } else {
        OptionalLong e = AttributeExpression.evaluate(args, context, this);
        if (e.isEmpty() || e.getAsLong() <= 0 || Long.bitCount(e.getAsLong()) != 1) {
          return OptionalInt.empty();
        }
        v = e.getAsLong();
      }
      best = (int) Math.max(best, v);
    }
    return OptionalInt.of(best);
  }

  // ---- type kinds ----

  private Optional<TypeInfo> basicInfo(IBasicType b) {
    TypeInfo t;
    switch (b.getKind()) {
      case eBoolean, eChar, eChar8 -> t = TypeInfo.scalar(1, 1);
      case eChar16 -> t = TypeInfo.scalar(2, 2);
      case eChar32, eWChar, eFloat -> t = TypeInfo.scalar(4, 4);
      case eInt, eUnspecified -> {
        int size = b.isShort() ? 2 : b.isLongLong() ? 8 : b.isLong() ? model.longSize() : 4;
        t = TypeInfo.scalar(size, size);
      }
      case eInt128 -> {
        if (!model.hasInt128()) {
          return Optional.empty();
        }
        t = TypeInfo.scalar(16, 16);
      }
      case eDouble -> {
        // long double is XFmode, outside i386's member cap (its alignment is 4 there anyway)
        t =
            b.isLong()
                ? new TypeInfo(model.longDoubleSize(), model.longDoubleAlign(), false, true)
                : TypeInfo.scalar(8, 8);
      }
      // __float128 (TFmode) and the decimal floats are not capped on i386 (checked with gcc -m32)
      case eFloat128, eDecimal128 -> t = new TypeInfo(16, 16, false, true);
      case eDecimal64 -> t = new TypeInfo(8, 8, false, true);
      case eDecimal32 -> t = new TypeInfo(4, 4, false, true);
      case eNullPtr -> t = TypeInfo.scalar(model.pointerSize(), model.pointerSize());
      default -> {
        return Optional.empty(); // void and anything newer
      }
    }
    if (b.isComplex()) {
      t = new TypeInfo(t.size() * 2, t.align(), false, t.capExempt());
    }
    return Optional.of(t);
  }

  private Optional<TypeInfo> arrayInfo(IArrayType a) {
    OptionalLong n = arrayLength(a);
    if (n.isEmpty() || n.getAsLong() < 0) {
      return Optional.empty();
    }
    return info(a.getType())
        .map(
            e -> new TypeInfo(e.size() * n.getAsLong(), e.align(), e.userAligned(), e.capExempt()));
  }

  /** The element count; empty for incomplete arrays and VLAs. */
  @SuppressWarnings("deprecation") // getArraySizeExpression is the only way to the C size text
  OptionalLong arrayLength(IArrayType a) {
    IASTExpression sizeExpr;
    try {
      sizeExpr = a.getArraySizeExpression();
    } catch (DOMException e) {
      sizeExpr = null;
    }
    if (sizeExpr != null) {
      // our own evaluation first: CDT's sizeof knows nothing of packed or aligned
      return evaluator.evaluate(sizeExpr);
    }
    IValue v = a.getSize();
    if (v != null && v.numberValue() != null) {
      return OptionalLong.of(v.numberValue().longValue());
    }
    return OptionalLong.empty();
  }

  /** Whether the array has no size at all: {@code int x[]}, a flexible array member if last. */
  @SuppressWarnings("deprecation")
  static boolean isIncompleteArray(IType type) {
    if (!(strip(type) instanceof IArrayType a)) {
      return false;
    }
    try {
      return a.getArraySizeExpression() == null
          && (a.getSize() == null || a.getSize().numberValue() == null);
    } catch (DOMException e) {
      return false;
    }
  }

  private Optional<TypeInfo> typedefInfo(ITypedef td) {
    if ("__builtin_va_list".equals(td.getName())) {
      // CDT models it as a function pointer; gcc's is struct __va_list_tag[1] on x86-64
      return Optional.of(new TypeInfo(model.vaListSize(), model.vaListAlign(), false, true));
    }
    Optional<TypeInfo> inner = info(td.getType());
    List<IASTAttribute> attrs = declarationAttributes(td);
    if (attrs.isEmpty() || inner.isEmpty()) {
      return inner;
    }
    if (GccAttributes.has(attrs, "vector_size")) {
      // vector alignment differs between _Alignof, __alignof__ and struct members; not modelled
      return Optional.empty();
    }
    TypeInfo t = inner.get();
    List<IASTAttribute> modes = GccAttributes.named(attrs, "mode");
    if (!modes.isEmpty()) {
      Optional<TypeInfo> m = modeInfo(GccAttributes.arguments(modes.get(modes.size() - 1)));
      if (m.isEmpty()) {
        return Optional.empty();
      }
      t = m.get();
    }
    OptionalInt aligned = alignedAttribute(attrs, nameNode(td));
    if (aligned.isEmpty()) {
      return Optional.empty();
    }
    if (aligned.getAsInt() > 0) {
      // on a typedef, aligned may lower the alignment as well as raise it (gcc manual)
      t = new TypeInfo(t.size(), aligned.getAsInt(), true, t.capExempt());
    }
    return Optional.of(t);
  }

  /** {@code __attribute__((mode(X)))}: the integer and float modes gcc code uses in typedefs. */
  private Optional<TypeInfo> modeInfo(List<String> args) {
    String m = String.join("", args).replace("(", "").replace(")", "").replace("__", "");
    int size;
    switch (m) {
      case "QI", "byte" -> size = 1;
      case "HI" -> size = 2;
      case "SI", "SF" -> size = 4;
      case "DI", "DF" -> size = 8;
      case "TI" -> {
        if (!model.hasInt128()) {
          return Optional.empty();
        }
        size = 16;
      }
      case "word", "pointer" -> size = model.pointerSize();
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(TypeInfo.scalar(size, size));
  }

  private Optional<TypeInfo> enumInfo(IEnumeration e) {
    Optional<IASTName> def = definitionName(e);
    if (def.isEmpty() || !(def.get().getParent() instanceof IASTEnumerationSpecifier spec)) {
      return Optional.empty(); // only declared (`enum e;`, a GNU extension): incomplete
    }
    long min = 0;
    long max = 0;
    boolean first = true;
    for (IEnumerator en : e.getEnumerators()) {
      OptionalLong v = evaluator.enumeratorValue(en);
      if (v.isEmpty()) {
        min = e.getMinValue();
        max = e.getMaxValue();
        break;
      }
      min = first ? v.getAsLong() : Math.min(min, v.getAsLong());
      max = first ? v.getAsLong() : Math.max(max, v.getAsLong());
      first = false;
    }
    boolean negative = min < 0;
    int size;
    if (isPackedEnum(spec)) {
      // the first of (un)signed char, short, int, long long that holds every value
      size = 8;
      for (int candidate : new int[] {1, 2, 4}) {
        if (fits(min, max, candidate, negative)) {
          size = candidate;
          break;
        }
      }
    } else {
      // int or unsigned int when the values fit, else gcc widens to a 64-bit type
      size = fits(min, max, 4, negative) ? 4 : 8;
    }
    return Optional.of(TypeInfo.scalar(size, size));
  }

  private static boolean fits(long min, long max, int bytes, boolean signed) {
    int bits = bytes * 8;
    if (signed) {
      long lo = -(1L << (bits - 1));
      long hi = (1L << (bits - 1)) - 1;
      return min >= lo && max <= hi;
    }
    return bits >= 64 || (min >= 0 && max <= (1L << bits) - 1);
  }

  /**
   * CDT keeps {@code enum E {…} __attribute__((packed))} but drops the attribute when it comes
   * between {@code enum} and the body, so that spelling is recognised from the source text (and
   * from the replacement text of macros used there).
   */
  private static boolean isPackedEnum(IASTEnumerationSpecifier spec) {
    if (GccAttributes.has(GccAttributes.of(spec), "packed")) {
      return true;
    }
    String raw = spec.getRawSignature();
    int brace = raw.indexOf('{');
    String head = brace >= 0 ? raw.substring(0, brace) : raw;
    if (PACKED_WORD.matcher(head).find()) {
      return true;
    }
    for (IASTNodeLocation loc : spec.getNodeLocations()) {
      if (loc instanceof IASTMacroExpansionLocation mel) {
        var expansion = mel.getExpansion();
        String name = expansion.getMacroReference().toString();
        if (Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(head).find()
            && PACKED_WORD.matcher(expansion.getMacroDefinition().getExpansion()).find()) {
          return true;
        }
      }
    }
    return false;
  }

  private static Optional<IASTCompositeTypeSpecifier> definition(ICompositeType type) {
    return definitionName(type)
        .map(IASTName::getParent)
        .filter(IASTCompositeTypeSpecifier.class::isInstance)
        .map(IASTCompositeTypeSpecifier.class::cast);
  }

  /**
   * The defining name of a tag or variable. CDT records a definition only once something resolved
   * the defining name, so a type reached through {@code struct S *p;} written before {@code struct
   * S {…}} needs a search of the AST.
   */
  static Optional<IASTName> definitionName(IBinding tag) {
    if (!(tag instanceof ICInternalBinding ib)) {
      return Optional.empty();
    }
    if (ib.getDefinition() instanceof IASTName n) {
      return Optional.of(n);
    }
    IASTNode anchor = ib.getPhysicalNode();
    IASTTranslationUnit tu = anchor == null ? null : anchor.getTranslationUnit();
    if (tu == null) {
      return Optional.empty();
    }
    IASTName[] definitions = tu.getDefinitionsInAST(tag);
    return definitions.length > 0 ? Optional.of(definitions[0]) : Optional.empty();
  }

  private static IASTNode nameNode(IBinding b) {
    return b instanceof ICInternalBinding ib ? ib.getPhysicalNode() : null;
  }

  /**
   * Attributes that apply to the entity a declarator declares: those on every declarator from the
   * name outwards and, unless the specifier defines a tag (whose attributes belong to that type),
   * those on the declaration specifier.
   */
  static List<IASTAttribute> declaratorAttributes(IASTDeclarator declarator) {
    List<IASTAttributeOwner> owners = new java.util.ArrayList<>();
    IASTNode n = declarator;
    while (n instanceof IASTDeclarator d) {
      owners.add(d);
      n = d.getParent();
    }
    if (n instanceof IASTSimpleDeclaration sd && appliesToDeclarators(sd.getDeclSpecifier())) {
      owners.add(sd.getDeclSpecifier());
    }
    return GccAttributes.of(owners.toArray(IASTAttributeOwner[]::new));
  }

  static boolean appliesToDeclarators(IASTDeclSpecifier spec) {
    return spec instanceof IASTSimpleDeclSpecifier
        || spec instanceof IASTNamedTypeSpecifier
        || spec instanceof IASTElaboratedTypeSpecifier;
  }

  private static List<IASTAttribute> declarationAttributes(ITypedef td) {
    IASTNode node = nameNode(td);
    if (node instanceof IASTName name && name.getParent() instanceof IASTDeclarator d) {
      // the name's own declarator first, then outwards (nested declarators such as `(*fp)`)
      return declaratorAttributes(d);
    }
    return List.of();
  }
}
