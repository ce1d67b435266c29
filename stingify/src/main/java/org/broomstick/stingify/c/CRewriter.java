package org.broomstick.stingify.c;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.broomstick.stingify.Finding;
import org.broomstick.stingify.edit.TextEdit;
import org.broomstick.stingify.input.AllocationSite;
import org.broomstick.stingify.input.ReleaseSite;

/**
 * The edits that move one C file onto the Stingy allocator (SPEC §7, thesis figures 6.5 and 7.5):
 *
 * <ul>
 *   <li>a managed object's allocation call of constant size becomes {@code stingy_alloc(ID)};
 *   <li>one of run-time size with a {@code stingy_size} hint becomes the guard of figure 6.5 as an
 *       expression, so it fits wherever the call was: the size is evaluated once into a temporary
 *       and the original call, given that temporary, serves sizes above the hint ({@code ({ … })}
 *       is a GNU C statement expression, accepted by gcc and clang);
 *   <li>an allocator the spec gives a wrapper (figure 7.5) becomes {@code wrapper(stingy_alloc(ID),
 *       other arguments)};
 *   <li>a free whose pointer may point to a managed object calls {@code stingy_free}, which hands
 *       pointers outside the slabs to {@code free}: the allocator family must be malloc's;
 *   <li>{@code #include "stingy_config.h"} once, before the first top-level {@code #include}.
 * </ul>
 *
 * Sites inside macro expansions and sites whose text is not what the report says are left alone
 * and reported. Nothing else changes: the edits touch only the call texts and add one line.
 */
public final class CRewriter {
  public static final String INCLUDE = "#include \"stingy_config.h\"";

  private CRewriter() {}

  /** The edits of one file and what was left alone. */
  public record Result(List<TextEdit> edits, List<Finding> findings) {}

  public static Result rewrite(
      String file, String text, String lineEnding, List<AllocationSite> allocs, List<ReleaseSite> frees,
      Map<String, String> managed) {
    List<TextEdit> edits = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    int guards = 0;
    for (AllocationSite a : allocs) {
      String id = managed.get(a.id());
      if (id == null) {
        findings.add(note(a, "stingify.left-alone",
            "allocation of " + a.id() + " left to " + a.allocator() + " (" + a.objectClass() + ", no pool in the allocator config)"));
        continue;
      }
      if (a.inMacro()) {
        findings.add(warning(a, "stingify.macro-site",
            "allocation of " + a.id() + " is inside a macro expansion; not rewritten (call stingy_alloc(" + id + ") there by hand)"));
        continue;
      }
      String call = slice(text, a.offset(), a.length());
      if (call == null || !call.startsWith(a.allocator())) {
        findings.add(warning(a, "stingify.unexpected-text",
            "the text at the allocation of " + a.id() + " is not a call of " + a.allocator() + "; not rewritten"));
        continue;
      }
      if (a.wrapper() != null) {
        // Figure 7.5: the caller expects what the allocator makes of a raw buffer; the wrapper
        // does that to the Stingy object, given the call's other arguments.
        if (a.sizeBytes() == null) {
          findings.add(note(a, "stingify.left-alone",
              "allocation of " + a.id() + " through wrapper " + a.wrapper() + " needs a constant size; left to " + a.allocator()));
          continue;
        }
        List<String> rest = new ArrayList<>();
        boolean known = true;
        for (int i = 0; i < a.args().size(); i++) {
          if (i != a.sizeParam()) {
            known &= a.args().get(i) != null;
            rest.add(a.args().get(i));
          }
        }
        if (!known) {
          findings.add(warning(a, "stingify.unexpected-text",
              "the arguments of " + a.id() + " are not known; the wrapper call cannot be written"));
          continue;
        }
        StringBuilder w = new StringBuilder(a.wrapper()).append("(stingy_alloc(").append(id).append(')');
        rest.forEach(x -> w.append(", ").append(x));
        edits.add(new TextEdit(file, a.offset(), a.length(), w.append(')').toString()));
      } else if (a.sizeBytes() != null) {
        edits.add(new TextEdit(file, a.offset(), a.length(), "stingy_alloc(" + id + ")"));
      } else if (a.sizeHint() != null) {
        int rel = a.sizeOffset() - a.offset();
        if (a.sizeOffset() < 0 || rel < 0 || rel + a.sizeLength() > call.length()) {
          findings.add(warning(a, "stingify.unexpected-text",
              "the size argument of " + a.id() + " has no known position; not rewritten"));
          continue;
        }
        String tmp = "stingy_n" + guards++;
        String size = call.substring(rel, rel + a.sizeLength());
        String fallback = call.substring(0, rel) + tmp + call.substring(rel + a.sizeLength());
        edits.add(new TextEdit(file, a.offset(), a.length(),
            "({ size_t " + tmp + " = (" + size + "); " + tmp + " <= " + a.sizeHint() + " ? stingy_alloc(" + id + ") : "
                + fallback + "; })"));
      } else {
        findings.add(note(a, "stingify.left-alone",
            "allocation of " + a.id() + " has no constant size and no stingy_size hint; left to " + a.allocator()));
      }
    }
    for (ReleaseSite f : frees) {
      if (f.releases().stream().noneMatch(managed::containsKey)) {
        continue;
      }
      if (f.inMacro()) {
        findings.add(new Finding(f.file(), f.line(), f.column(), "warning", "stingify.macro-site",
            "free of a managed object is inside a macro expansion; not rewritten (call stingy_free there by hand)"));
        continue;
      }
      String call = slice(text, f.offset(), f.length());
      if (call == null || !call.startsWith(f.freer())
          || !call.substring(f.freer().length()).stripLeading().startsWith("(")) {
        findings.add(new Finding(f.file(), f.line(), f.column(), "warning", "stingify.unexpected-text",
            "the text at this free is not a call of " + f.freer() + "; not rewritten"));
        continue;
      }
      edits.add(new TextEdit(file, f.offset(), f.freer().length(), "stingy_free"));
    }
    if (!edits.isEmpty() && !text.contains(INCLUDE)) {
      edits.add(new TextEdit(file, includeOffset(text), 0, INCLUDE + lineEnding));
    }
    return new Result(edits, findings);
  }

  /**
   * Where the include goes: before the first {@code #include} outside any {@code #if}, else after
   * the leading comment block, so it is at file scope and before any use.
   */
  static int includeOffset(String text) {
    int depth = 0;
    int at = 0;
    int afterLeadingComments = -1;
    boolean inBlockComment = false;
    while (at < text.length()) {
      int eol = text.indexOf('\n', at);
      int next = eol < 0 ? text.length() : eol + 1;
      String line = text.substring(at, eol < 0 ? text.length() : eol).strip();
      if (inBlockComment) {
        if (line.contains("*/")) {
          inBlockComment = false;
        }
      } else if (line.startsWith("/*")) {
        inBlockComment = !line.contains("*/");
      } else if (line.startsWith("#")) {
        String directive = line.substring(1).stripLeading();
        if (directive.startsWith("if")) {
          depth++;
        } else if (directive.startsWith("endif")) {
          depth--;
        } else if (directive.startsWith("include") && depth == 0) {
          return at;
        }
        if (afterLeadingComments < 0) {
          afterLeadingComments = at;
        }
      } else if (!line.isEmpty() && !line.startsWith("//") && afterLeadingComments < 0) {
        afterLeadingComments = at;
      }
      at = next;
    }
    return afterLeadingComments < 0 ? 0 : afterLeadingComments;
  }

  private static String slice(String text, int offset, int length) {
    if (offset < 0 || length <= 0 || offset + length > text.length()) {
      return null;
    }
    return text.substring(offset, offset + length);
  }

  private static Finding warning(AllocationSite a, String key, String message) {
    return new Finding(a.file(), a.line(), a.column(), "warning", key, message);
  }

  private static Finding note(AllocationSite a, String key, String message) {
    return new Finding(a.file(), a.line(), a.column(), "note", key, message);
  }
}
