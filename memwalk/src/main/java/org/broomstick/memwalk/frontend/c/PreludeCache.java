package org.broomstick.memwalk.frontend.c;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The project-independent part of a system prelude's build, kept across runs: gcc's output for one
 * configuration read into {@link PreludeText} (its pieces, lines and include tree), the macros gcc's
 * {@code -dU} reports and the headers gcc rejected. The reduction (roots = the project's identifiers)
 * is not cached: it runs every time over the cached pieces, so an entry stays valid while the project
 * changes.
 *
 * <p>An entry's name is a hash of everything that determines the build (the compiler's identity, gcc's
 * arguments, the synthetic file's text, this build of broomstick); inside, the size and modification
 * time of every header gcc read and of every directory it searched, checked on load. Anything that does
 * not match, cannot be read or is not an entry of this format is a miss, never an error: the prelude is
 * then built as without the cache. Writes go to a temporary file renamed into place.
 */
final class PreludeCache {

  /**
   * A build's result: gcc's output read ({@code text}), or its reduction for one project's roots
   * ({@code reduced}); the other is null. With it, the names {@code -dU} reports (all, and per header),
   * a hash of the headers' text (configurations that give the same text share one reduction), the
   * headers gcc rejected in the union and the notes about them.
   */
  record Entry(Map<String, String> config, PreludeText text, SystemPrelude.Reduced reduced, Set<String> usedNames,
      Map<String, Set<String>> usedBy, String systemHash, List<String> dropped, List<String> notes) {

    Entry with(SystemPrelude.Reduced r) {
      return new Entry(config, null, r, usedNames, usedBy, systemHash, dropped, notes);
    }

    /** The names whose macros must be the same for another configuration to use this entry. */
    Set<String> sensitive() {
      Set<String> out = new HashSet<>(usedNames);
      if (reduced != null) {
        out.addAll(reduced.names());
      } else {
        for (PreludeText.Piece p : text.pieces) {
          out.addAll(p.refs());
          out.addAll(p.declares());
        }
      }
      return out;
    }
  }

  private static final int MAGIC = 0x42505243; // "BPRC"
  private static final int VERSION = 1;
  private static final byte TEXT = 1;
  private static final byte REDUCED = 2;

  private final Path dir;

  PreludeCache(Path dir) {
    this.dir = dir;
  }

  private static volatile String buildId;

  /**
   * This build of the prelude code: a hash of the class files that make a cache entry (the text's
   * scan, gcc's invocation, this format). Another build of broomstick misses every entry.
   */
  static String buildId() {
    String id = buildId;
    if (id == null) {
      List<String> parts = new ArrayList<>();
      for (Class<?> c : List.of(PreludeCache.class, PreludeText.class, SystemPreludes.class)) {
        try (var in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
          parts.add(in == null ? c.getName() : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          parts.add(c.getName());
        }
      }
      id = key(parts);
      buildId = id;
    }
    return id;
  }

  /**
   * The cache directory by default: {@code $BROOMSTICK_CACHE_DIR}, else {@code
   * $XDG_CACHE_HOME/broomstick}, else {@code ~/.cache/broomstick}; null when none can be named.
   */
  static Path defaultDir(Map<String, String> env) {
    String d = env.get("BROOMSTICK_CACHE_DIR");
    if (d != null && !d.isBlank()) {
      return Path.of(d);
    }
    String x = env.get("XDG_CACHE_HOME");
    if (x != null && !x.isBlank() && Path.of(x).isAbsolute()) {
      return Path.of(x, "broomstick");
    }
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() ? null : Path.of(home, ".cache", "broomstick");
  }

  /** A key: the hex SHA-256 of the parts, each length-prefixed. */
  static String key(List<String> parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
      }
      StringBuilder sb = new StringBuilder();
      for (byte x : md.digest()) {
        sb.append(String.format("%02x", x));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // Entries loaded in this run, by bucket (each file is read once per run).
  private final Map<String, List<Entry>> loaded = new java.util.concurrent.ConcurrentHashMap<>();

  /** Whether the bucket holds an entry (not checked). */
  boolean has(String bucket) {
    return !files(bucket).isEmpty();
  }

  private List<Path> files(String bucket) {
    String prefix = "prelude-" + bucket + "-";
    List<Path> out = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".bin")).forEach(out::add);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    java.util.Collections.sort(out);
    return out;
  }

  /**
   * The valid entries of a bucket (a stale, unreadable or foreign file is left out): each the result
   * of one configuration's build. Which one fits a unit is the caller's test.
   */
  List<Entry> load(String bucket) {
    return loaded.computeIfAbsent(bucket, b -> {
      List<Entry> out = new ArrayList<>();
      for (Path f : files(b)) {
        Entry e = load(f, b);
        if (e != null) {
          out.add(e);
        }
      }
      return out;
    });
  }

  private static Entry load(Path f, String bucket) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(f);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    try {
      return read(ByteBuffer.wrap(bytes), bucket);
    } catch (RuntimeException e) {
      // Truncated or corrupt (a BufferUnderflowException, a bad index, ...): a miss.
      return null;
    }
  }

  /** Stores an entry; false when it cannot be written (the run goes on). */
  boolean store(String bucket, Entry e, Set<String> checked) {
    List<String> conf = new ArrayList<>();
    e.config().forEach((k, v) -> conf.add(k + "\u0000" + v));
    java.util.Collections.sort(conf);
    conf.add(e.text() != null ? "text" : "reduced");
    Path target = dir.resolve("prelude-" + bucket + "-" + key(conf).substring(0, 16) + ".bin");
    List<Entry> mine = loaded.get(bucket);
    if (mine != null) {
      mine.add(e);
    }
    Path tmp = null;
    try {
      byte[] bytes = write(e, bucket, checked);
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "prelude-", ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException | RuntimeException ex) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // left behind
        }
      }
      return false;
    }
  }

  // ------------------------------------------------------------------ format

  /** Size and modification time of a file or directory, or {-1, -1} when it does not exist. */
  private static long[] stamp(String path) {
    try {
      BasicFileAttributes a = Files.readAttributes(Path.of(path), BasicFileAttributes.class);
      return new long[] {a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toMillis()};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /** What an entry is checked against: the headers gcc read, their directories, the search path, the rejected headers. */
  static Set<String> checked(Set<String> read, List<String> searched, List<String> dropped) {
    Set<String> out = new TreeSet<>(searched);
    out.addAll(dropped);
    for (String f : read) {
      out.add(f);
      Path parent = Path.of(f).getParent();
      if (parent != null) {
        out.add(parent.toString());
      }
    }
    return out;
  }

  private static byte[] write(Entry e, String key, Set<String> checked) throws IOException {
    Map<String, Integer> ids = new HashMap<>();
    List<String> table = new ArrayList<>();
    java.util.function.ToIntFunction<String> id = s -> ids.computeIfAbsent(s, k -> {
      table.add(k);
      return table.size() - 1;
    });
    ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
    DataOutputStream o = new DataOutputStream(body);
    o.writeInt(checked.size());
    for (String f : checked) {
      long[] st = stamp(f);
      o.writeInt(id.applyAsInt(f));
      o.writeLong(st[0]);
      o.writeLong(st[1]);
    }
    o.writeInt(e.config().size());
    for (Map.Entry<String, String> m : e.config().entrySet()) {
      o.writeInt(id.applyAsInt(m.getKey()));
      o.writeInt(id.applyAsInt(m.getValue()));
    }
    if (e.text() != null) {
      o.writeByte(TEXT);
      writeText(o, e.text(), id);
    } else {
      o.writeByte(REDUCED);
      writeReduced(o, e.reduced(), id);
    }
    strings(o, e.usedNames(), id);
    o.writeInt(e.usedBy().size());
    for (Map.Entry<String, Set<String>> m : e.usedBy().entrySet()) {
      o.writeInt(id.applyAsInt(m.getKey()));
      strings(o, m.getValue(), id);
    }
    o.writeInt(id.applyAsInt(e.systemHash()));
    strings(o, e.dropped(), id);
    strings(o, e.notes(), id);
    o.writeInt(MAGIC);
    o.flush();

    ByteArrayOutputStream all = new ByteArrayOutputStream(body.size() + (1 << 18));
    DataOutputStream h = new DataOutputStream(all);
    h.writeInt(MAGIC);
    h.writeInt(VERSION);
    byte[] k = key.getBytes(StandardCharsets.US_ASCII);
    h.writeInt(k.length);
    h.write(k);
    h.writeInt(table.size());
    for (String s : table) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      h.writeInt(b.length);
      h.write(b);
    }
    body.writeTo(h);
    h.flush();
    return all.toByteArray();
  }

  private static void writeText(DataOutputStream o, PreludeText t, java.util.function.ToIntFunction<String> id) throws IOException {
    o.writeInt(id.applyAsInt(t.synthetic));
    o.writeInt(t.nodes.size());
    for (PreludeText.Node n : t.nodes) {
      o.writeInt(id.applyAsInt(n.file));
    }
    for (PreludeText.Node n : t.nodes) {
      o.writeInt(n.children.size());
      for (PreludeText.Node c : n.children) {
        o.writeInt(c.id);
      }
      strings(o, n.skipped, id);
    }
    o.writeInt(t.rootChildren().size());
    for (PreludeText.Node c : t.rootChildren()) {
      o.writeInt(c.id);
    }
    o.writeInt(t.lines.size());
    for (PreludeText.Line l : t.lines) {
      utf8(o, l.text());
      o.writeInt(id.applyAsInt(l.file()));
      o.writeInt(l.line());
      o.writeInt(l.node().id);
    }
    o.writeInt(t.pieces.size());
    for (PreludeText.Piece p : t.pieces) {
      o.writeInt(p.firstLine());
      o.writeInt(p.lastLine());
      o.writeByte(p.kind().ordinal());
      o.writeInt(p.node().id);
      strings(o, p.declares(), id);
      strings(o, p.refs(), id);
    }
    o.writeInt(t.topLevel.size());
    for (Map.Entry<String, String> m : t.topLevel.entrySet()) {
      o.writeInt(id.applyAsInt(m.getKey()));
      o.writeInt(id.applyAsInt(m.getValue()));
    }
    o.writeInt(t.unusable == null ? -1 : id.applyAsInt(t.unusable));
  }

  private static void writeReduced(DataOutputStream o, SystemPrelude.Reduced r, java.util.function.ToIntFunction<String> id)
      throws IOException {
    o.writeInt(r.kept().size());
    for (SystemPrelude.Kept k : r.kept()) {
      o.writeInt(k.firstLine());
      o.writeByte(k.kind().ordinal());
      o.writeInt(id.applyAsInt(k.file()));
      strings(o, k.declares(), id);
      strings(o, k.refs(), id);
      o.writeInt(k.lines().size());
      for (SystemPrelude.KeptLine l : k.lines()) {
        utf8(o, l.text());
        o.writeInt(id.applyAsInt(l.file()));
        o.writeInt(l.line());
      }
    }
    o.writeInt(r.pieces());
    strings(o, r.names(), id);
    o.writeInt(r.fileEdges().size());
    for (Map.Entry<String, Set<String>> m : r.fileEdges().entrySet()) {
      o.writeInt(id.applyAsInt(m.getKey()));
      strings(o, m.getValue(), id);
    }
    strings(o, r.held(), id);
  }

  private static void utf8(DataOutputStream o, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    o.writeInt(b.length);
    o.write(b);
  }

  private static void strings(DataOutputStream o, java.util.Collection<String> ss, java.util.function.ToIntFunction<String> id)
      throws IOException {
    o.writeInt(ss.size());
    for (String s : ss) {
      o.writeInt(id.applyAsInt(s));
    }
  }

  private static Entry read(ByteBuffer b, String key) {
    if (b.getInt() != MAGIC || b.getInt() != VERSION) {
      return null;
    }
    byte[] k = new byte[count(b, 1)];
    b.get(k);
    if (!key.equals(new String(k, StandardCharsets.US_ASCII))) {
      return null;
    }
    String[] table = new String[count(b, 4)];
    for (int i = 0; i < table.length; i++) {
      table[i] = utf8(b);
    }
    int checked = b.getInt();
    for (int i = 0; i < checked; i++) {
      String f = table[b.getInt()];
      long size = b.getLong();
      long mtime = b.getLong();
      long[] s = stamp(f);
      if (s[0] != size || s[1] != mtime) {
        return null;
      }
    }
    int nc = count(b, 8);
    Map<String, String> config = new HashMap<>();
    for (int i = 0; i < nc; i++) {
      config.put(table[b.getInt()], table[b.getInt()]);
    }
    PreludeText t = null;
    SystemPrelude.Reduced r = null;
    byte kind = b.get();
    if (kind == TEXT) {
      t = readText(b, table);
    } else if (kind == REDUCED) {
      r = readReduced(b, table);
    }
    if (t == null && r == null) {
      return null;
    }
    Set<String> used = strings(b, table, new HashSet<>());
    Map<String, Set<String>> usedBy = new HashMap<>();
    int ub = b.getInt();
    for (int i = 0; i < ub; i++) {
      usedBy.put(table[b.getInt()], strings(b, table, new HashSet<>()));
    }
    String hash = table[b.getInt()];
    List<String> dropped = strings(b, table, new ArrayList<>());
    List<String> notes = strings(b, table, new ArrayList<>());
    if (b.getInt() != MAGIC || b.hasRemaining()) {
      return null;
    }
    return new Entry(Map.copyOf(config), t, r, used, usedBy, hash, dropped, notes);
  }

  private static PreludeText readText(ByteBuffer b, String[] table) {
    PreludeText t = new PreludeText(table[b.getInt()]);
    int nodes = b.getInt();
    for (int i = 0; i < nodes; i++) {
      PreludeText.Node n = new PreludeText.Node(i, table[b.getInt()]);
      t.nodes.add(n);
      t.firstNode.putIfAbsent(n.file, n);
    }
    for (int i = 0; i < nodes; i++) {
      PreludeText.Node n = t.nodes.get(i);
      int c = b.getInt();
      for (int j = 0; j < c; j++) {
        n.children.add(t.nodes.get(b.getInt()));
      }
      n.skipped.addAll(strings(b, table, new ArrayList<>()));
    }
    int rc = b.getInt();
    for (int j = 0; j < rc; j++) {
      t.rootChildren().add(t.nodes.get(b.getInt()));
    }
    int lines = b.getInt();
    for (int i = 0; i < lines; i++) {
      String text = utf8(b);
      t.lines.add(new PreludeText.Line(text, table[b.getInt()], b.getInt(), node(t, b.getInt())));
    }
    int pieces = b.getInt();
    PreludeText.Kind[] kinds = PreludeText.Kind.values();
    for (int i = 0; i < pieces; i++) {
      int first = b.getInt();
      int last = b.getInt();
      PreludeText.Kind kind = kinds[b.get()];
      PreludeText.Node n = node(t, b.getInt());
      Set<String> declares = Set.copyOf(strings(b, table, new ArrayList<>()));
      Set<String> refs = strings(b, table, new HashSet<>());
      if (first < 0 || last >= lines || first > last) {
        throw new IllegalArgumentException("bad piece");
      }
      t.pieces.add(new PreludeText.Piece(first, last, kind, declares, refs, n));
    }
    int top = b.getInt();
    for (int i = 0; i < top; i++) {
      t.topLevel.put(table[b.getInt()], table[b.getInt()]);
    }
    int u = b.getInt();
    t.unusable = u < 0 ? null : table[u];
    return t;
  }

  private static SystemPrelude.Reduced readReduced(ByteBuffer b, String[] table) {
    int n = count(b, 4);
    PreludeText.Kind[] kinds = PreludeText.Kind.values();
    List<SystemPrelude.Kept> kept = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int first = b.getInt();
      PreludeText.Kind kind = kinds[b.get()];
      String file = table[b.getInt()];
      Set<String> declares = Set.copyOf(strings(b, table, new ArrayList<>()));
      Set<String> refs = strings(b, table, new HashSet<>());
      int nl = count(b, 12);
      List<SystemPrelude.KeptLine> lines = new ArrayList<>(nl);
      for (int j = 0; j < nl; j++) {
        lines.add(new SystemPrelude.KeptLine(utf8(b), table[b.getInt()], b.getInt()));
      }
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("a piece without lines");
      }
      kept.add(new SystemPrelude.Kept(first, kind, file, declares, refs, List.copyOf(lines)));
    }
    int pieces = b.getInt();
    Set<String> names = strings(b, table, new HashSet<>());
    int ne = count(b, 8);
    Map<String, Set<String>> edges = new HashMap<>();
    for (int i = 0; i < ne; i++) {
      edges.put(table[b.getInt()], strings(b, table, new HashSet<>()));
    }
    Set<String> held = strings(b, table, new HashSet<>());
    return new SystemPrelude.Reduced(List.copyOf(kept), pieces, names, edges, held);
  }

  /** A count read, checked against what is left (each element at least {@code min} bytes). */
  private static int count(ByteBuffer b, int min) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining() / min) {
      throw new IllegalArgumentException("bad count");
    }
    return n;
  }

  private static PreludeText.Node node(PreludeText t, int id) {
    return id == -1 ? t.root() : t.nodes.get(id);
  }

  private static String utf8(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("bad length");
    }
    String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }

  private static <C extends java.util.Collection<String>> C strings(ByteBuffer b, String[] table, C out) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining() / 4) {
      throw new IllegalArgumentException("bad count");
    }
    for (int i = 0; i < n; i++) {
      out.add(table[b.getInt()]);
    }
    return out;
  }

  /** Files a cache directory holds, for pruning: oldest first. */
  static List<Path> entries(Path dir) {
    List<Path> out = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().startsWith("prelude-")).forEach(out::add);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return out;
  }

  @SuppressWarnings("unused")
  private static Set<String> ordered(Set<String> s) {
    return new LinkedHashSet<>(s);
  }
}
