package org.broomstick.memwalk.frontend.c;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.eclipse.cdt.core.dom.ast.IASTAlignmentSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTAttribute;
import org.eclipse.cdt.core.dom.ast.IASTCompositeTypeSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclSpecifier;
import org.eclipse.cdt.core.dom.ast.IASTDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTFieldDeclarator;
import org.eclipse.cdt.core.dom.ast.IASTProblemDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTSimpleDeclaration;
import org.eclipse.cdt.core.dom.ast.IASTTypeId;
import org.eclipse.cdt.core.dom.ast.IArrayType;
import org.eclipse.cdt.core.dom.ast.IBinding;
import org.eclipse.cdt.core.dom.ast.ICompositeType;
import org.eclipse.cdt.core.dom.ast.IType;
import org.eclipse.cdt.core.dom.ast.IVariable;
import org.eclipse.cdt.internal.core.dom.parser.c.CVisitor;

/**
 * gcc's record layout (stor-layout.c: {@code place_field}, {@code update_alignment_for_field},
 * {@code layout_decl}) for the x86 SysV targets, where PCC_BITFIELD_TYPE_MATTERS holds: a bit-field
 * may not span more alignment units of its declared type than the type itself, named bit-fields
 * give the record their type's alignment and unnamed ones do not. Works in bits throughout.
 */
final class RecordLayouter {

  /** One member declaration, after attributes are read. {@code bitWidth} is -1 if none. */
  private record Field(
      String name, IType type, int bitWidth, boolean packedAttr, int alignAttr, boolean flexible) {}

  private final CTypeLayout layout;
  private final DataModel model;
  private final boolean union;
  private final boolean packed;
  private final int maxFieldAlign; // #pragma pack, bytes; 0 when none

  private RecordLayouter(CTypeLayout layout, boolean union, boolean packed, int maxFieldAlign) {
    this.layout = layout;
    this.model = layout.dataModel();
    this.union = union;
    this.packed = packed;
    this.maxFieldAlign = maxFieldAlign;
  }

  static Optional<CompositeLayout> layout(IASTCompositeTypeSpecifier spec, CTypeLayout layout) {
    List<IASTAttribute> attrs = GccAttributes.of(spec);
    if (GccAttributes.has(attrs, "ms_struct")) {
      return Optional.empty(); // Microsoft bit-field rules: not modelled
    }
    OptionalInt aligned = layout.alignedAttribute(attrs, spec);
    if (aligned.isEmpty()) {
      return Optional.empty();
    }
    RecordLayouter r =
        new RecordLayouter(
            layout,
            spec.getKey() == IASTCompositeTypeSpecifier.k_union,
            GccAttributes.has(attrs, "packed"),
            layout.maxFieldAlign(spec));
    Optional<List<Field>> fields = r.fields(spec);
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    return r.place(fields.get(), aligned.getAsInt());
  }

  private Optional<List<Field>> fields(IASTCompositeTypeSpecifier spec) {
    List<Field> out = new ArrayList<>();
    IASTDeclaration[] members = spec.getMembers();
    for (int i = 0; i < members.length; i++) {
      IASTDeclaration member = members[i];
      if (member instanceof IASTProblemDeclaration) {
        return Optional.empty();
      }
      if (!(member instanceof IASTSimpleDeclaration sd)) {
        continue; // _Static_assert and the like occupy no storage
      }
      IASTDeclSpecifier declSpec = sd.getDeclSpecifier();
      IASTDeclarator[] declarators = sd.getDeclarators();
      if (declarators.length == 0) {
        // C11 anonymous struct/union: an untagged definition without declarators; a tagged one
        // only declares the tag
        if (declSpec instanceof IASTCompositeTypeSpecifier inner
            && inner.getName().toString().isEmpty()
            && inner.getName().resolveBinding() instanceof ICompositeType ct) {
          out.add(new Field("", ct, -1, false, 0, false));
        }
        continue;
      }
      OptionalInt alignas = alignasValue(declSpec);
      if (alignas.isEmpty()) {
        return Optional.empty();
      }
      for (int j = 0; j < declarators.length; j++) {
        IASTDeclarator outer = declarators[j];
        IASTDeclarator inner = outer;
        while (inner.getNestedDeclarator() != null) {
          inner = inner.getNestedDeclarator();
        }
        IBinding b = inner.getName().resolveBinding();
        if (!(b instanceof IVariable v)) {
          return Optional.empty();
        }
        IType type = v.getType();
        List<IASTAttribute> attrs = CTypeLayout.declaratorAttributes(inner);
        OptionalInt aligned = layout.alignedAttribute(attrs, inner);
        if (aligned.isEmpty()) {
          return Optional.empty();
        }
        int width = -1;
        if (outer instanceof IASTFieldDeclarator fd && fd.getBitFieldSize() != null) {
          OptionalLong w = layout.evaluator().evaluate(fd.getBitFieldSize());
          if (w.isEmpty() || w.getAsLong() < 0) {
            return Optional.empty();
          }
          width = (int) w.getAsLong();
        }
        boolean last = i == members.length - 1 && j == declarators.length - 1;
        boolean flexible = width < 0 && CTypeLayout.isIncompleteArray(type);
        if (flexible && !last) {
          return Optional.empty(); // an incomplete array elsewhere is an error in gcc
        }
        out.add(
            new Field(
                inner.getName().toString(),
                type,
                width,
                GccAttributes.has(attrs, "packed"),
                Math.max(aligned.getAsInt(), alignas.getAsInt()),
                flexible));
      }
    }
    return Optional.of(out);
  }

  /** C11 {@code _Alignas(N)} / {@code _Alignas(type)} on a member; 0 when absent. */
  // CDT deprecates getAlignmentSpecifiers() but still reports _Alignas only there
  @SuppressWarnings("deprecation")
  private OptionalInt alignasValue(IASTDeclSpecifier declSpec) {
    int best = 0;
    for (IASTAlignmentSpecifier a : declSpec.getAlignmentSpecifiers()) {
      long v;
      if (a.getExpression() != null) {
        OptionalLong e = layout.evaluator().evaluate(a.getExpression());
        if (e.isEmpty()) {
          return OptionalInt.empty();
        }
        v = e.getAsLong();
      } else {
        IASTTypeId typeId = a.getTypeId();
        Optional<TypeInfo> t =
            typeId == null
                ? Optional.empty()
                : layout.info(CVisitor.createType(typeId.getAbstractDeclarator()));
        if (t.isEmpty()) {
          return OptionalInt.empty();
        }
        v = t.get().fieldAlign(model);
      }
      best = (int) Math.max(best, v);
    }
    return OptionalInt.of(best);
  }

  private Optional<CompositeLayout> place(List<Field> fields, int structAligned) {
    long pos = 0; // next free bit (structs)
    long size = 0; // largest member, bytes (unions)
    long recordAlign = 8L * Math.max(1, structAligned); // bits
    boolean userAligned = structAligned > 0;
    List<CompositeLayout.Member> members = new ArrayList<>();
    for (Field f : fields) {
      IType memberType =
          f.flexible() ? ((IArrayType) CTypeLayout.strip(f.type())).getType() : f.type();
      Optional<TypeInfo> maybe = layout.info(memberType);
      if (maybe.isEmpty()) {
        return Optional.empty();
      }
      TypeInfo ti = maybe.get();
      CompositeLayout nested =
          CTypeLayout.strip(f.type()) instanceof ICompositeType ct
              ? layout.composite(ct).orElse(null)
              : null;
      long at;
      if (f.bitWidth() < 0) {
        // layout_decl for an ordinary field
        boolean declPacked = f.packedAttr() || (packed && ti.align() > 1);
        int align;
        boolean declUser;
        if (declPacked && f.alignAttr() > 0) {
          align = f.alignAttr(); // packing defers to an alignment written on the field itself
          declUser = true;
        } else {
          if (f.alignAttr() > 0 && f.alignAttr() >= ti.align()) {
            align = f.alignAttr();
            declUser = true;
          } else {
            align = ti.align();
            declUser = ti.userAligned();
          }
          if (declPacked) {
            align = 1; // packing supersedes alignment inherited from the type
          } else if (!declUser) {
            align = model.fieldAlignment(align, ti.capExempt());
          }
        }
        if (maxFieldAlign > 0) {
          align = Math.min(align, maxFieldAlign);
        }
        recordAlign = Math.max(recordAlign, 8L * align);
        userAligned |= declUser;
        long bits = f.flexible() ? 0 : ti.size() * 8;
        if (union) {
          at = 0;
          size = Math.max(size, bits / 8);
        } else {
          pos = roundUp(pos, 8L * align);
          at = pos;
          pos += bits;
        }
      } else {
        // record alignment (update_alignment_for_field): only named bit-fields count
        int typeAlignBits =
            8 * (ti.userAligned() ? ti.align() : model.fieldAlignment(ti.align(), ti.capExempt()));
        boolean declPacked = f.packedAttr() || packed;
        if (f.bitWidth() > 0 && !f.name().isEmpty()) {
          long ta = typeAlignBits;
          if (maxFieldAlign > 0) {
            ta = Math.min(ta, 8L * maxFieldAlign);
          } else if (declPacked) {
            ta = Math.min(ta, 8);
          }
          long declAlign = bitFieldAlign(f, declPacked, union ? 0 : pos);
          recordAlign = Math.max(recordAlign, Math.max(ta, declAlign));
          userAligned |= ti.userAligned() || f.alignAttr() > 0;
        }
        at = placeBitField(f, ti, pos);
        if (union) {
          at = 0;
          size = Math.max(size, (f.bitWidth() + 7) / 8);
        } else {
          pos = at + f.bitWidth();
        }
      }
      members.add(new CompositeLayout.Member(f.name(), at, f.bitWidth(), nested));
    }
    long alignBytes = recordAlign / 8;
    long bytes = union ? size : (pos + 7) / 8;
    bytes = roundUp(bytes, alignBytes);
    TypeInfo info = new TypeInfo(bytes, (int) alignBytes, userAligned, true);
    return Optional.of(new CompositeLayout(info, List.copyOf(members)));
  }

  /** Where a bit-field starts in a struct whose next free bit is {@code pos}. */
  private long placeBitField(Field f, TypeInfo ti, long pos) {
    int typeAlignBits =
        8 * (ti.userAligned() ? ti.align() : model.fieldAlignment(ti.align(), ti.capExempt()));
    if (f.bitWidth() == 0) {
      // a zero-width bit-field aligns the next field to its type; packing does not apply to it
      return roundUp(pos, typeAlignBits);
    }
    boolean declPacked = f.packedAttr() || packed;
    // place_field first honours the field's own alignment, then the PCC rule
    long p = roundUp(pos, bitFieldAlign(f, declPacked, pos));
    if (!declPacked && maxFieldAlign == 0) {
      // PCC_BITFIELD_TYPE_MATTERS: do not span more alignment units than the type has (packed
      // fields and #pragma pack lift the rule)
      long offset = p % typeAlignBits;
      long units = (offset + f.bitWidth() + typeAlignBits - 1) / typeAlignBits;
      if (units > ti.size() * 8 / typeAlignBits) {
        p = roundUp(p, typeAlignBits);
      }
    }
    return p;
  }

  /**
   * DECL_ALIGN of a non-zero bit-field after layout_decl, in bits: 1 unless the field carries
   * {@code aligned}; but a bit-field whose width is exactly an integer mode's and whose position is
   * already aligned for that mode (offset 0 counts, so every union member) becomes an ordinary
   * field with the mode's alignment. That is how {@code T_al2 x : 32} (a 2-aligned int typedef)
   * still 4-aligns its record. Then packing, i386's cap (unless the field itself is aligned) and
   * {@code #pragma pack} lower it.
   */
  private long bitFieldAlign(Field f, boolean declPacked, long knownPos) {
    long a = f.alignAttr() > 0 ? 8L * f.alignAttr() : 1;
    int w = f.bitWidth();
    boolean modeWidth = w == 8 || w == 16 || w == 32 || w == 64 || (w == 128 && model.hasInt128());
    if (modeWidth && !(declPacked && w > 8) && knownPos % w == 0) {
      a = Math.max(a, w);
    }
    if (declPacked && f.alignAttr() == 0) {
      a = Math.min(a, 8);
    } else if (!declPacked && f.alignAttr() == 0 && a >= 8) {
      a = 8L * model.fieldAlignment((int) (a / 8), false);
    }
    if (maxFieldAlign > 0) {
      a = Math.min(a, 8L * maxFieldAlign);
    }
    return a;
  }

  private static long roundUp(long value, long multiple) {
    return multiple <= 1 ? value : ((value + multiple - 1) / multiple) * multiple;
  }
}
