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

  /** A line of a kept piece: its text and where it comes from. */
  record KeptLine(String text, String file, int line) {}

  /**
   * A kept piece: its place in the prelude ({@code firstLine}, the index of its first line in gcc's
   * output), the header occurrence's file, the names it declares and mentions, its lines.
   */
  record Kept(int firstLine, PreludeText.Kind kind, String file, Set<String> declares, Set<String> refs, List<KeptLine> lines) {}

  /**
   * What the reduction keeps of a prelude's text, all a prelude needs afterwards: the kept pieces
   * in order, how many pieces there were, every name the headers' text declares or mentions, the
   * include tree's edges by file (see {@link PreludeText#fileEdges}) and the headers gcc read.
   */
  record Reduced(List<Kept> kept, int pieces, Set<String> names, Map<String, Set<String>> fileEdges, Set<String> held) {}

  final Map<String, String> config;
  final Set<String> sensitive;
  final Set<String> used;
  // The same names, and as CDT's macro table keys them.
  final String[] usedNames;
  final char[][] usedChars;
  // Header → the macros gcc expanded or tested first in it (-dU).
  private final Map<String, Set<String>> usedBy;
  final String driverPath;
  final String endPath;
  final Reduced reduced;
  private final Map<String, List<Chunk>> chunksByFile;
  private final Map<String, List<Macro>> macrosByFile;
  // Macros of the headers whose names also appear, unexpanded, in the kept declarations: defined
  // before such a declaration is read, CDT would expand them a second time.
  private final Set<String> reexpandable;
  // The first kept piece (index in reduced.kept) that declares each name.
  private final Map<String, Integer> declaring;
  // The kept pieces (indexes in reduced.kept) of each header.
  private final Map<String, List<Integer>> keptByFile = new HashMap<>();
  private final Map<Integer, Chunk> pulledChunks = new java.util.concurrent.ConcurrentHashMap<>();
  /** Headers gcc rejected in the union, read by a unit itself when it includes one after its first. */
  final Set<String> readAlone = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private SystemPrelude(Map<String, String> config, Set<String> used, Map<String, Set<String>> usedBy, Set<String> sensitive,
      Reduced reduced, Map<String, List<Chunk>> chunksByFile, Map<String, List<Macro>> macrosByFile, Set<String> reexpandable,
      Map<String, Integer> declaring, String dir) {
    this.config = config;
    this.used = used;
    this.usedNames = used.toArray(new String[0]);
    this.usedChars = new char[usedNames.length][];
    for (int i = 0; i < usedNames.length; i++) {
      usedChars[i] = usedNames[i].toCharArray();
    }
    this.usedBy = usedBy;
    this.sensitive = sensitive;
    this.reduced = reduced;
    this.chunksByFile = chunksByFile;
    this.macrosByFile = macrosByFile;
    this.reexpandable = reexpandable;
    this.declaring = declaring;
    for (int i = 0; i < reduced.kept().size(); i++) {
      keptByFile.computeIfAbsent(reduced.kept().get(i).file(), k -> new ArrayList<>()).add(i);
    }
    this.driverPath = dir + "/__broomstick_prelude__.h";
    this.endPath = dir + "/__broomstick_prelude_end__.h";
  }

  /** Reduces {@code text} to what {@code roots} reach and cuts it into chunks. */
  static SystemPrelude of(Map<String, String> config, Set<String> used, Map<String, Set<String>> usedBy, PreludeText text,
      Set<String> roots, String dir) {
    return of(config, used, usedBy, reduce(text, roots), dir);
  }

  /** The pieces of {@code text} that {@code roots} reach, and what a prelude needs of the rest. */
  static Reduced reduce(PreludeText text, Set<String> roots) {
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
    List<Kept> out = new ArrayList<>(kept.cardinality());
    for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
      PreludeText.Piece p = pieces.get(i);
      List<KeptLine> lines = new ArrayList<>(p.lastLine() - p.firstLine() + 1);
      for (int li = p.firstLine(); li <= p.lastLine(); li++) {
        PreludeText.Line l = text.lines.get(li);
        lines.add(new KeptLine(l.text(), l.file(), l.line()));
      }
      out.add(new Kept(p.firstLine(), p.kind(), p.node().file, p.declares(), p.refs(), List.copyOf(lines)));
    }
    Set<String> names = new HashSet<>();
    for (PreludeText.Piece p : pieces) {
      names.addAll(p.refs());
      names.addAll(p.declares());
    }
    return new Reduced(List.copyOf(out), pieces.size(), names, text.fileEdges(), text.firstNode.keySet());
  }

  /** The prelude of a reduction: its chunks and macros by header. */
  static SystemPrelude of(Map<String, String> config, Set<String> used, Map<String, Set<String>> usedBy, Reduced reduced, String dir) {
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
    for (Kept p : reduced.kept()) {
      if (p.kind() == PreludeText.Kind.MACRO) {
        String line = p.lines().get(0).text();
        String name = p.declares().iterator().next();
        boolean identity = line.trim().matches("#\\s*define\\s+" + java.util.regex.Pattern.quote(name) + "\\s+" + java.util.regex.Pattern.quote(name));
        macros.computeIfAbsent(p.file(), k -> new ArrayList<>()).add(new Macro(p.firstLine(), line, name, identity));
        continue;
      }
      if (p.kind() == PreludeText.Kind.DECLARATION) {
        declIds.addAll(p.refs());
      }
      for (int k = 0; k < p.lines().size(); k++) {
        KeptLine l = p.lines().get(k);
        if (l.text().startsWith("#") && p.kind() != PreludeText.Kind.PACK) {
          continue; // a #define inside a declaration: with the other macros, after the declarations
        }
        if (sb == null || !l.file().equals(file) || l.line() <= lastLine) {
          if (sb != null) {
            chunks.computeIfAbsent(file, f -> new ArrayList<>()).add(new Chunk(runStart, file, new CharArray(sb.toString()), ids));
          }
          runStart = p.firstLine() + k;
          sb = new StringBuilder();
          ids = new HashSet<>();
          file = l.file();
          lastLine = 0;
        }
        // Blank lines up to the line's own number (lines are 1-based).
        for (int b = lastLine + 1; b < l.line(); b++) {
          sb.append('\n');
        }
        sb.append(l.text()).append('\n');
        PreludeText.identifiers(l.text(), 0, ids);
        lastLine = l.line();
      }
    }
    if (sb != null) {
      chunks.computeIfAbsent(file, f -> new ArrayList<>()).add(new Chunk(runStart, file, new CharArray(sb.toString()), ids));
    }
    Set<String> reexpandable = new HashSet<>();
    for (List<Macro> ms : macros.values()) {
      for (Macro m : ms) {
        if (!m.identity() && declIds.contains(m.name())) {
          reexpandable.add(m.name());
        }
      }
    }
    // A chunk keeps only the names the slice's check needs: the reexpandable ones it mentions.
    for (List<Chunk> cs : chunks.values()) {
      cs.replaceAll(c -> new Chunk(c.order(), c.path(), c.content(), only(c.identifiers(), reexpandable)));
    }
    Set<String> sensitive = new HashSet<>(used);
    sensitive.addAll(reduced.names());
    Map<String, Integer> declaring = new HashMap<>();
    for (int i = 0; i < reduced.kept().size(); i++) {
      for (String n : reduced.kept().get(i).declares()) {
        declaring.putIfAbsent(n, i);
      }
    }
    return new SystemPrelude(Map.copyOf(config), Set.copyOf(used), usedBy, sensitive, reduced, chunks, macros,
        reexpandable, declaring, dir);
  }

  /** The same prelude for another configuration for which gcc writes the same text of the headers. */
  SystemPrelude withConfig(Map<String, String> other, Set<String> otherUsed, Map<String, Set<String>> otherUsedBy) {
    Set<String> sens = new HashSet<>(sensitive);
    sens.addAll(otherUsed);
    SystemPrelude sp = new SystemPrelude(Map.copyOf(other), Set.copyOf(otherUsed), otherUsedBy, sens, reduced, chunksByFile, macrosByFile,
        reexpandable, declaring, driverPath.substring(0, driverPath.lastIndexOf('/')));
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
    Map<String, Set<String>> edges = reduced.fileEdges();
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
    Set<String> names = new HashSet<>();
    ArrayDeque<String> work = new ArrayDeque<>();
    for (String f : files) {
      for (int i : keptByFile.getOrDefault(f, List.of())) {
        Kept p = reduced.kept().get(i);
        names.addAll(p.declares());
        work.addAll(p.refs());
      }
    }
    while (!work.isEmpty()) {
      String r = work.pop();
      Integer i = declaring.get(r);
      if (i == null || names.contains(r) || declared.contains(r)) {
        continue;
      }
      Kept p = reduced.kept().get(i);
      names.addAll(p.declares());
      work.addAll(p.refs());
      if (p.kind() == PreludeText.Kind.MACRO) {
        ms.add(new Macro(p.firstLine(), p.lines().get(0).text(), r, false));
      } else {
        cs.add(pulledChunks.computeIfAbsent(i, k -> {
          Chunk c = pieceChunk(p);
          return new Chunk(c.order(), c.path(), c.content(), only(c.identifiers(), reexpandable));
        }));
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

  private static Set<String> only(Set<String> ids, Set<String> keep) {
    Set<String> out = new HashSet<>();
    for (String id : ids) {
      if (keep.contains(id)) {
        out.add(id);
      }
    }
    return out.isEmpty() ? Set.of() : out;
  }

  private static Chunk pieceChunk(Kept p) {
    StringBuilder sb = new StringBuilder();
    Set<String> ids = new HashSet<>();
    int last = 0;
    String file = p.lines().get(0).file();
    for (KeptLine l : p.lines()) {
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
    return reduced.held().contains(path);
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
    return reduced.kept().size() + " of " + reduced.pieces() + " pieces, " + n + " chunks, " + chars + " chars, "
        + macrosByFile.values().stream().mapToInt(List::size).sum() + " macros";
  }

  int keptPieces() {
    return reduced.kept().size();
  }

  int pieces() {
    return reduced.pieces();
  }
}
