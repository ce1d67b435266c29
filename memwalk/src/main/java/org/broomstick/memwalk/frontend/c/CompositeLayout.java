package org.broomstick.memwalk.frontend.c;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The computed layout of one struct or union: its own figures and where each member went. It holds
 * no CDT objects, so a weakly keyed cache entry does not keep its translation unit alive.
 */
record CompositeLayout(TypeInfo info, List<Member> members) {

  /**
   * One member. {@code bitWidth} is -1 for ordinary members; {@code nested} is the layout of the
   * member's struct/union type when it has one (always set for anonymous members, whose own names
   * are empty), so dotted paths and anonymous members can be followed.
   */
  record Member(String name, long bitOffset, int bitWidth, CompositeLayout nested) {
    boolean isBitField() {
      return bitWidth >= 0;
    }

    boolean isAnonymousAggregate() {
      return name.isEmpty() && nested != null && !isBitField();
    }
  }

  /** The named member, looking through anonymous structs and unions as C11 does. */
  Optional<Located> find(String name) {
    for (Member m : members) {
      if (m.name().equals(name)) {
        return Optional.of(new Located(m, m.bitOffset()));
      }
    }
    for (Member m : members) {
      if (m.isAnonymousAggregate()) {
        Optional<Located> inner = m.nested().find(name);
        if (inner.isPresent()) {
          return Optional.of(
              new Located(inner.get().member(), m.bitOffset() + inner.get().bitOffset()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The byte offset of a member designator such as {@code a} or {@code a.b.c}; empty for unknown
   * names and bit-fields, which have no byte address.
   */
  OptionalLong byteOffset(String path) {
    CompositeLayout current = this;
    long bits = 0;
    String[] parts = path.split("\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      if (current == null) {
        return OptionalLong.empty();
      }
      Optional<Located> found = current.find(parts[i].strip());
      if (found.isEmpty() || found.get().member().isBitField()) {
        return OptionalLong.empty();
      }
      bits += found.get().bitOffset();
      current = found.get().member().nested();
    }
    return OptionalLong.of(bits / 8);
  }

  /** A member together with its bit offset from the start of the outermost composite searched. */
  record Located(Member member, long bitOffset) {}
}
