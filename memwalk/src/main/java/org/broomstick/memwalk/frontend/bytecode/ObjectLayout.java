package org.broomstick.memwalk.frontend.bytecode;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;

/**
 * Shallow instance sizes of classes read from class files, laid out as HotSpot 15+ does
 * (FieldLayoutBuilder, {@code UseEmptySlotsInSupers}): superclass fields keep their offsets; a
 * class's own primitive fields, largest first, then its references, each go to the smallest gap
 * that fits it aligned (a gap after the header or between inherited fields), else to the end; the
 * size is the end rounded up to the object alignment. Fields the VM injects into a few JDK classes
 * ({@code Class}, {@code MemberName}) are not in class files and not counted.
 */
final class ObjectLayout {

  /** The figures of a JVM's object layout. */
  record Jvm(int headerBytes, int referenceBytes, int alignmentBytes) {
    static final Jvm COMPRESSED = new Jvm(12, 4, 8);

    /** The running JVM's figures (HotSpot flags), compressed oops and class pointers if unknown. */
    static Jvm current() {
      try {
        var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        boolean oops = Boolean.parseBoolean(bean.getVMOption("UseCompressedOops").getValue());
        boolean klass = Boolean.parseBoolean(bean.getVMOption("UseCompressedClassPointers").getValue());
        int align = Integer.parseInt(bean.getVMOption("ObjectAlignmentInBytes").getValue());
        return new Jvm(klass ? 12 : 16, oops ? 4 : 8, align);
      } catch (RuntimeException | LinkageError e) {
        return COMPRESSED;
      }
    }
  }

  /** Occupied byte ranges of an instance (header and fields) and where the last field ends. */
  private record Layout(List<int[]> used, int end) {}

  private final ClassPath cp;
  private final Jvm jvm;
  private final Map<String, Layout> memo = new HashMap<>();

  ObjectLayout(ClassPath cp, Jvm jvm) {
    this.cp = cp;
    this.jvm = jvm;
  }

  /** The shallow size in bytes of an instance of {@code cls}; null when the class is not found. */
  Long shallowSize(String cls) {
    if (cp.find(cls) == null) {
      return null;
    }
    int end = layout(cls).end();
    int align = Math.max(8, jvm.alignmentBytes());
    return (long) ((end + align - 1) / align * align);
  }

  private Layout layout(String cls) {
    Layout l = memo.get(cls);
    if (l != null) {
      return l;
    }
    ClassNode n = cls == null ? null : cp.find(cls);
    Layout base = n == null || n.superName == null
        ? new Layout(List.of(new int[] {0, jvm.headerBytes()}), jvm.headerBytes())
        : layout(n.superName);
    List<Integer> sizes = new ArrayList<>();
    List<Integer> refs = new ArrayList<>();
    if (n != null) {
      for (FieldNode f : n.fields) {
        if ((f.access & Opcodes.ACC_STATIC) == 0) {
          int s = size(Type.getType(f.desc));
          (s < 0 ? refs : sizes).add(s < 0 ? jvm.referenceBytes() : s);
        }
      }
    }
    sizes.sort(Comparator.reverseOrder());
    sizes.addAll(refs);
    l = sizes.isEmpty() ? base : place(base, sizes);
    if (cls != null) {
      memo.put(cls, l);
    }
    return l;
  }

  private static Layout place(Layout base, List<Integer> sizes) {
    List<int[]> used = new ArrayList<>(base.used());
    used.sort(Comparator.comparingInt(u -> u[0]));
    // Gaps between inherited blocks: {offset, size}, in offset order.
    List<int[]> holes = new ArrayList<>();
    int at = 0;
    for (int[] u : used) {
      if (u[0] > at) {
        holes.add(new int[] {at, u[0] - at});
      }
      at = Math.max(at, u[0] + u[1]);
    }
    int tail = base.end();
    for (int size : sizes) {
      int[] best = null;
      // Highest offset first, strictly smaller wins: HotSpot's FieldLayout::add.
      for (int h = holes.size() - 1; h >= 0; h--) {
        int[] hole = holes.get(h);
        if (fits(hole, size) && (best == null || hole[1] < best[1])) {
          best = hole;
        }
      }
      int offset;
      if (best == null) {
        offset = align(tail, size);
        if (offset > tail) {
          holes.add(new int[] {tail, offset - tail});
        }
        tail = offset + size;
      } else {
        offset = align(best[0], size);
        int index = holes.indexOf(best);
        holes.remove(index);
        List<int[]> split = new ArrayList<>();
        if (offset > best[0]) {
          split.add(new int[] {best[0], offset - best[0]});
        }
        int rest = best[0] + best[1] - (offset + size);
        if (rest > 0) {
          split.add(new int[] {offset + size, rest});
        }
        holes.addAll(index, split);
      }
      used.add(new int[] {offset, size});
    }
    return new Layout(List.copyOf(used), tail);
  }

  private static boolean fits(int[] hole, int size) {
    return hole[1] >= size + (align(hole[0], size) - hole[0]);
  }

  private static int align(int offset, int alignment) {
    return (offset + alignment - 1) / alignment * alignment;
  }

  /** Bytes of a primitive field; -1 for a reference. */
  private static int size(Type t) {
    return switch (t.getSort()) {
      case Type.LONG, Type.DOUBLE -> 8;
      case Type.INT, Type.FLOAT -> 4;
      case Type.SHORT, Type.CHAR -> 2;
      case Type.BYTE, Type.BOOLEAN -> 1;
      default -> -1;
    };
  }
}
