package org.broomstick.memwalk.frontend.c;

import java.io.IOException;
import java.io.UncheckedIOException;
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

  private static final Pattern ANGLE = Pattern.compile("^[ \\t]*#[ \\t]*include[ \\t]*<([^>\\n]+)>", Pattern.MULTILINE);
  private static final int MAX_FILES = 20_000;
  private static final int MAX_ATTEMPTS = 8;
  // Runs of at most this many units build every prelude they need, however late.
  private static final int SMALL_RUN = 8;

  private final SourceCache cache;
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

  long gccMillis() {
    return gccNanos.get() / 1_000_000;
  }

  private record Scan(Map<String, ProjectFile> files, Set<String> roots, List<String> spellings, String failure) {}

  /** @param systemDirs every system include directory of the run (never scanned as project files) */
  SystemPreludes(SourceCache cache, String compiler, List<UnitConfig> units, Set<String> systemDirs) {
    this.cache = cache;
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
    // While another thread builds a prelude, parse this unit the normal way rather than wait.
    if (!lock.tryLock()) {
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
      Matcher m = ANGLE.matcher(text);
      while (m.find()) {
        spellings.add(m.group(1).trim());
      }
      out.put(f.toString(), new ProjectFile(ids, text.contains("include_next")));
    }
    // A header found in the project's own include directories is the project's, not the system's.
    spellings.removeIf(sp -> includeDirs.stream().anyMatch(d -> Files.isRegularFile(Path.of(d, sp))));
    return new Scan(Map.copyOf(out), Set.copyOf(roots), List.copyOf(spellings), null);
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
    List<String> spellings = new ArrayList<>(s.spellings());
    // Headers gcc rejects in the union (pcre2.h without PCRE2_CODE_UNIT_WIDTH, an internal bits/
    // header): a unit that includes one later reads it itself, so the prelude must keep what they use.
    Set<String> dropped = new LinkedHashSet<>();
    Path synth = null;
    try {
      synth = Files.createTempFile("broomstick-prelude", ".c");
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        StringBuilder sb = new StringBuilder();
        macros.forEach((name, value) -> {
          // CDT's placeholders for gcc's own operators, which gcc does not let a file redefine.
          if (!name.startsWith("__has_include")) {
            sb.append("#define ").append(name).append(value).append('\n');
          }
        });
        int firstInclude = countLines(sb) + 1;
        for (String sp : spellings) {
          sb.append("#if __has_include(<").append(sp).append(">)\n#include <").append(sp).append(">\n#endif\n");
        }
        Files.writeString(synth, sb.toString());
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
          // Drop the first header gcc complained about (an internal header that #errors when included
          // alone, …) and try again; units that include it take the normal path.
          // Every top-level include gcc complained about, at once.
          java.util.TreeSet<Integer> bad = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
          for (int line : failingLines(out[1] + "\n" + uout[1], synth.toString())) {
            int idx = line < firstInclude ? -1 : (line - firstInclude) / 3;
            if (idx >= 0 && idx < spellings.size()) {
              bad.add(idx);
            }
          }
          if (bad.isEmpty()) {
            buildFailures.add("gcc failed: " + firstLines(out[1] + "\n" + uout[1]));
            return null;
          }
          for (int idx : bad) {
            buildFailures.add("left out <" + spellings.get(idx) + ">");
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
        String key = String.valueOf(systemHash(out[0]));
        for (SystemPrelude o : others) {
          String ok = outputs.get(o);
          if (key.equals(ok)) {
            // The same text of the headers: only the configuration and what it tests differ.
            SystemPrelude same = o.withConfig(macros, usedNames, usedBy);
            outputs.put(same, key);
            return same;
          }
        }
        List<String> dirs = new ArrayList<>(sysDirs);
        PreludeText text = PreludeText.parse(out[0], synth.toString(), p -> under(p, dirs));
        if (text.unusable != null) {
          buildFailures.add(text.unusable);
          return null;
        }
        Set<String> roots = s.roots();
        if (!dropped.isEmpty()) {
          roots = new HashSet<>(roots);
          for (String d : dropped) {
            var src = cache.get(d);
            if (src.isPresent()) {
              PreludeText.identifiers(new String(src.get().chars), 0, roots);
            }
          }
        }
        SystemPrelude built = SystemPrelude.of(macros, usedNames, usedBy, text, roots, sysDirs.get(0));
        built.readAlone.addAll(dropped);
        outputs.put(built, key);
        return built;
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
      GccProbe.Output r = GccProbe.run(cmd, 120);
      return new String[] {r.exit() == 0 ? r.out() : null, r.err()};
    } catch (IOException e) {
      return new String[] {null, String.valueOf(e.getMessage())};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new String[] {null, "interrupted"};
    }
  }
}
