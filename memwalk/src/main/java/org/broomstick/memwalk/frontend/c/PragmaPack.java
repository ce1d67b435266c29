package org.broomstick.memwalk.frontend.c;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.cdt.core.dom.ast.IASTNode;
import org.eclipse.cdt.core.dom.ast.IASTPreprocessorPragmaStatement;
import org.eclipse.cdt.core.dom.ast.IASTPreprocessorStatement;
import org.eclipse.cdt.core.dom.ast.IASTTranslationUnit;
import org.eclipse.cdt.internal.core.dom.parser.ASTNode;

/**
 * The {@code #pragma pack} state across one translation unit: gcc's maximum_field_alignment (in
 * bytes, 0 for none) as it stands at any point. Positions are CDT sequence numbers, which order
 * nodes across included headers, so a pack pushed in a header applies to the includer's structs.
 */
final class PragmaPack {

  private static final Pattern PACK = Pattern.compile("^\\s*pack\\s*\\((.*)\\)\\s*$");

  private final int[] positions;
  private final int[] values;

  private PragmaPack(int[] positions, int[] values) {
    this.positions = positions;
    this.values = values;
  }

  static PragmaPack of(IASTTranslationUnit tu) {
    List<int[]> changes = new ArrayList<>();
    Deque<Entry> stack = new ArrayDeque<>();
    int current = 0;
    for (IASTPreprocessorStatement s : tu.getAllPreprocessorStatements()) {
      if (!(s instanceof IASTPreprocessorPragmaStatement pragma)
          || !(s instanceof ASTNode node)
          || !pragma.isActive()) {
        continue;
      }
      Matcher m = PACK.matcher(new String(pragma.getMessage()));
      if (!m.matches()) {
        continue;
      }
      current = apply(m.group(1), current, stack);
      changes.add(new int[] {node.getOffset(), current});
    }
    changes.sort((a, b) -> Integer.compare(a[0], b[0]));
    return new PragmaPack(
        changes.stream().mapToInt(c -> c[0]).toArray(),
        changes.stream().mapToInt(c -> c[1]).toArray());
  }

  private record Entry(String id, int value) {}

  /** gcc's handle_pragma_pack: (), (N), (push[, id][, N]), (pop[, id]). */
  private static int apply(String args, int current, Deque<Entry> stack) {
    String[] parts =
        Arrays.stream(args.split(","))
            .map(String::strip)
            .filter(p -> !p.isEmpty())
            .toArray(String[]::new);
    if (parts.length == 0) {
      return 0;
    }
    switch (parts[0]) {
      case "push" -> {
        String id = null;
        int value = current;
        for (int i = 1; i < parts.length; i++) {
          Integer n = number(parts[i]);
          if (n != null) {
            value = n;
          } else {
            id = parts[i];
          }
        }
        stack.push(new Entry(id, current));
        return value;
      }
      case "pop" -> {
        String id = parts.length > 1 ? parts[1] : null;
        if (id == null) {
          return stack.isEmpty() ? current : stack.pop().value();
        }
        // pop to (and including) the named entry; gcc leaves everything alone when it is absent
        if (stack.stream().noneMatch(e -> id.equals(e.id()))) {
          return current;
        }
        Entry e;
        do {
          e = stack.pop();
        } while (!id.equals(e.id()));
        return e.value();
      }
      default -> {
        Integer n = number(parts[0]);
        return n == null ? current : n;
      }
    }
  }

  private static Integer number(String s) {
    try {
      int n = Integer.decode(s);
      // gcc ignores values that are not a power of two up to 16 (with a warning)
      return (n == 0 || (n <= 16 && Integer.bitCount(n) == 1)) ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The packing in effect at the end of {@code node} (where gcc lays out a struct: its brace). */
  int at(IASTNode node) {
    if (positions.length == 0 || !(node instanceof ASTNode n)) {
      return 0;
    }
    int end = n.getOffset() + n.getLength();
    int i = Arrays.binarySearch(positions, end);
    int idx = i >= 0 ? i : -i - 2;
    return idx < 0 ? 0 : values[idx];
  }
}
