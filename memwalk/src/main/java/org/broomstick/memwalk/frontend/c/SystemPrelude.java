package org.broomstick.memwalk.frontend.c;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.cdt.internal.core.parser.scanner.CharArray;

/**
 * One system prelude: the system headers of a codebase preprocessed once by gcc for one
 * configuration, reduced to the declarations and macros the project's identifiers reach, and cut
 * into chunks that a unit's parse reads in place of its system headers (see {@link PreludeSession}).
 *
 * <p>A chunk is a run of consecutive lines of one header, served under that header's own path with
 * blank lines before each line so that CDT sees every declaration at its real line: ids such as
 * {@code __bswap_16@/usr/include/…/byteswap.h}, anonymous-struct keys and diagnostics are the same as
 * on the normal path. Macro directives come after all declarations (the text gcc wrote is already
 * expanded and must not be expanded again), {@code #pragma pack} stays in place.
 *
 * <p>Keyed by {@link #config}: the macros (name → value, as CDT holds them) of the unit it was built
 * for, when it reached its first system include. Another unit may use it when its macros differ from
 * these only in names the system headers never mention ({@link #sensitive}: the macros gcc's {@code
 * -dU} reports as expanded or tested, and every identifier of the headers' output).
 */
final class SystemPrelude {

  /** A run of one header's lines, served for one {@code #include} of a driver; in prelude order. */
  record Chunk(int order, String path, CharArray content, Set<String> identifiers) {}

  private record Macro(int order, String line, String name, boolean identity) {}

  /** What a unit reads for one system include: the driver, then its chunks in order. */
  record Slice(CharArray driver, List<Chunk> chunks) {}

  final Map<String, String> config;
  final Set<String> sensitive;
  final Set<String> used;
  // Header → the macros gcc expanded or tested first in it (-dU).
  private final Map<String, Set<String>> usedBy;
  final String driverPath;
  final String endPath;
  private final PreludeText text;
  private final Map<String, List<Chunk>> chunksByFile;
  private final Map<String, List<Macro>> macrosByFile;
  // Macros of the headers whose names also appear, unexpanded, in the kept declarations: defined
  // before such a declaration is read, CDT would expand them a second time.
  private final Set<String> reexpandable;
  private final int keptPieces;
  // Kept pieces, and the first kept piece that declares each name.
  private BitSet kept;
  private Map<String, Integer> declaring;
  private final Map<Integer, Chunk> pulledChunks = new java.util.concurrent.ConcurrentHashMap<>();
  /** Headers gcc rejected in the union, read by a unit itself when it includes one after its first. */
  final Set<String> readAlone = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private SystemPrelude(Map<String, String> config, Set<String> used, Map<String, Set<String>> usedBy, Set<String> sensitive,
      PreludeText text,
      Map<String, List<Chunk>> chunksByFile, Map<String, List<Macro>> macrosByFile, Set<String> reexpandable,
      int keptPieces, String dir) {
    this.config = config;
    this.used = used;
    this.usedBy = usedBy;
    this.sensitive = sensitive;
    this.text = text;
    this.chunksByFile = chunksByFile;
    this.macrosByFile = macrosByFile;
    this.reexpandable = reexpandable;
    this.keptPieces = keptPieces;
    this.driverPath = dir + "/__broomstick_prelude__.h";
    this.endPath = dir + "/__broomstick_prelude_end__.h";
  }

  /** Reduces {@code text} to what {@code roots} reach and cuts it into chunks. */
  static SystemPrelude of(Map<String, String> config, Set<String> used, Map<String, Set<String>> usedBy, PreludeText text,
      Set<String> roots, String dir) {
    List<PreludeText.Piece> pieces = text.pieces;
    Map<String, List<Integer>> byName = new HashMap<>();
    BitSet kept = new BitSet(pieces.size());
    ArrayDeque<String> work = new ArrayDeque<>(roots);
    for (int i = 0; i < pieces.size(); i++) {
      PreludeText.Piece p = pieces.get(i);
      for (String n : p.declares()) {
        byName.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
      }
      // Declarations of nothing (static assertions, bare attributes) and #pragma pack: always.
      if (p.kind() == PreludeText.Kind.PACK || p.kind() == PreludeText.Kind.DECLARATION && p.declares().isEmpty()) {
        kept.set(i);
        work.addAll(p.refs());
      }
    }
    Set<String> seen = new HashSet<>();
    while (!work.isEmpty()) {
      String n = work.pop();
      if (!seen.add(n)) {
        continue;
      }
      for (int i : byName.getOrDefault(n, List.of())) {
        if (!kept.get(i)) {
          kept.set(i);
          work.addAll(pieces.get(i).refs());
        }
      }
    }
    // Lines to emit in place: kept declarations (their directive lines left out) and pack pragmas,
    // in runs of one header's increasing lines.
    Map<String, List<Chunk>> chunks = new HashMap<>();
    Map<String, List<Macro>> macros = new HashMap<>();
    Set<String> declIds = new HashSet<>();
    int runStart = 0;
    String file = null;
    int lastLine = 0;
    StringBuilder sb = null;
    Set<String> ids = null;
    for (int i = 0; i < pieces.size(); i++) {
      if (!kept.get(i)) {
        continue;
      }
      PreludeText.Piece p = pieces.get(i);
      if (p.kind() == PreludeText.Kind.MACRO) {
        String line = text.lines.get(p.firstLine()).text();
        String name = p.declares().iterator().next();
        boolean identity = line.trim().matches("#\\s*define\\s+" + java.util.regex.Pattern.quote(name) + "\\s+" + java.util.regex.Pattern.quote(name));
        macros.computeIfAbsent(p.node().file, k -> new ArrayList<>()).add(new Macro(p.firstLine(), line, name, identity));
        continue;
      }
      if (p.kind() == PreludeText.Kind.DECLARATION) {
        declIds.addAll(p.refs());
      }
      for (int li = p.firstLine(); li <= p.lastLine(); li++) {
        PreludeText.Line l = text.lines.get(li);
        if (l.text().startsWith("#") && p.kind() != PreludeText.Kind.PACK) {
          continue; // a #define inside a declaration: with the other macros, after the declarations
        }
        if (sb == null || !l.file().equals(file) || l.line() <= lastLine) {
          if (sb != null) {
            chunks.computeIfAbsent(file, k -> new ArrayList<>()).add(new Chunk(runStart, file, new CharArray(sb.toString()), ids));
          }
          runStart = li;
          sb = new StringBuilder();
          ids = new HashSet<>();
          file = l.file();
          lastLine = 0;
        }
        // Blank lines up to the line's own number (lines are 1-based).
        for (int k = lastLine + 1; k < l.line(); k++) {
          sb.append('\n');
        }
        sb.append(l.text()).append('\n');
        PreludeText.identifiers(l.text(), 0, ids);
        lastLine = l.line();
      }
    }
    if (sb != null) {
      chunks.computeIfAbsent(file, k -> new ArrayList<>()).add(new Chunk(runStart, file, new CharArray(sb.toString()), ids));
    }
    Set<String> reexpandable = new HashSet<>();
    for (List<Macro> ms : macros.values()) {
      for (Macro m : ms) {
        if (!m.identity() && declIds.contains(m.name())) {
          reexpandable.add(m.name());
        }
      }
    }
    Set<String> sensitive = new HashSet<>(used);
    for (PreludeText.Piece p : pieces) {
      sensitive.addAll(p.refs());
      sensitive.addAll(p.declares());
    }
    Map<String, Integer> declaring = new HashMap<>();
    for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
      for (String n : pieces.get(i).declares()) {
        declaring.putIfAbsent(n, i);
      }
    }
    SystemPrelude sp = new SystemPrelude(Map.copyOf(config), Set.copyOf(used), usedBy, sensitive, text, chunks, macros,
        reexpandable, kept.cardinality(), dir);
    sp.kept = kept;
    sp.declaring = declaring;
    return sp;
  }

  /** The same prelude for another configuration for which gcc writes the same text of the headers. */
  SystemPrelude withConfig(Map<String, String> other, Set<String> otherUsed, Map<String, Set<String>> otherUsedBy) {
    Set<String> sens = new HashSet<>(sensitive);
    sens.addAll(otherUsed);
    SystemPrelude sp = new SystemPrelude(Map.copyOf(other), Set.copyOf(otherUsed), otherUsedBy, sens, text, chunksByFile, macrosByFile,
        reexpandable, keptPieces, driverPath.substring(0, driverPath.lastIndexOf('/')));
    sp.kept = kept;
    sp.declaring = declaring;
    sp.readAlone.addAll(readAlone);
    return sp;
  }

  /** The macros gcc expanded or tested (first) in these headers. */
  Set<String> usedIn(Set<String> files) {
    Set<String> out = new HashSet<>();
    for (String f : files) {
      out.addAll(usedBy.getOrDefault(f, Set.of()));
    }
    return out;
  }

  /** The headers an include of {@code path} reads that {@code served} does not hold yet. */
  Set<String> reach(String path, Set<String> served) {
    Map<String, Set<String>> edges = text.fileEdges();
    Set<String> reached = new java.util.LinkedHashSet<>();
    ArrayDeque<String> work = new ArrayDeque<>();
    if (!served.contains(path)) {
      reached.add(path);
      work.add(path);
    }
    while (!work.isEmpty()) {
      for (String c : edges.getOrDefault(work.pop(), Set.of())) {
        if (!served.contains(c) && reached.add(c)) {
          work.add(c);
        }
      }
    }
    return reached;
  }

  /**
   * The slice of the prelude for these headers: their chunks in prelude order, then their macros.
   * Null when a chunk holds a name that {@code defined} (the unit's macros now) would expand a
   * second time.
   */
  Slice slice(Set<String> files, Set<String> declared, java.util.function.Predicate<String> defined) {
    List<Chunk> cs = new ArrayList<>();
    List<Macro> ms = new ArrayList<>();
    for (String f : files) {
      cs.addAll(chunksByFile.getOrDefault(f, List.of()));
      ms.addAll(macrosByFile.getOrDefault(f, List.of()));
    }
    // Names these headers use that only another header's part declares here: glibc declares
    // socklen_t, pid_t, … in whichever header comes first (the __socklen_t_defined guards), so the
    // union's text has them where the union included them first. Those pieces come along alone.
    Set<String> names = new HashSet<>(declared);
    ArrayDeque<String> work = new ArrayDeque<>();
    for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
      PreludeText.Piece p = text.pieces.get(i);
      if (files.contains(p.node().file)) {
        names.addAll(p.declares());
        work.addAll(p.refs());
      }
    }
    while (!work.isEmpty()) {
      String r = work.pop();
      Integer i = declaring.get(r);
      if (i == null || names.contains(r)) {
        continue;
      }
      PreludeText.Piece p = text.pieces.get(i);
      names.addAll(p.declares());
      work.addAll(p.refs());
      if (p.kind() == PreludeText.Kind.MACRO) {
        ms.add(new Macro(p.firstLine(), text.lines.get(p.firstLine()).text(), r, false));
      } else {
        cs.add(pulledChunks.computeIfAbsent(i, k -> pieceChunk(p)));
      }
    }
    for (Chunk c : cs) {
      for (String id : c.identifiers()) {
        if (reexpandable.contains(id) && defined.test(id)) {
          return null;
        }
      }
    }
    declared.addAll(names);
    cs.sort(java.util.Comparator.comparingInt(Chunk::order));
    ms.sort(java.util.Comparator.comparingInt(Macro::order));
    StringBuilder d = new StringBuilder();
    for (Chunk c : cs) {
      d.append("#include \"").append(c.path()).append("\"\n");
    }
    for (Macro m : ms) {
      d.append(m.line()).append('\n');
    }
    d.append("#include \"").append(endPath).append("\"\n");
    return new Slice(new CharArray(d.toString()), cs);
  }

  private Chunk pieceChunk(PreludeText.Piece p) {
    StringBuilder sb = new StringBuilder();
    Set<String> ids = new HashSet<>();
    int last = 0;
    String file = text.lines.get(p.firstLine()).file();
    for (int li = p.firstLine(); li <= p.lastLine(); li++) {
      PreludeText.Line l = text.lines.get(li);
      if (l.text().startsWith("#") || !l.file().equals(file) || l.line() <= last) {
        continue;
      }
      for (int k = last + 1; k < l.line(); k++) {
        sb.append('\n');
      }
      sb.append(l.text()).append('\n');
      PreludeText.identifiers(l.text(), 0, ids);
      last = l.line();
    }
    return new Chunk(p.firstLine(), file, new CharArray(sb.toString()), ids);
  }

  /** Whether gcc read this header for the prelude (so that its content is in it). */
  boolean holds(String path) {
    return text.firstNode.containsKey(path);
  }

  /** Pieces kept / all, chunks, characters of the chunks. */
  String figures() {
    long chars = 0;
    int n = 0;
    for (List<Chunk> cs : chunksByFile.values()) {
      for (Chunk c : cs) {
        chars += c.content().getLength();
        n++;
      }
    }
    return keptPieces + " of " + text.pieces.size() + " pieces, " + n + " chunks, " + chars + " chars, "
        + macrosByFile.values().stream().mapToInt(List::size).sum() + " macros";
  }

  int keptPieces() {
    return keptPieces;
  }

  int pieces() {
    return text.pieces.size();
  }
}
