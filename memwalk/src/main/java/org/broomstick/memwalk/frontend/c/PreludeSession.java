package org.broomstick.memwalk.frontend.c;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.cdt.core.dom.ast.IMacroBinding;
import org.eclipse.cdt.internal.core.parser.IMacroDictionary;
import org.eclipse.cdt.internal.core.parser.scanner.CPreprocessor;
import org.eclipse.cdt.internal.core.parser.scanner.CharArray;
import org.eclipse.cdt.internal.core.parser.scanner.InternalFileContent;
import org.eclipse.cdt.internal.core.parser.scanner.PreprocessorMacro;
import org.eclipse.cdt.core.parser.util.CharArrayMap;

/**
 * One unit's parse with a system prelude: the content provider asks it first for every inclusion.
 *
 * <p>At the unit's first system include it takes a prelude that fits the unit's macros at that
 * point and serves the prelude's driver (which includes the prelude's chunks); every later system
 * include gets nothing, after checking that the header is in the prelude and that the unit has not
 * changed, since the prelude, a macro the system headers mention (NDEBUG before assert.h,
 * _GNU_SOURCE after a first system include). When a check fails before the prelude was served, the
 * unit simply goes on the normal way; after, it is marked {@link #fallback} and the caller parses it
 * again on the normal path. {@link #check} does the checks that need the whole parse.
 */
final class PreludeSession {

  private static final CharArray EMPTY = new CharArray("");
  private static final Field PREPROCESSOR = preprocessorField();
  private static final Field TABLE = tableField();
  // -Dbroomstick.prelude.dump=FILE: what the last unit read from the prelude (a debugging aid).
  private static final String DUMP = System.getProperty("broomstick.prelude.dump");
  private final StringBuilder dump = new StringBuilder();

  private enum State {
    BEFORE,
    SERVING,
    AFTER,
    OFF
  }

  private final SystemPreludes preludes;
  private final SystemPreludes.Toolchain toolchain;
  private final List<String> sysDirs;
  private State state = State.BEFORE;
  private SystemPrelude prelude;
  private SystemPrelude.Slice slice;
  private int nextChunk;
  private Map<String, String> after;
  // The headers whose slices this unit has read.
  private final Set<String> served = new HashSet<>();
  // The names the slices read so far declare.
  private final Set<String> declared = new HashSet<>();
  private String fallback;
  private String off;

  PreludeSession(SystemPreludes preludes, SystemPreludes.Toolchain toolchain, List<String> sysDirs, String mainFile) {
    this.preludes = preludes;
    this.toolchain = toolchain;
    this.sysDirs = sysDirs;
    project(mainFile);
  }

  /** Whether the unit's parse used a prelude. */
  boolean used() {
    return prelude != null;
  }

  /** Why the unit must be parsed again on the normal path, or null. */
  String fallback() {
    return fallback;
  }

  /** Whether {@code path} is one of the prelude's own files (which need not exist). */
  boolean provides(String path) {
    return prelude != null && (path.equals(prelude.endPath) || path.equals(prelude.driverPath));
  }

  /** The content for an inclusion, or null for the normal way. */
  InternalFileContent content(String path, IMacroDictionary macros) {
    if (state == State.OFF) {
      return null;
    }
    if (state == State.SERVING) {
      if (nextChunk < slice.chunks().size() && slice.chunks().get(nextChunk).path().equals(path)) {
        return new InternalFileContent(path, slice.chunks().get(nextChunk++).content());
      }
      if (path.equals(prelude.endPath) && nextChunk == slice.chunks().size()) {
        CharArrayMap<PreprocessorMacro> table = table(macros);
        if (table == null) {
          return off("the macro dictionary cannot be read");
        }
        after = values(table, prelude.used);
        state = State.AFTER;
        return new InternalFileContent(path, EMPTY);
      }
      return off("the prelude's own includes were not read in order (" + path + ")");
    }
    if (!isSystem(path)) {
      project(path);
      return null;
    }
    CharArrayMap<PreprocessorMacro> table = table(macros);
    if (table == null) {
      return off("the macro dictionary cannot be read");
    }
    if (state == State.BEFORE) {
      Map<String, String> now = snapshot(macros);
      if (now == null) {
        return off("the macro dictionary cannot be read");
      }
      SystemPreludes.Found found = preludes.forConfiguration(toolchain, sysDirs, now);
      if (found.prelude() == null) {
        return off(found.why());
      }
      if (!found.prelude().holds(path)) {
        return off("a system header outside the prelude: " + path);
      }
      prelude = found.prelude();
    } else if (!prelude.holds(path)) {
      if (prelude.readAlone.contains(path)) {
        // A header gcc rejected in the union: CDT reads it here, with the unit's macros as they
        // are; its own system includes come back through here. The prelude kept what it uses.
        return null;
      }
      return off("a system header outside the prelude: " + path);
    }
    Set<String> files = prelude.reach(path, served);
    if (files.isEmpty()) {
      return new InternalFileContent(path, EMPTY);
    }
    if (after != null) {
      // The macros these headers expand or test must be as gcc had them (the unit's own changes
      // since its first system include: NDEBUG before assert.h, _GNU_SOURCE after stdio.h).
      for (String n : prelude.usedIn(files)) {
        if (!java.util.Objects.equals(after.get(n), value(table, n))) {
          return off("macro " + n + ", which " + path + " uses, changed after the first system include");
        }
      }
    }
    SystemPrelude.Slice next = prelude.slice(files, declared, n -> table.get(n.toCharArray()) != null);
    if (next == null) {
      return off("a macro of a system header would be expanded twice in " + path);
    }
    served.addAll(files);
    if (DUMP != null) {
      dump.append("// ---- slice for ").append(path).append('\n');
      for (SystemPrelude.Chunk c : next.chunks()) {
        dump.append("// chunk ").append(c.path()).append('\n').append(c.content().toString().replaceAll("\n{2,}", "\n"));
      }
      dump.append(next.driver().toString().replaceAll("(?m)^#include .*\n", ""));
    }
    slice = next;
    nextChunk = 0;
    state = State.SERVING;
    return new InternalFileContent(prelude.driverPath, slice.driver());
  }

  private void project(String path) {
    if (state == State.OFF) {
      return;
    }
    SystemPreludes.ProjectFile f = preludes.projectFile(java.nio.file.Path.of(path).normalize().toString());
    if (f == null) {
      off("a file the project scan did not read: " + path);
    } else if (f.includeNext()) {
      off("#include_next in " + path);
    }
  }

  /** The check after the parse: every slice read to its end. */
  void check() {
    if (DUMP != null) {
      try {
        java.nio.file.Files.writeString(java.nio.file.Path.of(DUMP), dump);
      } catch (java.io.IOException e) {
        // debugging aid only
      }
    }
    if (prelude != null && fallback == null && state != State.AFTER) {
      fallback = "the prelude was not read to its end";
    }
  }

  /** The parse with the prelude failed as a whole. */
  void fail(String why) {
    if (prelude != null && fallback == null) {
      fallback = why;
    }
  }

  void problems(int count) {
    if (prelude != null && fallback == null && count > 0) {
      fallback = count + " parse problems with the prelude";
    }
  }

  /** Why the unit took the normal path (from the start or after the prelude), or null. */
  String offReason() {
    return fallback != null ? fallback : off;
  }

  private InternalFileContent off(String why) {
    if (off == null) {
      off = why;
    }
    if (prelude != null && fallback == null) {
      fallback = why;
    }
    state = State.OFF;
    return null;
  }

  private boolean isSystem(String path) {
    return SystemPreludes.under(path, sysDirs);
  }

  /** The unit's macro table, read where CDT keeps it. */
  @SuppressWarnings("unchecked")
  private static CharArrayMap<PreprocessorMacro> table(IMacroDictionary macros) {
    if (PREPROCESSOR == null || TABLE == null || macros == null) {
      return null;
    }
    try {
      return (CharArrayMap<PreprocessorMacro>) TABLE.get(PREPROCESSOR.get(macros));
    } catch (IllegalAccessException | ClassCastException | IllegalArgumentException e) {
      return null;
    }
  }

  /** What follows the name in a {@code #define} line for this macro, or null when it is not defined. */
  private static String value(CharArrayMap<PreprocessorMacro> table, String name) {
    PreprocessorMacro m = table.get(name.toCharArray());
    return m == null || m.isDynamic() ? null : encode(m);
  }

  private static String encode(IMacroBinding m) {
    StringBuilder sb = new StringBuilder();
    if (m.isFunctionStyle()) {
      sb.append('(');
      char[][] params = m.getParameterList();
      for (int i = 0; i < params.length; i++) {
        String p = new String(params[i]);
        sb.append(i > 0 ? "," : "").append(p.equals("__VA_ARGS__") ? "..." : p);
      }
      sb.append(')');
    }
    char[] exp = m.getExpansion();
    return sb.append(' ').append(exp == null ? "" : new String(exp)).toString();
  }

  /** The values of {@code names} now (null for the undefined). */
  private static Map<String, String> values(CharArrayMap<PreprocessorMacro> table, Set<String> names) {
    Map<String, String> out = new HashMap<>();
    for (String n : names) {
      String v = value(table, n);
      if (v != null) {
        out.put(n, v);
      }
    }
    return out;
  }

  /**
   * All macros defined at this point of the unit's preprocessing, name → what follows the name in
   * a {@code #define} line; CDT's own dynamic macros (__FILE__, __LINE__, …) left out.
   */
  static Map<String, String> snapshot(IMacroDictionary macros) {
    if (PREPROCESSOR == null || macros == null) {
      return null;
    }
    CPreprocessor pp;
    try {
      pp = (CPreprocessor) PREPROCESSOR.get(macros);
    } catch (IllegalAccessException | ClassCastException | IllegalArgumentException e) {
      return null;
    }
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, IMacroBinding> e : pp.getMacroDefinitions().entrySet()) {
      IMacroBinding m = e.getValue();
      if (m.isDynamic() || CPreprocessor.isPreprocessorProvidedMacro(e.getKey().toCharArray())) {
        continue;
      }
      out.put(e.getKey(), encode(m));
    }
    return out;
  }

  private static Field tableField() {
    try {
      Field f = CPreprocessor.class.getDeclaredField("fMacroDictionary");
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException | RuntimeException e) {
      return null;
    }
  }

  private static Field preprocessorField() {
    try {
      Class<?> c = Class.forName("org.eclipse.cdt.internal.core.parser.scanner.CPreprocessor$MacroDictionary");
      for (Field f : c.getDeclaredFields()) {
        if (f.getType() == CPreprocessor.class) {
          f.setAccessible(true);
          return f;
        }
      }
    } catch (ClassNotFoundException | RuntimeException e) {
      // CDT changed: no preludes (every unit takes the normal path)
    }
    return null;
  }
}
