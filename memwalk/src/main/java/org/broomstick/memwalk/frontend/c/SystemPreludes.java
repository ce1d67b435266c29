package org.broomstick.memwalk.frontend.c;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The system preludes of one run (see {@link SystemPrelude}): built lazily, when a unit reaches its
 * first system include and no prelude built so far fits its configuration, at most a few per run.
 *
 * <p>The project's files are scanned once, from the shared {@link SourceCache} (the parse reads the
 * same contents): their identifiers are the roots of every prelude's reduction, and their {@code
 * #include <…>} lines name the system headers a prelude holds. The files scanned are the {@code .c}
 * and {@code .h} files under the units' directories and their include directories outside the system
 * ones; a unit that reads any other file takes the normal path.
 */
final class SystemPreludes {

  /** A prelude, or why there is none. */
  record Found(SystemPrelude prelude, String why) {}

  /** What selects gcc's search path and predefined macros: the probe flags and the -isystem dirs. */
  record Toolchain(List<String> flags, List<String> isystem) {}

  /** A project file: its identifiers and whether it uses {@code #include_next}. */
  record ProjectFile(Set<String> identifiers, boolean includeNext) {}

  private static final int MAX_FILES = 20_000;
  private static final int MAX_ATTEMPTS = 8;
  // Runs of at most this many units build every prelude they need, however late.
  private static final int SMALL_RUN = 8;

  private final SourceCache cache;
  private final PreludeCache preludeCache;
  final java.util.concurrent.atomic.AtomicInteger cacheHits = new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicInteger textHits = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong cacheNanos = new java.util.concurrent.atomic.AtomicLong();
  final java.util.concurrent.atomic.AtomicBoolean cacheUnwritable = new java.util.concurrent.atomic.AtomicBoolean();
  private final String compiler;
  private final List<UnitConfig> units;
  private final Set<String> systemDirs;
  private final Map<Toolchain, List<SystemPrelude>> built = new ConcurrentHashMap<>();
  private final Map<Toolchain, Integer> failures = new ConcurrentHashMap<>();
  // Units whose parse has started: a prelude built when few are left costs more than it saves.
  private final java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<Toolchain, java.util.concurrent.locks.ReentrantLock> locks = new ConcurrentHashMap<>();
  // gcc's output (-dD and -dU) of each prelude built, to share one between configurations that give the same.
  private final Map<SystemPrelude, String> outputs = new ConcurrentHashMap<>();
  private volatile Scan scan;
  // Why building a prelude failed, for -Dbroomstick.timing.
  final java.util.Queue<String> buildFailures = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicLong buildNanos = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong gccNanos = new java.util.concurrent.atomic.AtomicLong();

  final java.util.concurrent.atomic.AtomicLong reduceNanos = new java.util.concurrent.atomic.AtomicLong();

  long cacheMillis() {
    return cacheNanos.get() / 1_000_000;
  }

  long gccMillis() {
    return gccNanos.get() / 1_000_000;
  }

  private record Scan(Map<String, ProjectFile> files, Set<String> roots, List<String> spellings, String failure) {}

  /** @param systemDirs every system include directory of the run (never scanned as project files) */
  SystemPreludes(SourceCache cache, String compiler, List<UnitConfig> units, Set<String> systemDirs, Path cacheDir) {
    this.cache = cache;
    this.preludeCache = cacheDir == null ? null : new PreludeCache(cacheDir);
    this.compiler = compiler;
    this.units = units;
    this.systemDirs = systemDirs;
  }

  /** A project file the scan read, or null when the scan did not (the unit then takes the normal path). */
  ProjectFile projectFile(String path) {
    // (a normalised absolute path)
    return scan().files().get(path);
  }

  /** Why no unit can use a prelude in this run, or null. */
  String failure() {
    return scan().failure();
  }

  long buildMillis() {
    return buildNanos.get() / 1_000_000;
  }

  int built() {
    return built.values().stream().mapToInt(List::size).sum();
  }

  /**
   * A prelude for a unit whose macros are {@code macros} when it reaches its first system include:
   * one built before whose configuration differs from these macros only in names the system headers
   * never mention, else a new one; null when none can be built (gcc fails on the headers).
   */
  /** A unit's parse starts. */
  void unitStarted() {
    started.incrementAndGet();
  }

  Found forConfiguration(Toolchain tc, List<String> sysDirs, Map<String, String> macros) {
    List<SystemPrelude> list = built.computeIfAbsent(tc, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
    for (SystemPrelude p : list) {
      if (fits(p, macros)) {
        return new Found(p, null);
      }
    }
    java.util.concurrent.locks.ReentrantLock lock = locks.computeIfAbsent(tc, k -> new java.util.concurrent.locks.ReentrantLock());
    // While another thread builds a prelude, parse this unit the normal way rather than wait, unless
    // the prelude it needs is in the cache (then it is ready in tens of milliseconds).
    if (preludeCache != null && scan().failure() == null && preludeCache.has(cacheKey(tc, sysDirs, scan().spellings()))) {
      lock.lock();
    } else if (!lock.tryLock()) {
      return new Found(null, "a prelude is being built");
    }
    try {
      for (SystemPrelude p : list) {
        if (fits(p, macros)) {
          return new Found(p, null);
        }
      }
      if (failures.getOrDefault(tc, 0) >= 2) {
        return new Found(null, "no prelude could be built");
      }
      if (!list.isEmpty() && units.size() > SMALL_RUN && 4 * (units.size() - started.get()) < units.size()) {
        return new Found(null, "too few units left to pay for another prelude");
      }
      long t0 = System.nanoTime();
      SystemPrelude p = build(tc, sysDirs, macros, list);
      buildNanos.addAndGet(System.nanoTime() - t0);
      if (p == null) {
        failures.merge(tc, 1, Integer::sum);
        return new Found(null, "no prelude could be built");
      }
      list.add(p);
      if (Boolean.getBoolean("broomstick.timing")) {
        System.err.printf("prelude built in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, p.figures());
      }
      return new Found(p, null);
    } finally {
      lock.unlock();
    }
  }

  /** Whether two macro sets differ only in names the prelude's headers never mention. */
  static boolean fits(SystemPrelude p, Map<String, String> macros) {
    return sameWhereSensitive(p.config, macros, p.sensitive);
  }

  static boolean sameWhereSensitive(Map<String, String> a, Map<String, String> b, Set<String> sensitive) {
    return differingSensitive(a, b, sensitive) == null;
  }

  /** A name the system headers mention whose macro differs between {@code a} and {@code b}, or null. */
  static String differingSensitive(Map<String, String> a, Map<String, String> b, Set<String> sensitive) {
    for (Map.Entry<String, String> e : a.entrySet()) {
      if (!Objects.equals(e.getValue(), b.get(e.getKey())) && sensitive.contains(e.getKey())) {
        return e.getKey();
      }
    }
    for (Map.Entry<String, String> e : b.entrySet()) {
      if (!a.containsKey(e.getKey()) && sensitive.contains(e.getKey())) {
        return e.getKey();
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ the project scan

  private Scan scan() {
    Scan s = scan;
    if (s == null) {
      synchronized (this) {
        s = scan;
        if (s == null) {
          s = doScan();
          scan = s;
        }
      }
    }
    return s;
  }

  private boolean isSystem(String path) {
    return under(path, systemDirs);
  }

  /** Whether {@code path} lies inside one of {@code dirs}. */
  static boolean under(String path, java.util.Collection<String> dirs) {
    for (String d : dirs) {
      if (path.startsWith(d.endsWith("/") ? d : d + "/")) {
        return true;
      }
    }
    return false;
  }

  private Scan doScan() {
    Set<Path> dirs = new LinkedHashSet<>();
    Set<String> includeDirs = new LinkedHashSet<>();
    Set<String> roots = new HashSet<>();
    for (UnitConfig u : units) {
      dirs.add(u.file().getParent());
      for (String d : concat(u.includes(), u.quoteIncludes())) {
        Path p = u.directory().resolve(d).normalize();
        if (!isSystem(p.toString())) {
          dirs.add(p);
          includeDirs.add(p.toString());
        }
      }
      // -D values may name system declarations (-Dinline=__inline).
      u.defines().forEach((k, v) -> {
        PreludeText.identifiers(k, 0, roots);
        if (v != null) {
          PreludeText.identifiers(v, 0, roots);
        }
      });
    }
    Set<Path> files = new LinkedHashSet<>();
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(d)) {
        for (Path f : (Iterable<Path>) walk::iterator) {
          String n = f.getFileName().toString();
          if ((n.endsWith(".c") || n.endsWith(".h")) && !hiddenBelow(d, f) && Files.isRegularFile(f)) {
            files.add(f.toAbsolutePath().normalize());
            if (files.size() > MAX_FILES) {
              return new Scan(Map.of(), Set.of(), List.of(), "more than " + MAX_FILES + " project files");
            }
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // An unreadable subtree: its files are not scanned, and units that read them take the normal path.
      }
    }
    Map<String, ProjectFile> out = new HashMap<>();
    Set<String> spellings = new LinkedHashSet<>();
    for (Path f : files) {
      var src = cache.get(f.toString());
      if (src.isEmpty()) {
        continue;
      }
      String text = new String(src.get().chars);
      Set<String> ids = PreludeText.codeIdentifiers(text);
      roots.addAll(ids);
      angleIncludes(text, spellings);
      out.put(f.toString(), new ProjectFile(ids, text.contains("include_next")));
    }
    // A header found in the project's own include directories is the project's, not the system's.
    spellings.removeIf(sp -> includeDirs.stream().anyMatch(d -> Files.isRegularFile(Path.of(d, sp))));
    return new Scan(Map.copyOf(out), Set.copyOf(roots), List.copyOf(spellings), null);
  }

  /**
   * Adds the spellings of the {@code #include <…>} lines of {@code text}: a line that starts, after
   * blanks, with {@code #}, blanks, {@code include}, blanks and {@code <…>} on that line.
   */
  static void angleIncludes(String text, Set<String> out) {
    int from = 0;
    while (true) {
      int k = text.indexOf("include", from);
      if (k < 0) {
        return;
      }
      from = k + 7;
      int b = k - 1;
      while (b >= 0 && (text.charAt(b) == ' ' || text.charAt(b) == '\t')) {
        b--;
      }
      if (b < 0 || text.charAt(b) != '#') {
        continue;
      }
      b--;
      while (b >= 0 && (text.charAt(b) == ' ' || text.charAt(b) == '\t')) {
        b--;
      }
      if (b >= 0 && text.charAt(b) != '\n' && text.charAt(b) != '\r') {
        continue;
      }
      int f = from;
      while (f < text.length() && (text.charAt(f) == ' ' || text.charAt(f) == '\t')) {
        f++;
      }
      if (f >= text.length() || text.charAt(f) != '<') {
        continue;
      }
      int e = f + 1;
      while (e < text.length() && text.charAt(e) != '>' && text.charAt(e) != '\n') {
        e++;
      }
      if (e < text.length() && text.charAt(e) == '>' && e > f + 1) {
        out.add(text.substring(f + 1, e).trim());
      }
    }
  }

  private static boolean hiddenBelow(Path root, Path f) {
    Path rel = root.relativize(f);
    for (int i = 0; i < rel.getNameCount(); i++) {
      if (rel.getName(i).toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  // ------------------------------------------------------------------ building

  private SystemPrelude build(Toolchain tc, List<String> sysDirs, Map<String, String> macros, List<SystemPrelude> others) {
    Scan s = scan();
    if (s.failure() != null || sysDirs.isEmpty()) {
      return null;
    }
    // Across runs: a reduction for this project's identifiers that fits, else gcc's output read, else gcc.
    String bucket = preludeCache == null ? null : cacheKey(tc, sysDirs, s.spellings());
    String reducedBucket = bucket == null ? null : PreludeCache.key(List.of(bucket, rootsKey(s)));
    long t0 = System.nanoTime();
    PreludeCache.Entry e = reducedBucket == null ? null : fitting(reducedBucket, macros);
    if (e != null) {
      cacheHits.incrementAndGet();
      cacheNanos.addAndGet(System.nanoTime() - t0);
      buildFailures.addAll(e.notes());
    } else {
      e = bucket == null ? null : fitting(bucket, macros);
      if (e != null) {
        textHits.incrementAndGet();
        cacheNanos.addAndGet(System.nanoTime() - t0);
        buildFailures.addAll(e.notes());
      } else {
        e = gccOutput(tc, sysDirs, macros, s.spellings(), bucket);
      }
    }
    if (e == null) {
      return null;
    }
    for (SystemPrelude o : others) {
      if (e.systemHash().equals(outputs.get(o))) {
        // The same text of the headers: only the configuration and what it tests differ.
        SystemPrelude same = o.withConfig(macros, e.usedNames(), e.usedBy());
        outputs.put(same, e.systemHash());
        return same;
      }
    }
    SystemPrelude.Reduced reduced = e.reduced();
    if (reduced == null) {
      if (e.text().unusable != null) {
        buildFailures.add(e.text().unusable);
        return null;
      }
      Set<String> roots = s.roots();
      if (!e.dropped().isEmpty()) {
        roots = new HashSet<>(roots);
        for (String d : e.dropped()) {
          var src = cache.get(d);
          if (src.isPresent()) {
            PreludeText.identifiers(new String(src.get().chars), 0, roots);
          }
        }
      }
      long r0 = System.nanoTime();
      reduced = SystemPrelude.reduce(e.text(), roots);
      reduceNanos.addAndGet(System.nanoTime() - r0);
      if (reducedBucket != null) {
        store(reducedBucket, e.with(reduced), reduced.held(), tc, sysDirs, e.dropped());
      }
    }
    // The configuration gcc saw (a cached entry's may differ from this unit's in names the headers never mention).
    SystemPrelude built = SystemPrelude.of(e.config(), e.usedNames(), e.usedBy(), reduced, sysDirs.get(0));
    built.readAlone.addAll(e.dropped());
    outputs.put(built, e.systemHash());
    return built;
  }

  private void store(String key, PreludeCache.Entry e, Set<String> read, Toolchain tc, List<String> sysDirs, List<String> dropped) {
    if (!preludeCache.store(key, e, PreludeCache.checked(read, searchOrder(tc, sysDirs), dropped))) {
      cacheUnwritable.set(true);
    }
  }

  /** A cached entry of the bucket whose configuration fits {@code macros}, or null. */
  private PreludeCache.Entry fitting(String bucket, Map<String, String> macros) {
    for (PreludeCache.Entry c : preludeCache.load(bucket)) {
      if (sameWhereSensitive(c.config(), macros, c.sensitive())) {
        return c;
      }
    }
    return null;
  }

  private volatile String rootsKey;

  /** A hash of the project's identifiers (the reduction's roots). */
  private String rootsKey(Scan s) {
    String k = rootsKey;
    if (k == null) {
      List<String> sorted = new ArrayList<>(s.roots());
      java.util.Collections.sort(sorted);
      k = PreludeCache.key(List.of(String.join("\n", sorted)));
      rootsKey = k;
    }
    return k;
  }

  /** The synthetic file's text: the configuration's macros, then each header under __has_include. */
  private static String synthetic(Map<String, String> macros, List<String> spellings, int[] firstInclude) {
    StringBuilder sb = new StringBuilder();
    macros.forEach((name, value) -> {
      // CDT's placeholders for gcc's own operators, which gcc does not let a file redefine.
      if (!name.startsWith("__has_include")) {
        sb.append("#define ").append(name).append(value).append('\n');
      }
    });
    firstInclude[0] = countLines(sb) + 1;
    for (String sp : spellings) {
      sb.append("#if __has_include(<").append(sp).append(">)\n#include <").append(sp).append(">\n#endif\n");
    }
    return sb.toString();
  }

  /**
   * gcc's output for a configuration, read: from the cache across runs when an entry fits, else
   * by running gcc (leaving out the headers it rejects) and storing the result.
   */
  private PreludeCache.Entry gccOutput(Toolchain tc, List<String> sysDirs, Map<String, String> macros, List<String> scanned,
      String key) {
    List<String> spellings = new ArrayList<>(scanned);
    // Headers gcc rejects in the union (pcre2.h without PCRE2_CODE_UNIT_WIDTH, an internal bits/
    // header): a unit that includes one later reads it itself, so the prelude must keep what they use.
    List<String> dropped = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Path synth = null;
    try {
      synth = Files.createTempFile("broomstick-prelude", ".c");
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        int[] firstInclude = new int[1];
        Files.writeString(synth, synthetic(macros, spellings, firstInclude));
        List<String> base = new ArrayList<>(List.of(compiler));
        base.addAll(tc.flags());
        for (String d : tc.isystem()) {
          base.add("-isystem");
          base.add(d);
        }
        base.addAll(List.of("-undef", "-w", "-E"));
        List<String> dd = new ArrayList<>(base);
        dd.addAll(List.of("-dD", "-dI", synth.toString()));
        List<String> du = new ArrayList<>(base);
        du.addAll(List.of("-dU", synth.toString()));
        long g0 = System.nanoTime();
        CompletableFuture<String[]> used = CompletableFuture.supplyAsync(() -> exec(du));
        String[] out = exec(dd);
        String[] uout = used.join();
        gccNanos.addAndGet(System.nanoTime() - g0);
        if (out[0] == null || uout[0] == null) {
          // Every top-level include gcc complained about (an internal header that #errors when
          // included alone, …) is left out, and gcc runs again; units that include one read it themselves.
          java.util.TreeSet<Integer> bad = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
          for (int line : failingLines(out[1] + "\n" + uout[1], synth.toString())) {
            int idx = line < firstInclude[0] ? -1 : (line - firstInclude[0]) / 3;
            if (idx >= 0 && idx < spellings.size()) {
              bad.add(idx);
            }
          }
          if (bad.isEmpty()) {
            buildFailures.add("gcc failed: " + firstLines(out[1] + "\n" + uout[1]));
            return null;
          }
          for (int idx : bad) {
            notes.add("left out <" + spellings.get(idx) + ">");
            String gone = resolve(spellings.get(idx), searchOrder(tc, sysDirs));
            if (gone != null) {
              dropped.add(gone);
            }
            spellings.remove(idx);
          }
          continue;
        }
        // -dU prints each macro where it is first expanded or tested, between linemarkers.
        Set<String> usedNames = new HashSet<>();
        Map<String, Set<String>> usedBy = new HashMap<>();
        String inFile = "";
        for (String l : uout[0].split("\n")) {
          if (l.startsWith("# ")) {
            int q = l.indexOf('"');
            int q2 = l.lastIndexOf('"');
            if (q > 0 && q2 > q) {
              inFile = l.substring(q + 1, q2);
            }
          } else if (l.startsWith("#define ") || l.startsWith("#undef ")) {
            String rest = l.substring(l.indexOf(' ') + 1);
            int e = 0;
            while (e < rest.length() && (Character.isLetterOrDigit(rest.charAt(e)) || rest.charAt(e) == '_')) {
              e++;
            }
            String name = rest.substring(0, e);
            usedNames.add(name);
            usedBy.computeIfAbsent(inFile, k -> new HashSet<>()).add(name);
          }
        }
        List<String> dirs = new ArrayList<>(sysDirs);
        PreludeText text = PreludeText.parse(out[0], synth.toString(), p -> under(p, dirs));
        buildFailures.addAll(notes);
        PreludeCache.Entry e = new PreludeCache.Entry(Map.copyOf(macros), text, null, usedNames, usedBy, String.valueOf(systemHash(out[0])), dropped, notes);
        if (key != null && text.unusable == null) {
          store(key, e, text.firstNode.keySet(), tc, sysDirs, dropped);
        }
        return e;
      }
      return null;
    } catch (IOException | RuntimeException e) {
      buildFailures.add(e.toString());
      return null;
    } finally {
      if (synth != null) {
        try {
          if (System.getProperty("broomstick.prelude.keep") != null) {
            Files.copy(synth, Path.of(System.getProperty("broomstick.prelude.keep")), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
          Files.deleteIfExists(synth);
        } catch (IOException e) {
          // a temp file left behind
        }
      }
    }
  }

  /**
   * The cache bucket of a build: everything that determines gcc's output and our reading of it but the
   * configuration's macros (an entry of the bucket fits a unit when they differ only in names its
   * headers never mention, as a prelude built earlier in the run does).
   */
  private String cacheKey(Toolchain tc, List<String> sysDirs, List<String> spellings) {
    List<String> parts = new ArrayList<>(List.of(PreludeCache.buildId(), compilerIdentity(), synthetic(Map.of(), spellings, new int[1])));
    parts.add(String.join("\u0000", tc.flags()));
    parts.add(String.join("\u0000", tc.isystem()));
    parts.add(String.join("\u0000", sysDirs));
    return PreludeCache.key(parts);
  }

  private volatile String compilerIdentity;

  /** The compiler as the cache key knows it: its name, the executable it resolves to on PATH, that file's size and mtime. */
  private String compilerIdentity() {
    String id = compilerIdentity;
    if (id == null) {
      StringBuilder sb = new StringBuilder(compiler);
      Path exe = null;
      if (compiler.contains("/")) {
        exe = Path.of(compiler);
      } else {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
          Path p = Path.of(d.isEmpty() ? "." : d, compiler);
          if (Files.isExecutable(p)) {
            exe = p;
            break;
          }
        }
      }
      if (exe != null) {
        try {
          Path real = exe.toRealPath();
          sb.append('\u0000').append(real).append('\u0000').append(Files.size(real)).append('\u0000')
              .append(Files.getLastModifiedTime(real).toMillis());
        } catch (IOException | RuntimeException e) {
          sb.append("\u0000?");
        }
      }
      id = sb.toString();
      compilerIdentity = id;
    }
    return id;
  }

  private static String firstLines(String s) {
    String t = s.strip();
    return t.length() > 300 ? t.substring(0, 300) + "…" : t;
  }

  /** A hash of the lines gcc wrote inside included headers (the synthetic file's own lines left out). */
  static long systemHash(String out) {
    long h = 1;
    int depth = 0;
    int start = 0;
    int n = out.length();
    while (start < n) {
      int end = out.indexOf('\n', start);
      if (end < 0) {
        end = n;
      }
      if (out.startsWith("# ", start)) {
        int q = out.lastIndexOf('"', end);
        String flags = q > start ? out.substring(q + 1, end) : "";
        if (flags.contains("1")) {
          depth++;
        } else if (flags.contains("2")) {
          depth--;
        }
      }
      if (depth > 0) {
        for (int i = start; i < end; i++) {
          h = 31 * h + out.charAt(i);
        }
        h = 31 * h + '\n';
      }
      start = end + 1;
    }
    return h;
  }

  /** Where {@code <spelling>} resolves: the first of the directories that holds it, or null. */
  static String resolve(String spelling, List<String> dirs) {
    for (String d : dirs) {
      Path p = Path.of(d, spelling).normalize();
      if (Files.isRegularFile(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static List<String> searchOrder(Toolchain tc, List<String> sysDirs) {
    List<String> order = new ArrayList<>(tc.isystem());
    order.addAll(sysDirs);
    return order;
  }

  private static int countLines(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  /** The lines of the synthetic file that led to gcc's errors ("In file included from F:L" or "F:L:"). */
  private static Set<Integer> failingLines(String stderr, String synth) {
    Set<Integer> out = new HashSet<>();
    Matcher m = Pattern.compile(Pattern.quote(synth) + ":(\\d+)").matcher(stderr);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  /** stdout (null when gcc failed) and stderr. */
  private static String[] exec(List<String> cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Path err = Files.createTempFile("broomstick-prelude", ".err");
      try {
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
          out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new String[] {null, "timed out"};
        }
        String e = Files.readString(err, StandardCharsets.UTF_8);
        return new String[] {p.exitValue() == 0 ? out : null, e};
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      return new String[] {null, String.valueOf(e.getMessage())};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new String[] {null, "interrupted"};
    }
  }
}
