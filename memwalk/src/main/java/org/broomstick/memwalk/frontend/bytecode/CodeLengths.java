package org.broomstick.memwalk.frontend.bytecode;

import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;

/**
 * The {@code code_length} of each method's {@code Code} attribute (JVMS §4.7.3), which ASM's tree
 * API does not expose: the stage weight of SPEC §5.10 is the bytecode length. Walks the class file
 * after the constant pool, whose end ASM already knows ({@link ClassReader#header}).
 */
final class CodeLengths {
  private CodeLengths() {}

  /** Lengths keyed by {@code name + descriptor}; methods without code are absent. */
  static Map<String, Integer> of(ClassReader cr) {
    Map<String, Integer> out = new HashMap<>();
    char[] buf = new char[cr.getMaxStringLength()];
    int u = cr.header + 6; // access_flags, this_class, super_class
    u += 2 + 2 * cr.readUnsignedShort(u); // interfaces
    int fields = cr.readUnsignedShort(u);
    u += 2;
    for (int i = 0; i < fields; i++) {
      u = skipMember(cr, u);
    }
    int methods = cr.readUnsignedShort(u);
    u += 2;
    for (int i = 0; i < methods; i++) {
      String name = cr.readUTF8(u + 2, buf);
      String desc = cr.readUTF8(u + 4, buf);
      int attributes = cr.readUnsignedShort(u + 6);
      u += 8;
      for (int a = 0; a < attributes; a++) {
        int length = cr.readInt(u + 2);
        if ("Code".equals(cr.readUTF8(u, buf))) {
          out.put(name + desc, cr.readInt(u + 10)); // after max_stack and max_locals
        }
        u += 6 + length;
      }
    }
    return out;
  }

  private static int skipMember(ClassReader cr, int u) {
    int attributes = cr.readUnsignedShort(u + 6);
    u += 8;
    for (int a = 0; a < attributes; a++) {
      u += 6 + cr.readInt(u + 2);
    }
    return u;
  }
}
